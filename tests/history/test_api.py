"""The history API: the organization's entries and one object's, filtered, paged, and never another's."""

import datetime as dt

import pytest

from history.models import HistoryAction
from history.services import Named
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory
from tests.history.helpers import L2_JDOE, MARIA, PORTAL, added, record

pytestmark = pytest.mark.django_db

URL = "/api/v1/history/"
PROBLEM = "application/problem+json"
UTC = dt.UTC


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def world(org_a):
    """Alpha's audience on a campaign of an insertion order, and what was done to them on Nov 1 to 4."""
    io = InsertionOrderFactory(organization=org_a, name="Fall IO")
    campaign = CampaignFactory(insertion_order=io, name="Fall push")
    audience = AudienceFactory(organization=org_a, name="Ohio GOTV – Likely Dems")
    entries = {
        "pushed": record(
            org_a,
            HistoryAction.VERSION_SWITCHED,
            actor=L2_JDOE,
            audience=audience,
            details={"voter_count": 1200, "version": 1, "universe_id": "0000100010482"},
            at=at(1),
        ),
        "added": added(org_a, audience, campaign, at=at(2)),
        "changed": record(
            org_a,
            HistoryAction.CAMPAIGN_CHANGED,
            campaign=campaign,
            insertion_order=io,
            changes={"status": ["Draft", "Running"], "daily_budget": ["$10.00", "$20.00"]},
            at=at(3),
        ),
        "reach": record(
            org_a,
            HistoryAction.REACH_RECOMPUTED,
            actor=PORTAL,
            campaign=campaign,
            details={"before": 1000, "after": 1150},
            at=at(4),
        ),
    }
    return {"io": io, "campaign": campaign, "audience": audience, "entries": entries}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [entry["id"] for entry in response.json()["results"]]


def test_the_organizations_history_newest_first_each_entry_whole(api, world):
    entries = world["entries"]
    body = api.get(URL).json()
    assert body["count"] == 4
    assert [e["id"] for e in body["results"]] == [
        entries[k].pk for k in ["reach", "changed", "added", "pushed"]
    ]
    added_entry = body["results"][2]
    assert added_entry == {
        "id": entries["added"].pk,
        "occurred_at": "2026-11-02T12:00:00Z",
        "actor": {
            "kind": "user",
            "name": "Maria Lopez",
            "user_id": 41,
            "l2_customer_id": "",
            "l2_username": "",
        },
        "action": "audience_added",
        "action_label": "Audience added to a list",
        "sentence": "Maria Lopez added “Ohio GOTV – Likely Dems” to the Allowlist of “Fall push”",
        "audience": {"id": world["audience"].pk, "name": "Ohio GOTV – Likely Dems"},
        "campaign": {"id": world["campaign"].pk, "name": "Fall push"},
        "insertion_order": None,
        "changes": {},
        "details": {"list": "Allowlist"},
    }
    changed = body["results"][1]
    assert changed["changes"] == {"status": ["Draft", "Running"], "daily_budget": ["$10.00", "$20.00"]}
    assert (
        changed["sentence"]
        == "Maria Lopez changed “Fall push”: status Draft → Running; daily budget $10.00 → $20.00"
    )
    assert changed["insertion_order"] == {"id": world["io"].pk, "name": "Fall IO"}
    pushed = body["results"][3]
    assert pushed["actor"] == {
        "kind": "l2",
        "name": "L2 user jdoe (C-778)",
        "user_id": None,
        "l2_customer_id": "C-778",
        "l2_username": "jdoe",
    }
    assert pushed["details"]["universe_id"] == "0000100010482"


def test_filters_by_actor_name_or_user_id(api, world):
    entries = world["entries"]
    assert ids(api.get(URL, {"actor": "maria"})) == [entries["changed"].pk, entries["added"].pk]
    assert ids(api.get(URL, {"actor": "C-778"})) == [entries["pushed"].pk]  # an L2 actor by customer ID
    assert ids(api.get(URL, {"actor": "JDOE"})) == [entries["pushed"].pk]  # … or username, any case
    assert ids(api.get(URL, {"actor": "portal"})) == [entries["reach"].pk]
    assert ids(api.get(URL, {"actor_user_id": MARIA.user_id})) == [entries["changed"].pk, entries["added"].pk]
    assert ids(api.get(URL, {"actor_user_id": 999})) == []
    assert ids(api.get(URL, {"actor": "maria", "actor_user_id": 999})) == []
    assert len(ids(api.get(URL, {"actor": ""}))) == 4


