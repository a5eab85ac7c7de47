from django.core.management.base import BaseCommand, CommandError

from l2_ingest.models import PartnerSecret
from l2_ingest.services import partner_secret_create, partner_secret_revoke


class Command(BaseCommand):
    help = "Create, list or revoke the secrets L2 signs transmissions with."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a secret; it is printed once, on the last line.")
        create.add_argument("--label", default="L2 DataMapping")
        sub.add_parser("list", help="List secrets (never their values).")
        revoke = sub.add_parser("revoke", help="Revoke a secret by its id.")
        revoke.add_argument("secret_id", type=int)

    def handle(self, *args, action, **options):
        if action == "create":
            record, secret = partner_secret_create(label=options["label"])
            self.stderr.write(
                f"Created secret {record.pk} ({record.label}). Give it to L2 now: it is never shown again."
            )
            self.stdout.write(secret)
        elif action == "list":
            for record in PartnerSecret.objects.order_by("created_at"):
                state = f"revoked {record.revoked_at:%Y-%m-%d %H:%M}" if record.revoked_at else "active"
                used = (
                    f"last used {record.last_used_at:%Y-%m-%d %H:%M}" if record.last_used_at else "never used"
                )
                self.stdout.write(f"{record.pk}\t{record.hint}…\t{state}\t{used}\t{record.label}")
        else:
            record = PartnerSecret.objects.filter(pk=options["secret_id"]).first()
            if record is None:
                raise CommandError(f"No secret with id {options['secret_id']}; see l2_secret list.")
            partner_secret_revoke(secret=record)
            self.stdout.write(f"Secret {record.pk} ({record.hint}…) revoked.")
