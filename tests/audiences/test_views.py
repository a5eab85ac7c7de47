"""The Audiences app's pages and pop-ups, through Django's test client (the browser tests click them)."""

import json

import pytest

from accounts.models import Role
from audiences.models import Audience, AudienceSource, AudienceStatus
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def table(client, **params):
    return client.get("/audiences/", params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audience-table")


def names(response) -> list[str]:
    return [a.name for a in response.context["table"].records]


def test_home_shows_the_type_panel_with_counts_and_the_segmented_table(client_a, org_a, org_b):
    AudienceFactory.create_batch(3, organization=org_a)
    AudienceFactory(organization=org_a, audience_type="matched", name="A matched one")
    AudienceFactory(organization=org_b, name="Not ours")
    response = client_a.get("/audiences/")
    counts = {t["label"]: t["count"] for t in response.context["types"]}
    assert counts["Segmented"] == 3 and counts["Matched"] == 1 and response.context["total"] == 4
    assert len(response.context["table"].records) == 3
    assert b"Not ours" not in response.content
    assert b"A matched one" not in response.content


def test_the_table_sorts_searches_filters_and_pages_from_the_url(client_a, org_a):
    for name, voters in [("Bravo", 10), ("alpha", 30), ("Charlie", 20)]:
        AudienceFactory(organization=org_a, name=name, voter_count=voters)
    AudienceFactory(organization=org_a, name="Delta failed", status=AudienceStatus.FAILED, voter_count=None)

    assert names(table(client_a, sort="name")) == ["alpha", "Bravo", "Charlie", "Delta failed"]
    assert names(table(client_a, sort="-voters"))[:3] == ["alpha", "Charlie", "Bravo"]
    assert names(table(client_a, q="ALP")) == ["alpha"]
    charlie = Audience.objects.get(name="Charlie")
    assert names(table(client_a, q=str(charlie.pk))) == ["Charlie"]
    assert names(table(client_a, status="failed")) == ["Delta failed"]
    page2 = table(client_a, sort="name", page_size=25, page=1)
    assert page2.context["table"].paginator.count == 4
    assert b'aria-sort="ascending"' in page2.content


def test_pagination_keeps_the_other_parameters(client_a, org_a):
    AudienceFactory.create_batch(30, organization=org_a)
    response = table(client_a, sort="name", page_size=25, q="Audience")
    next_url = response.context["table"].next_url
    assert "sort=name" in next_url and "q=Audience" in next_url and "page_size=25" in next_url
    assert len(table(client_a, sort="name", page_size=25, q="Audience", page=2).context["table"].records) == 5


def test_the_table_page_and_partial_use_a_constant_number_of_queries(
    client_a, org_a, django_assert_max_num_queries
):
    def build(n):
        io = InsertionOrderFactory(organization=org_a)
        campaign = CampaignFactory(insertion_order=io)
        audiences = AudienceFactory.create_batch(n, organization=org_a)
        campaign_targeting_update(
            actor=SYSTEM,
            organization=org_a,
            campaign_ids=[campaign.pk],
            allowlist=[a.pk for a in audiences[:5]],
        )

    build(5)
    with django_assert_max_num_queries(12) as few:
        client_a.get("/audiences/")
    build(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get("/audiences/")
    assert len(response.context["table"].records) == 50
    with django_assert_max_num_queries(len(few.captured_queries)):
        table(client_a, sort="-created", q="Audience")


def test_details_show_figures_origin_history_campaigns_and_charts(client_a, org_a):
    from tests.l2_ingest.helpers import stored_transmission

    audience = AudienceFactory(
        organization=org_a, l2_universe_id="0000100010482", l2_sender="jdoe@campaign.org"
    )
    stored_transmission(
        org_a, b"", segment=audience.l2_segment_name, audience=audience, rows_read=10, voters_accepted=9
    )
    campaign = CampaignFactory(insertion_order__organization=org_a, name="GOTV Franklin")
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk]
    )
    response = client_a.get(f"/audiences/{audience.pk}/", **HTMX)
    content = response.content.decode()
    assert response.status_code == 200 and "<dialog" in content
    for text in [
        "0000100010482",
        "jdoe@campaign.org",
        "GOTV Franklin",
        "Blocklist",
        "Version history",
        "Queued",
    ]:
        assert text in content


def test_details_open_over_the_table_from_a_bookmark(client_a, org_a):
    audience = AudienceFactory(organization=org_a)
    response = client_a.get(f"/audiences/{audience.pk}/")
    assert response.status_code == 200
    assert b"<dialog" in response.content and b"Segmented Audience" in response.content


