"""The Audiences app's pages and pop-ups, through Django's test client (the browser tests click them)."""

import json

import pytest
from django.urls import reverse

from accounts.models import Role
from audiences.models import Audience, AudienceSource, AudienceStatus
from campaigns.models import Campaign, CampaignAudience, CampaignType
from campaigns.services import campaign_targeting_update
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def table(client, **params):
    return client.get("/audiences/", params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audience-table")


def names(response) -> list[str]:
    return [a.name for a in response.context["audiences"]]


def test_home_shows_the_type_panel_with_counts_and_the_segmented_table(client_a, org_a, org_b):
    AudienceFactory.create_batch(3, organization=org_a)
    AudienceFactory(organization=org_a, audience_type="matched", name="A matched one")
    AudienceFactory(organization=org_b, name="Not ours")
    response = client_a.get("/audiences/")
    counts = {t["label"]: t["count"] for t in response.context["types"]}
    assert counts["Segmented"] == 3 and counts["Matched"] == 1 and response.context["total"] == 4
    assert len(response.context["audiences"]) == 3
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
    assert page2.context["page"].paginator.count == 4
    assert b'aria-sort="ascending"' in page2.content


def test_pagination_keeps_the_other_parameters(client_a, org_a):
    AudienceFactory.create_batch(30, organization=org_a)
    response = table(client_a, sort="name", page_size=25, q="Audience")
    assert "sort=name" in response.context["next_url"] and "q=Audience" in response.context["next_url"]
    assert len(table(client_a, sort="name", page_size=25, q="Audience", page=2).context["audiences"]) == 5


def test_the_table_page_and_partial_use_a_constant_number_of_queries(
    client_a, org_a, django_assert_max_num_queries
):
    def build(n):
        io = InsertionOrderFactory(organization=org_a)
        campaign = CampaignFactory(insertion_order=io)
        audiences = AudienceFactory.create_batch(n, organization=org_a)
        campaign_targeting_update(
            organization=org_a, campaign_ids=[campaign.pk], allowlist=[a.pk for a in audiences[:5]]
        )

    build(5)
    with django_assert_max_num_queries(12) as few:
        client_a.get("/audiences/")
    build(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get("/audiences/")
    assert len(response.context["audiences"]) == 50
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
    campaign_targeting_update(organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk])
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
    campaign_targeting_update(organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk])

    refused = client_a.post(f"/audiences/{audience.pk}/delete/", **HTMX)
    assert refused.status_code == 200 and "“Persuasion”" in refused.content.decode()
    assert Audience.objects.filter(pk=audience.pk).exists()

    campaign_targeting_update(organization=org_a, campaign_ids=[campaign.pk], remove=[audience.pk])
    assert client_a.post(f"/audiences/{audience.pk}/delete/", **HTMX).status_code == 204
    assert not Audience.objects.filter(pk=audience.pk).exists()


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
    assert "PG campaigns take no audience targeting" in content
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


def test_a_processing_row_polls_and_shows_progress(client_a, org_a):
    from tests.l2_ingest.helpers import stored_transmission

    audience = AudienceFactory(organization=org_a, status=AudienceStatus.PROCESSING, voter_count=None)
    stored_transmission(org_a, b"x", segment=audience.l2_segment_name, audience=audience, progress=0.42)
    row = client_a.get(f"/audiences/{audience.pk}/row/", {"audience": audience.pk}, **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in row and 'max="100" value="42"' in row and "checked" in row


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
        ("get", "/audiences/{id}/row/"),
        ("get", "/audiences/{id}/edit/"),
        ("post", "/audiences/{id}/edit/"),
        ("post", "/audiences/{id}/duplicate/"),
        ("get", "/audiences/{id}/delete/"),
        ("post", "/audiences/{id}/delete/"),
    ],
)
def test_another_organizations_audience_is_not_found(client_a, org_b, method, path):
    theirs = AudienceFactory(organization=org_b, name="Theirs")
    response = getattr(client_a, method)(path.format(id=theirs.pk), {"name": "Hijacked"}, **HTMX)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_another_organizations_audiences_and_campaigns_cannot_be_used(client_a, org_a, org_b):
    theirs = AudienceFactory(organization=org_b)
    their_campaign = CampaignFactory(insertion_order__organization=org_b)
    own = AudienceFactory(organization=org_a)
    response = client_a.post(
        "/audiences/add-to-campaign/",
        {"audience": [theirs.pk, own.pk], "campaign": [their_campaign.pk], "list_type": "allowlist"},
        **HTMX,
    )
    assert response.status_code == 200
    assert CampaignAudience.objects.count() == 0
    assert reverse("audiences:home")
