"""Idempotent demo data: organization 123456, user ``demo`` (admin there), one IO with a few campaigns."""

import datetime as dt
import os
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Organization, Role
from accounts.services import membership_grant
from campaigns.models import Campaign, CampaignType, InsertionOrder

DEMO_ACCOUNT_ID = 123456
DEMO_CAMPAIGNS = [
    ("GOTV Display – Franklin County", CampaignType.ADVANCED),
    ("Persuasion CTV – Suburban Women", CampaignType.ADVANCED),
    ("Early Vote Chase – Mobile", CampaignType.ADVANCED),
    ("PG Deal – Local News Sites", CampaignType.PG),
    ("PG Deal – Streaming Audio", CampaignType.PG),
]


class Command(BaseCommand):
    help = "Create (or keep) the demo organization, user and campaigns. Safe to run many times."

    def handle(self, *args, **options):
        password_file = settings.VAR_DIR / "demo-password"
        with transaction.atomic():
            organization, _ = Organization.objects.get_or_create(
                account_id=DEMO_ACCOUNT_ID, defaults={"name": "Demo Campaigns"}
            )
            user, created = get_user_model().objects.get_or_create(
                username="demo", defaults={"first_name": "Demo", "last_name": "User"}
            )
            password = self._password(user, created, password_file)
            membership_grant(user=user, organization=organization, role=Role.ADMIN)
            self._campaigns(organization)

        self._l2_sender()
        self.stdout.write(f"Demo organization: {organization.name} (ID {organization.account_id})")
        if password:
            self.stdout.write(f"Demo login: demo / {password}")
        else:
            self.stdout.write("Demo login: demo (password unchanged; set DEMO_PASSWORD to choose one)")

    def _password(self, user, created: bool, password_file) -> str | None:
        chosen = os.environ.get("DEMO_PASSWORD")
        if chosen:
            user.set_password(chosen)
            user.save(update_fields=["password"])
            return chosen
        if created or not user.has_usable_password():
            generated = secrets.token_urlsafe(12)
            user.set_password(generated)
            user.save(update_fields=["password"])
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(generated + "\n")
            password_file.chmod(0o600)
            return generated
        if password_file.exists():
            return password_file.read_text().strip()
        return None

    def _l2_sender(self) -> None:
        """A local signing secret and a synthetic universe, so the demo can send itself a universe."""
        from l2_ingest.generator import write_export
        from l2_ingest.models import PartnerSecret
        from l2_ingest.services import partner_secret_create

        secret_file = settings.VAR_DIR / "demo-l2-secret"
        known = secret_file.exists() and PartnerSecret.objects.filter(
            secret=secret_file.read_text().strip(), revoked_at=None
        )
        if not known:
            _, secret = partner_secret_create(label="Demo sender (this machine)")
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.write_text(secret + "\n")
            secret_file.chmod(0o600)
        universe = settings.VAR_DIR / "demo-universe.tsv"
        if not universe.exists():
            write_export(universe, 5_000, seed=2026)

    def _campaigns(self, organization: Organization) -> None:
        today = dt.date.today()
        io, _ = InsertionOrder.objects.get_or_create(
            organization=organization,
            name="2026 General – Ohio",
            defaults={
                "start_date": today,
                "end_date": today + dt.timedelta(days=120),
                "budget_total": Decimal("250000.00"),
            },
        )
        for name, campaign_type in DEMO_CAMPAIGNS:
            Campaign.objects.get_or_create(
                organization=organization,
                name=name,
                defaults={
                    "insertion_order": io,
                    "campaign_type": campaign_type,
                    "start_date": io.start_date,
                    "end_date": io.end_date,
                    "daily_budget": Decimal("500.00"),
                    "total_budget": Decimal("40000.00"),
                    "max_bid": Decimal("12.50"),
                },
            )
