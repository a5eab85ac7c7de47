"""Each change a customer may be asked about leaves one entry, written with it (docs/history.md)."""

import pytest

from campaigns.models import CampaignStatus
from campaigns.services import campaign_reach_refresh, campaign_targeting_update
from history.actors import SYSTEM
from history.models import HistoryAction, HistoryEntry
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria(member_a):
    member_a.first_name, member_a.last_name = "Maria", "Lopez"
    member_a.save()
    return member_a


def only(action, **filters):
    [entry] = HistoryEntry.objects.filter(action=action, **filters)
    return entry


def test_renaming_duplicating_and_deleting_an_audience(api, org_a, maria):
    audience = AudienceFactory(organization=org_a, name="Likely Dems")
    load_members(audience, range(1, 50))
    assert (
        api.patch(
            f"/api/v1/audiences/{audience.pk}/", {"name": "Ohio Likely Dems"}, format="json"
        ).status_code
        == 200
    )
    renamed = only(HistoryAction.AUDIENCE_CHANGED, audience_id=audience.pk)
    assert renamed.changes == {"name": ["Likely Dems", "Ohio Likely Dems"]}
    assert (renamed.actor_kind, renamed.actor_name, renamed.actor_user_id) == (
        "user",
        "Maria Lopez",
        maria.pk,
    )

    copy_id = api.post(f"/api/v1/audiences/{audience.pk}/duplicate/", {}, format="json").json()["id"]
    original_side = only(HistoryAction.AUDIENCE_DUPLICATED, audience_id=audience.pk)
    copy_side = only(HistoryAction.AUDIENCE_DUPLICATED, audience_id=copy_id)
    assert original_side.details["copy"]["id"] == copy_id
    assert copy_side.details["original"] == {"id": audience.pk, "name": "Ohio Likely Dems"}

    assert api.delete(f"/api/v1/audiences/{audience.pk}/").status_code == 204
    deleted = only(HistoryAction.AUDIENCE_DELETED, audience_id=audience.pk)
    assert deleted.audience_name == "Ohio Likely Dems"
    # Its history outlives it.
    assert HistoryEntry.objects.filter(audience_id=audience.pk).count() == 4  # + the load's switch


def test_a_change_that_is_refused_leaves_no_entry(api, org_a, maria):
    audience = AudienceFactory(organization=org_a)
    assert api.patch(f"/api/v1/audiences/{audience.pk}/", {"name": "  "}, format="json").status_code == 400
    assert (
        api.patch(f"/api/v1/audiences/{audience.pk}/", {"name": audience.name}, format="json").status_code
        == 200
    )
    assert not HistoryEntry.objects.filter(audience_id=audience.pk).exists()  # nothing changed either


def test_an_io_and_its_campaigns_from_creation_to_deletion(api, org_a, maria):
    io_id = api.post(
        "/api/v1/insertion-orders/",
        {
            "name": "2026 General",
            "start_date": "2026-09-01",
            "end_date": "2026-11-03",
            "budget_type": "impressions",
            "budget_total": "1000000",
        },
        format="json",
    ).json()["id"]
    assert only(HistoryAction.IO_CREATED).insertion_order_id == io_id
    api.patch(f"/api/v1/insertion-orders/{io_id}/", {"name": "2026 General – OH"}, format="json")
    assert only(HistoryAction.IO_CHANGED).changes == {"name": ["2026 General", "2026 General – OH"]}

    campaign_id = api.post(
        "/api/v1/campaigns/",
        {"insertion_order": io_id, "name": "GOTV Display", "start_date": "2026-09-01"},
        format="json",
    ).json()["id"]
    created = only(HistoryAction.CAMPAIGN_CREATED)
    assert (created.campaign_id, created.insertion_order_name) == (campaign_id, "2026 General – OH")
    api.patch(
        f"/api/v1/campaigns/{campaign_id}/", {"status": "pending", "daily_budget": "50.00"}, format="json"
    )
    assert only(HistoryAction.CAMPAIGN_CHANGED).changes == {
        "status": ["Draft", "Pending"],
        "daily_budget": [None, "$50.00"],
    }

    assert api.delete(f"/api/v1/insertion-orders/{io_id}/").status_code == 204
    assert only(HistoryAction.IO_DELETED).details == {"campaigns": 1}
    gone = only(HistoryAction.CAMPAIGN_DELETED)
    assert (gone.campaign_id, gone.campaign_name) == (campaign_id, "GOTV Display")
    assert set(HistoryEntry.objects.filter(campaign_id=campaign_id).values_list("action", flat=True)) == {
        HistoryAction.CAMPAIGN_CREATED,
        HistoryAction.CAMPAIGN_CHANGED,
        HistoryAction.CAMPAIGN_DELETED,
    }


