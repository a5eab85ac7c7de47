import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import Membership, Organization, Role
from campaigns.models import Campaign, CampaignType, InsertionOrder

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(monkeypatch, settings, tmp_path, client):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    call_command("seed_demo")

    organization = Organization.objects.get()
    assert (organization.account_id, organization.name) == (123456, "Demo Campaigns")
    membership = Membership.objects.get(user__username="demo")
    assert (membership.organization, membership.role) == (organization, Role.ADMIN)
    assert InsertionOrder.objects.count() == 1
    types = set(Campaign.objects.values_list("campaign_type", flat=True))
    assert types == {CampaignType.ADVANCED, CampaignType.PG}
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert client.login(username="demo", password="demo-password-for-tests")
    assert b"123456" in client.get("/profile/organizations/").content


def test_seed_demo_generates_and_remembers_a_password(monkeypatch, settings, tmp_path, capsys, client):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    password = (tmp_path / "demo-password").read_text().strip()
    assert f"demo / {password}" in first and f"demo / {password}" in second
    assert client.login(username="demo", password=password)