def test_edit_saves_and_keeps_what_was_typed_on_error(client_a, org_a):
    audience = AudienceFactory(organization=org_a, name="Old")
    bad = client_a.post(f"/audiences/{audience.pk}/edit/", {"name": "   ", "notes": "my notes"}, **HTMX)
    assert bad.status_code == 200
    assert b"my notes" in bad.content and b"field-error" in bad.content
    ok = client_a.post(f"/audiences/{audience.pk}/edit/", {"name": "New name", "notes": "n"}, **HTMX)
    assert ok.status_code == 204
    assert json.loads(ok["HX-Trigger"])["closeModal"] is True
    audience.refresh_from_db()
    assert (audience.name, audience.notes) == ("New name", "n")


def test_duplicate_makes_an_audience_on_the_same_members(client_a, org_a):
    from audiences.models import AudienceVersion

    audience = AudienceFactory(organization=org_a, name="Voted early")
    audience.current_version = AudienceVersion.objects.create(
        audience=audience, number=1, state="ready", voter_count=1000
    )
    audience.save()
    response = client_a.post(f"/audiences/{audience.pk}/duplicate/", **HTMX)
    assert response.status_code == 204
    copy = Audience.objects.exclude(pk=audience.pk).get()
    assert copy.current_version_id == audience.current_version_id
    assert copy.source == AudienceSource.DUPLICATE and copy.l2_segment_name is None
    assert "Voted early (copy)" in json.loads(response["HX-Trigger"])["showMessage"]["text"]


def test_delete_is_refused_while_a_campaign_uses_it_and_allowed_after(client_a, org_a):
    audience = AudienceFactory(organization=org_a)
    campaign = CampaignFactory(insertion_order__organization=org_a, name="Persuasion")
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )

    refused = client_a.post(f"/audiences/{audience.pk}/delete/", **HTMX)
    assert refused.status_code == 200 and "“Persuasion”" in refused.content.decode()
    assert Audience.objects.filter(pk=audience.pk).exists()

    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], remove=[audience.pk]
    )
    assert client_a.post(f"/audiences/{audience.pk}/delete/", **HTMX).status_code == 204
    assert not Audience.objects.filter(pk=audience.pk).exists()


def test_while_an_audience_loads_the_table_shows_its_progress_and_checks_every_2_seconds(client_a, org_a):
    from tests.l2_ingest.helpers import stored_transmission

    audience = AudienceFactory(organization=org_a, status=AudienceStatus.PROCESSING, voter_count=None)
    stored_transmission(org_a, b"x", segment=audience.l2_segment_name, audience=audience, progress=0.42)
    loading = table(client_a).content.decode()
    assert 'max="100" value="42"' in loading and 'data-poll-seconds="2"' in loading

    Audience.objects.filter(pk=audience.pk).update(status=AudienceStatus.READY)
    audience.transmissions.update(status="succeeded")
    assert 'data-poll-seconds="10"' in table(client_a).content.decode()


def test_viewers_see_but_cannot_change(client, org_a, password):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    client.login(username=viewer.username, password=password)
    audience = AudienceFactory(organization=org_a)
    assert client.get("/audiences/").status_code == 200
    assert b"Add To Campaign" not in client.get("/audiences/").content
    assert client.post(f"/audiences/{audience.pk}/edit/", {"name": "x"}, **HTMX).status_code == 403
    assert client.post(f"/audiences/{audience.pk}/delete/", **HTMX).status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/audiences/{id}/"),
        ("get", "/audiences/{id}/edit/"),
        ("post", "/audiences/{id}/edit/"),
        ("post", "/audiences/{id}/duplicate/"),
        ("get", "/audiences/{id}/delete/"),
        ("post", "/audiences/{id}/delete/"),
        ("get", "/audiences/{id}/rename/"),
        ("post", "/audiences/{id}/rename/"),
        ("get", "/audiences/{id}/name/"),
    ],
)
def test_another_organizations_audience_is_not_found(client_a, org_b, method, path):
    theirs = AudienceFactory(organization=org_b, name="Theirs")
    response = getattr(client_a, method)(path.format(id=theirs.pk), {"name": "Hijacked"}, **HTMX)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_inline_rename_saves_through_the_service_and_says_what_to_fix(client_a, org_a):
    audience = AudienceFactory(organization=org_a, name="Old name")
    form = client_a.get(f"/audiences/{audience.pk}/rename/", **HTMX).content.decode()
    assert 'value="Old name"' in form and "data-inline-edit" in form

    blank = client_a.post(f"/audiences/{audience.pk}/rename/", {"name": "   "}, **HTMX).content.decode()
    assert 'aria-invalid="true"' in blank and 'class="field-error"' in blank
    audience.refresh_from_db()
    assert audience.name == "Old name"

    saved = client_a.post(f"/audiences/{audience.pk}/rename/", {"name": " New name "}, **HTMX)
    assert saved.status_code == 200 and "New name" in saved.content.decode()
    assert json.loads(saved["HX-Trigger"])["showMessage"]["text"] == "Renamed “New name”."
    audience.refresh_from_db()
    assert audience.name == "New name"


