from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count

from .models import L2Customer, Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class L2CustomerInline(admin.TabularInline):
    model = L2Customer
    extra = 0
    fields = ["customer_id", "added_by", "created_at"]
    readonly_fields = ["added_by", "created_at"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "account_id", "accepts_transmissions", "member_count", "created_at"]
    list_filter = ["accepts_transmissions", "created_at"]
    search_fields = ["name", "account_id"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline, L2CustomerInline]

    def get_readonly_fields(self, request, obj=None):
        # The account ID is baked into every universe name L2 users have set up: never change it in place.
        if obj is not None:
            return [*self.readonly_fields, "account_id"]
        return self.readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__email", "organization__name", "organization__account_id"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
    readonly_fields = ["created_at"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "created_at"]
    readonly_fields = ["created_at"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [UserMembershipInline]
