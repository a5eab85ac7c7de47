from django.contrib.auth import get_user_model
from django.db import transaction

from iqm_portal.exceptions import ApplicationError

from .models import L2Customer, Membership, Organization, Role
from .selectors import membership_get

SESSION_ORGANIZATION_KEY = "current_organization_id"


def organization_create(*, account_id: int, name: str, accepts_transmissions: bool = True) -> Organization:
    if Organization.objects.filter(account_id=account_id).exists():
        raise ApplicationError(
            f"An organization with ID {account_id} already exists.", code="duplicate_account_id"
        )
    return Organization.objects.create(
        account_id=account_id, name=name, accepts_transmissions=accepts_transmissions
    )


def membership_grant(*, user, organization: Organization, role: str = Role.VIEWER) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    return membership


@transaction.atomic
def user_create(
    *, username: str, password: str, organization: Organization, role: str = Role.VIEWER, **fields
):
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    membership_grant(user=user, organization=organization, role=role)
    return user


def current_organization_switch(*, request, organization_id: int) -> Membership:
    """Make one of the user's organizations the one the session works in."""
    membership = membership_get(user=request.user, organization_id=organization_id)
    if membership is None:
        raise ApplicationError("You are not a member of that organization.", code="not_a_member", status=403)
    request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    return membership


# --- L2 customers: the senders an organization names as its own (docs/l2-endpoint.md) ----------------


def l2_customer_add(*, organization: Organization, customer_id: str, added_by=None) -> L2Customer:
    """Name an L2 customer: from now on its pushes to the organization's segments are never held."""
    customer_id = (customer_id or "").strip()
    if not customer_id:
        raise ApplicationError(
            "Give the L2 customer ID, as L2 shows it (e.g. L2CUST-889).", field="customer_id"
        )
    if len(customer_id) > 128 or not customer_id.isprintable():
        raise ApplicationError("An L2 customer ID is at most 128 printable characters.", field="customer_id")
    customer, created = L2Customer.objects.get_or_create(
        organization=organization, customer_id=customer_id, defaults={"added_by": added_by}
    )
    if not created:
        raise ApplicationError(
            f"{customer_id} is already one of {organization.name}'s L2 customers.",
            code="l2_customer_exists",
            status=409,
            field="customer_id",
        )
    return customer


def l2_customer_remove(*, customer: L2Customer) -> None:
    """Stop naming an L2 customer: its pushes to segments it does not own are held again."""
    customer.delete()


STAFF_OTP_DEVICE_NAME = "Authenticator app"


@transaction.atomic
def staff_otp_device_enrol(*, user, replace: bool = False):
    """A confirmed TOTP device for a staff member's sign-in to the admin site.

    With ``replace``, the member's other devices are deleted in the same transaction: sessions verified
    by them are no longer verified (django-otp finds their device gone), so a lost phone is locked out.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not user.is_staff:
        raise ApplicationError(
            f"{user.get_username()} is not staff: only staff sign in to the admin site.", code="not_staff"
        )
    existing = TOTPDevice.objects.select_for_update().filter(user=user)
    if existing.exists():
        if not replace:
            raise ApplicationError(
                f"{user.get_username()} already has an authenticator: replace it on purpose.",
                code="otp_device_exists",
            )
        existing.delete()
    return TOTPDevice.objects.create(user=user, name=STAFF_OTP_DEVICE_NAME, confirmed=True)
