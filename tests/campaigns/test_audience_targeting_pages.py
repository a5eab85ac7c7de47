"""The Campaigns app's screens opened from the Audiences app: Add To Campaign, its campaign picker, and
Create Campaign with the ticked audiences (through Django's test client; the browser tests click them)."""

import pytest

from campaigns.models import Campaign, CampaignAudience, CampaignType
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_add_to_campaign_by_campaigns_and_by_insertion_order(client_a, org_a):
    a1, a2 = AudienceFactory.create_batch(2, organization=org_a)
    io = InsertionOrderFactory(organization=org_a)
    c1 = CampaignFactory(insertion_order=io)
    pg = CampaignFactory(insertion_order=io, campaign_type=CampaignType.PG, name="PG deal")
    other = CampaignFactory(insertion_order__organization=org_a)

    form = client_a.get("/audiences/add-to-campaign/", {"audience": [a1.pk, a2.pk]}, **HTMX)
    assert form.status_code == 200 and a1.name in form.content.decode()

    by_campaign = client_a.post(
        "/audiences/add-to-campaign/",
        {"audience": [a1.pk], "campaign": [other.pk], "list_type": "blocklist"},
        **HTMX,
    )
    assert by_campaign.status_code == 200 and "added to the Blocklist" in by_campaign.content.decode()
    assert CampaignAudience.objects.get(campaign=other).list_type == "blocklist"

    by_io = client_a.post(
        "/audiences/add-to-campaign/",
        {"audience": [a1.pk, a2.pk], "insertion_order": io.pk, "list_type": "allowlist"},
        **HTMX,
    )
    content = by_io.content.decode()
    # The IO's PG campaign is skipped, once, as no error: it takes no audiences by nature.
    assert content.count("Skipped: a PG campaign takes no audience targeting.") == 1
    assert "✗" not in content
    assert set(CampaignAudience.objects.filter(campaign=c1).values_list("audience_id", flat=True)) == {
        a1.pk,
        a2.pk,
    }
    assert not CampaignAudience.objects.filter(campaign=pg).exists()


def test_add_to_campaign_says_what_is_missing(client_a, org_a):
    audience = AudienceFactory(organization=org_a)
    response = client_a.post(
        "/audiences/add-to-campaign/", {"audience": [audience.pk], "list_type": "allowlist"}, **HTMX
    )
    assert "Choose at least one campaign, or an insertion order." in response.content.decode()


def test_the_campaign_picker_offers_only_campaigns_that_can_take_audiences(client_a, org_a, org_b):
    CampaignFactory(insertion_order__organization=org_a, name="Running one")
    CampaignFactory(insertion_order__organization=org_a, name="PG one", campaign_type=CampaignType.PG)
    CampaignFactory(insertion_order__organization=org_a, name="Expired one", status="expired")
    CampaignFactory(insertion_order__organization=org_b, name="Theirs one")
    content = client_a.get("/audiences/add-to-campaign/campaigns/", {"q": "one"}, **HTMX).content.decode()
    assert "Running one" in content
    assert "PG one" not in content and "Expired one" not in content and "Theirs one" not in content


def test_create_campaign_with_the_ticked_audiences_on_its_allowlist(client_a, org_a):
    a1, a2 = AudienceFactory.create_batch(2, organization=org_a)
    io = InsertionOrderFactory(organization=org_a)
    CampaignFactory(insertion_order=io, name="Taken")
    data = {
        "audience": [a1.pk, a2.pk],
        "insertion_order": io.pk,
        "name": "taken",
        "campaign_type": "advanced",
    }
    duplicate = client_a.post("/audiences/create-campaign/", data, **HTMX)
    assert "already exists" in duplicate.content.decode() and 'value="taken"' in duplicate.content.decode()

    pg = client_a.post("/audiences/create-campaign/", {**data, "name": "New", "campaign_type": "pg"}, **HTMX)
    assert "PG campaigns take no audience targeting" in pg.content.decode()
    assert not Campaign.objects.filter(name="New").exists()

    created = client_a.post("/audiences/create-campaign/", {**data, "name": "New"}, **HTMX)
    assert created.status_code == 200 and "Campaign created" in created.content.decode()
    campaign = Campaign.objects.get(name="New")
    assert set(campaign.audience_targets.values_list("audience_id", "list_type")) == {
        (a1.pk, "allowlist"),
        (a2.pk, "allowlist"),
    }


def test_another_organizations_audiences_and_campaigns_cannot_be_used(client_a, org_a, org_b):
    theirs = AudienceFactory(organization=org_b)
    their_campaign = CampaignFactory(insertion_order__organization=org_b)
    own = AudienceFactory(organization=org_a)
    response = client_a.post(
        "/audiences/add-to-campaign/",
        {"audience": [theirs.pk, own.pk], "campaign": [their_campaign.pk], "list_type": "allowlist"},
        **HTMX,
    )
    # Refused as a choice the form does not offer: the pop-up comes back with the error, nothing attached.
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    assert CampaignAudience.objects.count() == 0