def test_filters_by_kind_and_action(api, world):
    entries = world["entries"]
    assert ids(api.get(URL, {"kind": "l2"})) == [entries["pushed"].pk]
    assert ids(api.get(URL, {"kind": "targeting"})) == [entries["added"].pk]
    assert ids(api.get(URL, {"kind": "settings"})) == [entries["changed"].pk]
    assert ids(api.get(URL, {"kind": "reach"})) == [entries["reach"].pk]
    assert ids(api.get(URL, {"kind": "campaign_changed"})) == [entries["changed"].pk]
    assert ids(api.get(URL, {"kind": "reach, l2"})) == [entries["reach"].pk, entries["pushed"].pk]
    assert ids(api.get(URL, {"kind": "reach,audience_added"})) == [entries["reach"].pk, entries["added"].pk]


def test_filters_by_time_dates_including_their_whole_day(api, world):
    entries = world["entries"]
    assert ids(api.get(URL, {"since": "2026-11-03"})) == [entries["reach"].pk, entries["changed"].pk]
    assert ids(api.get(URL, {"until": "2026-11-02"})) == [entries["added"].pk, entries["pushed"].pk]
    assert ids(api.get(URL, {"since": "2026-11-02", "until": "2026-11-02"})) == [entries["added"].pk]
    # Date and time, with or without an offset (UTC without): both bounds are included.
    assert ids(api.get(URL, {"since": "2026-11-02T12:00:00Z", "until": "2026-11-03T12:00"})) == [
        entries["changed"].pk,
        entries["added"].pk,
    ]
    assert ids(api.get(URL, {"since": "2026-11-03T07:00:00-05:00"})) == [
        entries["reach"].pk,
        entries["changed"].pk,
    ]
    assert ids(api.get(URL, {"since": "2026-11-03T07:00:01-05:00"})) == [entries["reach"].pk]
    assert ids(api.get(URL, {"until": "2026-11-01T11:59:59Z"})) == []


def test_pages_like_the_other_lists(api, org_a):
    audience = AudienceFactory(organization=org_a)
    written = [
        record(
            org_a,
            HistoryAction.AUDIENCE_CHANGED,
            audience=audience,
            at=at(1, hour),
            changes={"notes": ["", str(hour)]},
        )
        for hour in range(5)
    ]
    newest_first = [entry.pk for entry in reversed(written)]
    first = api.get(URL, {"page_size": 2}).json()
    assert first["count"] == 5 and [e["id"] for e in first["results"]] == newest_first[:2]
    assert first["previous"] is None and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert [e["id"] for e in second["results"]] == newest_first[2:4]
    assert [e["id"] for e in api.get(URL, {"page_size": 2, "page": 3}).json()["results"]] == newest_first[4:]
    past = api.get(URL, {"page_size": 2, "page": 4})
    assert past.status_code == 404 and past["Content-Type"] == PROBLEM
    # The same pages for one object's history, and the same filters.
    one = api.get(
        f"/api/v1/audiences/{audience.pk}/history/", {"page_size": 2, "page": 2, "until": "2026-11-01T03:00Z"}
    )
    assert one.json()["count"] == 4 and [e["id"] for e in one.json()["results"]] == newest_first[3:5]


