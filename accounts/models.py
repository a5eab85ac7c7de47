from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Organization(models.Model):
    """An advertiser account; its account ID is what L2 users type into a universe name."""

    account_id = models.PositiveBigIntegerField(
        "ID",
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(999_999_999_999)],
        help_text="The number L2 users put in the universe name: IQM_<ID>_<segment>.",
    )
    name = models.CharField(max_length=200)
    accepts_transmissions = models.BooleanField(
        default=True, help_text="When off, L2 transmissions naming this organization are refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.account_id})"


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's role in one organization."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_organization"
            )
        ]
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} as {self.get_role_display()}"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class L2Customer(models.Model):
    """An L2 customer the organization names as its own: its pushes are never held for approval."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="l2_customers")
    customer_id = models.CharField(
        "L2 customer ID", max_length=128, help_text="As L2 sends it in a push's customer_id, e.g. L2CUST-889."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "L2 customer"
        ordering = ["customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "customer_id"], name="l2_customer_unique_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ({self.organization})"