def test_a_viewer_cannot_rename_or_bulk_delete(client, org_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    client.force_login(viewer)
    audience = AudienceFactory(organization=org_a, name="Kept")
    assert client.post(f"/audiences/{audience.pk}/rename/", {"name": "X"}, **HTMX).status_code == 403
    assert client.post("/audiences/delete/", {"audience": [audience.pk]}, **HTMX).status_code == 403
    audience.refresh_from_db()
    assert audience.name == "Kept"


def test_bulk_delete_lists_what_stays_and_deletes_the_rest(client_a, org_a, org_b):
    free = AudienceFactory(organization=org_a, name="Free")
    held = AudienceFactory(organization=org_a, name="Held")
    theirs = AudienceFactory(organization=org_b, name="Theirs")
    campaign = CampaignFactory(insertion_order__organization=org_a, name="GOTV")
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[held.pk]
    )
    ids = {"audience": [free.pk, held.pk, theirs.pk]}

    confirm = client_a.get("/audiences/delete/", ids, **HTMX).content.decode()
    assert "Delete 1 audience" in confirm and "GOTV" in confirm and "Theirs" not in confirm

    result = client_a.post("/audiences/delete/", ids, **HTMX)
    content = result.content.decode()
    assert "Deleted 1 audience" in content and "Not deleted" in content and "GOTV" in content
    assert json.loads(result["HX-Trigger"]) == {"audiencesChanged": True}
    assert set(Audience.objects.values_list("name", flat=True)) == {"Held", "Theirs"}


def _loaded(organization, keys, **fields):
    from tests.campaigns.conftest import load_members

    audience = AudienceFactory(organization=organization, **fields)
    load_members(audience, keys)
    return audience


def test_compare_draws_and_lists_every_region_of_two_and_of_three(client_a, org_a):
    likely = _loaded(org_a, range(1, 901), name="Likely Dem voters")
    voted = _loaded(org_a, range(801, 1001), name="Already voted")
    movers = _loaded(org_a, range(951, 1101), name="Movers")

    two = client_a.get("/audiences/compare/", {"audience": [likely.pk, voted.pk]}, **HTMX).content.decode()
    assert two.count("<circle") == 2 and 'data-region="AB">100<' in two
    assert "Only in A" in two and "In both A and B" in two and "In A or B (union)" in two
    assert "1,000" in two and "Likely Dem voters" in two and "900 voters" in two

    ids = {"audience": [likely.pk, voted.pk, movers.pk]}
    three = client_a.get("/audiences/compare/", ids, **HTMX).content.decode()
    assert three.count("<circle") == 3 and three.count('class="venn-count"') == 7
    assert "B and C, not A" in three and "In all three" in three and "In A, B or C (union)" in three
    assert 'data-region="BC">50<' in three and "1,100" in three


def test_compare_is_for_viewers_too_and_the_table_offers_it_to_them(client, org_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    client.force_login(viewer)
    a, b = _loaded(org_a, [1, 2]), _loaded(org_a, [2, 3])
    home = client.get("/audiences/").content.decode()
    assert 'data-selection-min="2" data-selection-max="3"' in home and ">Compare</button>" in home
    response = client.get("/audiences/compare/", {"audience": [a.pk, b.pk]}, **HTMX)
    assert response.status_code == 200 and response.content.decode().count("<circle") == 2


def test_compare_refuses_in_the_pop_up_what_it_cannot_compare(client_a, org_a, org_b):
    ready = _loaded(org_a, [1, 2])
    loading = AudienceFactory(organization=org_a, name="Hamilton movers", status=AudienceStatus.PROCESSING)
    theirs = _loaded(org_b, [1], name="Their secret list")

    refused = client_a.get("/audiences/compare/", {"audience": [ready.pk, loading.pk]}, **HTMX)
    assert refused.status_code == 200
    assert (
        "“Hamilton movers” has no loaded voters yet; compare it once it is Ready." in refused.content.decode()
    )
    for ids, words in (
        ([ready.pk, theirs.pk], f"No audience with ID {theirs.pk} in this organization."),
        ([ready.pk], "Choose 2 or 3 audiences to compare, not 1."),
    ):
        content = client_a.get("/audiences/compare/", {"audience": ids}, **HTMX).content.decode()
        assert words in content and "<circle" not in content and "Their secret list" not in content


def test_compare_opened_without_htmx_is_a_page_of_its_own(client_a, org_a):
    a, b = _loaded(org_a, [1, 2]), _loaded(org_a, [2, 3])
    response = client_a.get("/audiences/compare/", {"audience": [a.pk, b.pk]})
    content = response.content.decode()
    assert response.status_code == 200 and "data-page-dialog" in content and content.count("<circle") == 2