def test_a_bulk_io_wide_change_writes_one_entry_per_campaign_and_audience(api, org_a, maria):
    io = InsertionOrderFactory(organization=org_a)
    campaigns = CampaignFactory.create_batch(3, insertion_order=io)
    likely, voted = AudienceFactory.create_batch(2, organization=org_a)
    response = api.post(
        "/api/v1/campaigns/targeting/",
        {"insertion_order_ids": [io.pk], "allowlist": [likely.pk], "blocklist": [voted.pk]},
        format="json",
    )
    assert response.status_code == 200
    added = HistoryEntry.objects.filter(action=HistoryAction.AUDIENCE_ADDED)
    assert sorted((e.campaign_id, e.audience_id, e.details["list"]) for e in added) == sorted(
        [(c.pk, likely.pk, "Allowlist") for c in campaigns]
        + [(c.pk, voted.pk, "Blocklist") for c in campaigns]
    )
    assert {e.actor_name for e in added} == {"Maria Lopez"}

    # Adding what is already there changes nothing and records nothing.
    api.post(
        "/api/v1/campaigns/targeting/",
        {"insertion_order_ids": [io.pk], "allowlist": [likely.pk]},
        format="json",
    )
    assert added.count() == 6

    api.post(
        "/api/v1/campaigns/targeting/",
        {"campaign_ids": [campaigns[0].pk], "remove": [voted.pk]},
        format="json",
    )
    removed = only(HistoryAction.AUDIENCE_REMOVED)
    assert (removed.campaign_id, removed.audience_id, removed.details["list"]) == (
        campaigns[0].pk,
        voted.pk,
        "Blocklist",
    )


def test_a_recomputed_reach_records_old_and_new_by_the_portal(org_a):
    audience = AudienceFactory(organization=org_a)
    load_members(audience, range(1, 101))
    campaign = CampaignFactory(insertion_order__organization=org_a, status=CampaignStatus.RUNNING)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    assert campaign_reach_refresh(campaign_id=campaign.pk)
    first = only(HistoryAction.REACH_RECOMPUTED)
    assert (first.actor_kind, first.details) == ("system", {"before": None, "after": 100})
    load_members(audience, range(1, 151))
    assert campaign_reach_refresh(campaign_id=campaign.pk)
    latest = HistoryEntry.objects.filter(action=HistoryAction.REACH_RECOMPUTED).first()
    assert latest.details == {"before": 100, "after": 150}


def test_each_organization_writes_only_its_own_history(api, api_b, org_a, org_b):
    mine = AudienceFactory(organization=org_a)
    theirs = AudienceFactory(organization=org_b)
    # Another organization's audience cannot be changed, so nothing is written anywhere.
    assert (
        api.patch(f"/api/v1/audiences/{theirs.pk}/", {"name": "Mine now"}, format="json").status_code == 404
    )
    assert (
        api_b.patch(f"/api/v1/audiences/{theirs.pk}/", {"name": "Renamed"}, format="json").status_code == 200
    )
    assert (
        api.patch(f"/api/v1/audiences/{mine.pk}/", {"name": "Also renamed"}, format="json").status_code == 200
    )
    assert {(e.organization_id, e.audience_id) for e in HistoryEntry.objects.all()} == {
        (org_a.pk, mine.pk),
        (org_b.pk, theirs.pk),
    }
