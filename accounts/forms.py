from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm

from .lockout import LOCKED_OUT, lockout_message


class LockoutMessageMixin:
    """A sign-in form that, when django-axes refused the attempt, says so and when to try again instead of
    Django's "enter a correct username and password" (axes makes authenticate() return None)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                username = self.cleaned_data.get("username")
                raise ValidationError(lockout_message(self.request, username), code=LOCKED_OUT) from None
            raise


class SignInForm(LockoutMessageMixin, AuthenticationForm):
    """The portal's sign-in."""


class StaffSignInForm(LockoutMessageMixin, OTPAdminAuthenticationForm):
    """The admin site's sign-in: username, password and the code of the staff member's authenticator app."""

    otp_token = forms.CharField(
        required=False,
        label="Authenticator code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Enter the 6-digit code your authenticator app shows for the IQM portal.",
        "invalid_token": "That code is not right (or was already used). Enter the current one.",
    }

    def _chosen_device(self, user):
        # django-otp asks to pick a device rather than try a code on each (a miss would throttle the
        # others). Staff enrol one authenticator (manage.py staff_otp_enrol), so when no device was picked
        # and there is exactly one, it is the one: the sign-in stays a single form.
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device
