from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, QuerySet

from .models import L2Customer, Membership, Organization


def membership_list(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def membership_get(*, user: AbstractBaseUser, organization_id: int | None = None, account_id=None):
    """The user's membership in one organization, or None when the user is not a member of it."""
    memberships = membership_list(user=user)
    if organization_id is not None:
        return memberships.filter(organization_id=organization_id).first()
    if account_id is not None:
        return memberships.filter(organization__account_id=account_id).first()
    return memberships.first()


def organization_get_by_account_id(*, account_id: int) -> Organization | None:
    return Organization.objects.filter(account_id=account_id).first()


def l2_customer_list(*, organization: Organization) -> QuerySet[L2Customer]:
    """The L2 customers the organization names as its own."""
    return L2Customer.objects.filter(organization=organization).select_related("added_by")


def l2_customer_is_named(*, organization: Organization, customer_id: str) -> bool:
    return (
        bool(customer_id)
        and L2Customer.objects.filter(organization=organization, customer_id=customer_id).exists()
    )


def sign_in_last_failure(*, username: str, ip_address: str | None):
    """When a username last failed to sign in from an address (django-axes' record), or None."""
    from axes.models import AccessAttempt

    return (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .aggregate(last=Max("attempt_time"))
        .get("last")
    )
