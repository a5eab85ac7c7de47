from django_otp.admin import OTPAdminSite

from .forms import StaffSignInForm


class PortalAdminSite(OTPAdminSite):
    """The ops admin site: staff whose session a TOTP code has verified, nobody else.

    Installed as ``django.contrib.admin.site`` (accounts.apps.PortalAdminConfig), so every app's
    ``@admin.register`` lands here. A staff member signed in to the portal without a code is sent to the
    admin sign-in, which asks for it.
    """

    login_form = StaffSignInForm
    login_template = "admin/ops_login.html"

    def __init__(self, name: str = "admin"):
        # The "admin" URL namespace, as the plain site had (django-otp's default is "otpadmin").
        super().__init__(name)