@pytest.mark.parametrize(
    "parameters, field",
    [
        ({"kind": "nope"}, "kind"),
        ({"kind": "l2,nope"}, "kind"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-13-01"}, "since"),
        ({"until": "2026-11-31T10:00"}, "until"),
        ({"until": "２０２６-11-01"}, "until"),
        ({"since": "0001-01-01T00:00:00+14:00"}, "since"),
        ({"since": "2026-11-05", "until": "2026-11-04"}, "until"),
        ({"actor_user_id": "abc"}, "actor_user_id"),
        ({"actor_user_id": "0"}, "actor_user_id"),
        ({"actor": "a\x00b"}, "actor"),
    ],
)
def test_a_wrong_parameter_is_a_problem_naming_it(api, world, parameters, field):
    for url in [URL, f"/api/v1/campaigns/{world['campaign'].pk}/history/"]:
        response = api.get(url, parameters)
        assert response.status_code == 400 and response["Content-Type"] == PROBLEM, response.content
        body = response.json()
        assert body["code"] == "invalid" and list(body["errors"]) == [field], body
        assert body["detail"].startswith(f"{field}: ")


def test_an_objects_history_is_its_entries_only(api, org_a, world):
    entries = world["entries"]
    audience, campaign, io = world["audience"], world["campaign"], world["io"]
    assert ids(api.get(f"/api/v1/audiences/{audience.pk}/history/")) == [
        entries["added"].pk,
        entries["pushed"].pk,
    ]
    assert ids(api.get(f"/api/v1/campaigns/{campaign.pk}/history/")) == [
        entries["reach"].pk,
        entries["changed"].pk,
        entries["added"].pk,
    ]
    assert ids(api.get(f"/api/v1/campaigns/{campaign.pk}/history/", {"kind": "targeting"})) == [
        entries["added"].pk
    ]
    assert ids(api.get(f"/api/v1/insertion-orders/{io.pk}/history/")) == [entries["changed"].pk]
    quiet = AudienceFactory(organization=org_a)
    assert ids(api.get(f"/api/v1/audiences/{quiet.pk}/history/")) == []


def test_a_deleted_objects_history_stays_readable(api, org_a, world):
    entries = world["entries"]
    audience_id, campaign_id = world["audience"].pk, world["campaign"].pk
    record(org_a, HistoryAction.CAMPAIGN_DELETED, campaign=Named(campaign_id, "Fall push"))
    world["campaign"].delete()
    world["audience"].delete()
    assert ids(api.get(f"/api/v1/audiences/{audience_id}/history/")) == [
        entries["added"].pk,
        entries["pushed"].pk,
    ]
    body = api.get(f"/api/v1/campaigns/{campaign_id}/history/").json()
    assert (
        body["count"] == 4
        and body["results"][0]["sentence"] == "Maria Lopez deleted the campaign “Fall push”"
    )
    # An ID the organization never had, nor wrote of: nothing to read.
    for url in [
        f"/api/v1/audiences/{audience_id + 1000}/history/",
        "/api/v1/campaigns/99999999999999999999/history/",
    ]:
        response = api.get(url)
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM, url


def test_another_organizations_history_is_not_found(api, api_b, org_a, org_b, world):
    theirs_io = InsertionOrderFactory(organization=org_b)
    theirs_campaign = CampaignFactory(insertion_order=theirs_io)
    theirs_audience = AudienceFactory(organization=org_b)
    their_entry = added(org_b, theirs_audience, theirs_campaign)
    gone = AudienceFactory(organization=org_b)
    record(org_b, HistoryAction.AUDIENCE_DELETED, audience=gone)
    gone_id = gone.pk
    gone.delete()
    # An entry of theirs that names our campaign's ID (as any could) is still theirs.
    theirs_naming_ours = record(
        org_b, HistoryAction.CAMPAIGN_CHANGED, campaign=Named(world["campaign"].pk, "Fall push")
    )

    assert their_entry.pk not in ids(api.get(URL)) and len(ids(api.get(URL))) == 4
    for url in [
        f"/api/v1/audiences/{theirs_audience.pk}/history/",
        f"/api/v1/audiences/{gone_id}/history/",
        f"/api/v1/campaigns/{theirs_campaign.pk}/history/",
        f"/api/v1/insertion-orders/{theirs_io.pk}/history/",
    ]:
        response = api.get(url)
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM, url
        assert response.json()["code"] == "not_found"
    assert len(ids(api.get(f"/api/v1/campaigns/{world['campaign'].pk}/history/"))) == 3
    # And the other way round.
    assert ids(api_b.get(f"/api/v1/audiences/{gone_id}/history/")) != []
    assert api_b.get(f"/api/v1/audiences/{world['audience'].pk}/history/").status_code == 404
    # Their entry naming our campaign's ID is theirs to read; ours are not.
    assert ids(api_b.get(f"/api/v1/campaigns/{world['campaign'].pk}/history/")) == [theirs_naming_ours.pk]
    assert world["entries"]["added"].pk not in ids(api_b.get(URL))


def test_the_organization_header_chooses_whose_history(api, member_a, org_b, world):
    from tests.factories import MembershipFactory

    MembershipFactory(user=member_a, organization=org_b)
    theirs = record(org_b, HistoryAction.IO_CREATED, insertion_order=Named(5, "Their IO"))
    assert ids(api.get(URL, HTTP_X_IAA_OW_ID=str(org_b.account_id))) == [theirs.pk]
    assert api.get(URL, HTTP_X_IAA_OW_ID="424242").status_code == 403


def test_the_lists_cost_the_same_queries_however_many_entries(
    api, org_a, world, django_assert_max_num_queries
):
    audience, campaign = world["audience"], world["campaign"]
    urls = [URL, f"/api/v1/audiences/{audience.pk}/history/", f"/api/v1/campaigns/{campaign.pk}/history/"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(10) as few:
            assert api.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    for n in range(30):
        added(org_a, audience, campaign, list_name="Blocklist" if n % 2 else "Allowlist")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            body = api.get(url, {"kind": "targeting", "since": "2026-11-01"}).json()
            assert body["count"] == 31 and len(body["results"]) == 31
