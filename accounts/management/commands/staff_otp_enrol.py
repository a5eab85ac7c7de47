"""Give a staff member the authenticator (TOTP) that the admin site's sign-in asks for."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import staff_otp_device_enrol
from iqm_portal.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Create a confirmed TOTP device for a staff user and print its otpauth:// URI, to add to an "
        "authenticator app. --replace replaces the user's existing device (a lost or new phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="delete the user's existing devices and enrol a new one"
        )

    def handle(self, *args, username: str, replace: bool, **options):
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user {username}.")
        try:
            device = staff_otp_device_enrol(user=user, replace=replace)
        except ApplicationError as error:
            hint = " Pass --replace to do so." if error.code == "otp_device_exists" else ""
            raise CommandError(error.message + hint) from None
        # The URI holds the secret: it goes to this terminal only, never to a log.
        self.stdout.write(
            f"Authenticator enrolled for {username}. Add this URI to the authenticator app (or make a QR code "
            "of it), then sign in at /admin/ with the app's current code:"
        )
        self.stdout.write(device.config_url)
