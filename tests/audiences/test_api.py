"""The audiences API, with two organizations: nothing of the other can be seen, changed or attached."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from audiences.models import Audience, AudienceVersion
from campaigns.models import CampaignAudience
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/audiences/"


@pytest.fixture
def theirs(org_b):
    return AudienceFactory(organization=org_b, name="Theirs")


def test_signing_in_is_required(org_a):
    response = APIClient().get(URL)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"


def test_token_auth_for_scripts(member_a, org_a, capsys):
    call_command("drf_create_token", member_a.username)
    token = Token.objects.get(user=member_a)
    AudienceFactory(organization=org_a, name="Mine")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [a["name"] for a in client.get(URL).json()["results"]] == ["Mine"]


def test_list_sorts_searches_filters_and_pages(api, org_a, theirs):
    for name in ["bravo", "Alpha", "Charlie"]:
        AudienceFactory(organization=org_a, name=name)
    data = api.get(URL, {"ordering": "name", "page_size": 2}).json()
    assert data["count"] == 3 and [a["name"] for a in data["results"]] == ["Alpha", "bravo"]
    assert data["next"] and "ordering=name" in data["next"]
    assert [a["name"] for a in api.get(URL, {"search": "char"}).json()["results"]] == ["Charlie"]
    first = data["results"][0]
    assert set(first) >= {
        "id",
        "name",
        "status",
        "voters",
        "households",
        "data_cpm",
        "allowlist_campaigns",
        "load_progress",
    }


def test_the_list_never_shows_another_organization(api, theirs):
    assert api.get(URL, {"search": "Theirs"}).json()["count"] == 0
    assert api.get(URL, {"search": str(theirs.pk)}).json()["count"] == 0


def test_the_list_uses_a_constant_number_of_queries(api, org_a, django_assert_max_num_queries):
    AudienceFactory.create_batch(3, organization=org_a)
    with django_assert_max_num_queries(10) as few:
        api.get(URL)
    AudienceFactory.create_batch(40, organization=org_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(URL, {"ordering": "-created", "search": "Audience"}).json()["results"]) == 43


def test_retrieve_has_figures_versions_and_campaigns(api, org_a):
    audience = AudienceFactory(organization=org_a)
    version = AudienceVersion.objects.create(
        audience=audience, number=1, state="ready", voter_count=1000, stats={"party": [["Democratic", 600]]}
    )
    audience.current_version = version
    audience.save()
    campaign = CampaignFactory(insertion_order__organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    data = api.get(f"{URL}{audience.pk}/").json()
    assert data["current_version"]["stats"]["party"] == [["Democratic", 600]]
    assert data["campaigns"] == [{"id": campaign.pk, "name": campaign.name, "list": "allowlist"}]
    assert data["versions"] == []


def test_rename_and_notes(api, org_a):
    audience = AudienceFactory(organization=org_a)
    response = api.patch(f"{URL}{audience.pk}/", {"name": "Renamed", "notes": "why"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    bad = api.patch(f"{URL}{audience.pk}/", {"name": "  "}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "name" in bad.json()["errors"]


def test_delete_is_refused_while_used_then_allowed(api, org_a):
    audience = AudienceFactory(organization=org_a)
    campaign = CampaignFactory(insertion_order__organization=org_a, name="Chase")
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    refused = api.delete(f"{URL}{audience.pk}/")
    assert (
        refused.status_code == 409
        and refused.json()["code"] == "audience_in_use"
        and "Chase" in refused.json()["detail"]
    )
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], remove=[audience.pk]
    )
    assert api.delete(f"{URL}{audience.pk}/").status_code == 204


def test_duplicate(api, org_a):
    audience = AudienceFactory(organization=org_a)
    audience.current_version = AudienceVersion.objects.create(audience=audience, number=1, state="ready")
    audience.save()
    response = api.post(f"{URL}{audience.pk}/duplicate/", {"name": "Copy for chase"}, format="json")
    assert response.status_code == 201 and response.json()["name"] == "Copy for chase"
    assert response.json()["l2_origin"]["duplicated_from"] == audience.pk


def test_duplicating_an_audience_not_loaded_yet_is_refused(api, org_a):
    audience = AudienceFactory(organization=org_a, status="processing")
    response = api.post(f"{URL}{audience.pk}/duplicate/", {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "audience_not_loaded"


def test_add_to_campaigns_reports_per_campaign(api, org_a):
    audience = AudienceFactory(organization=org_a)
    io = InsertionOrderFactory(organization=org_a)
    c1 = CampaignFactory(insertion_order=io)
    c2 = CampaignFactory(insertion_order=io, status="expired")
    response = api.post(
        f"{URL}add-to-campaigns/",
        {"audience_ids": [audience.pk], "insertion_order_ids": [io.pk], "list": "blocklist"},
        format="json",
    )
    assert response.status_code == 200
    results = {r["campaign_id"]: r for r in response.json()["results"]}
    assert results[c1.pk]["applied"][0]["list"] == "blocklist"
    assert results[c2.pk]["refused"][0]["code"] == "campaign_not_editable"


def test_add_to_campaigns_validates_its_body(api, org_a):
    response = api.post(f"{URL}add-to-campaigns/", {"audience_ids": [], "list": "sideways"}, format="json")
    assert response.status_code == 400
    assert {"audience_ids", "list"} <= set(response.json()["errors"])


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"name": "Hijacked"}),
        ("delete", "", None),
        ("post", "duplicate/", {}),
    ],
)
def test_another_organizations_audience_is_404(api, theirs, method, suffix, body):
    response = getattr(api, method)(f"{URL}{theirs.pk}/{suffix}", body, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    theirs.refresh_from_db()
    assert theirs.name == "Theirs" and Audience.objects.count() == 1


def test_another_organizations_audience_or_campaign_cannot_be_attached(api, org_a, org_b, theirs):
    own = AudienceFactory(organization=org_a)
    their_campaign = CampaignFactory(insertion_order__organization=org_b)
    own_campaign = CampaignFactory(insertion_order__organization=org_a)
    response = api.post(
        f"{URL}add-to-campaigns/",
        {
            "audience_ids": [theirs.pk],
            "campaign_ids": [own_campaign.pk, their_campaign.pk],
            "list": "allowlist",
        },
        format="json",
    )
    codes = {r["campaign_id"]: [x["code"] for x in r["refused"]] for r in response.json()["results"]}
    assert codes == {own_campaign.pk: ["audience_not_found"], their_campaign.pk: ["campaign_not_found"]}
    assert CampaignAudience.objects.count() == 0
    assert own.pk


def test_the_organization_header_selects_among_the_users_organizations(api, member_a, org_a, org_b, theirs):
    AudienceFactory(organization=org_a, name="Mine")
    refused = api.get(URL, HTTP_X_IAA_OW_ID=str(org_b.account_id))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    MembershipFactory(user=member_a, organization=org_b, role=Role.VIEWER)
    names = [a["name"] for a in api.get(URL, HTTP_X_IAA_OW_ID=str(org_b.account_id)).json()["results"]]
    assert names == ["Theirs"]
    # A viewer there can read but not change.
    assert (
        api.patch(
            f"{URL}{theirs.pk}/", {"name": "x"}, format="json", HTTP_X_IAA_OW_ID=str(org_b.account_id)
        ).status_code
        == 403
    )


def test_the_schema_and_docs_are_served(api):
    schema = api.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/audiences/" in schema.content
    assert api.get("/api/v1/docs/").status_code == 200


def test_bulk_delete_deletes_what_nothing_uses_and_names_what_holds_the_rest(api, org_a, theirs):
    free, held = (
        AudienceFactory(organization=org_a, name="Free"),
        AudienceFactory(organization=org_a, name="Held"),
    )
    campaign = CampaignFactory(insertion_order__organization=org_a, name="GOTV")
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[held.pk]
    )

    response = api.post(f"{URL}bulk-delete/", {"audience_ids": [free.pk, held.pk, theirs.pk]}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "deleted": [{"id": free.pk, "name": "Free"}],
        "refused": [
            {
                "id": held.pk,
                "name": "Held",
                "reason": "In use: take it off these campaigns' lists first.",
                "campaigns": [{"id": campaign.pk, "name": "GOTV", "list": "blocklist"}],
            }
        ],
    }
    assert not Audience.objects.filter(pk=free.pk).exists()
    assert Audience.objects.filter(pk__in=[held.pk, theirs.pk]).count() == 2  # another's is not touched


def test_bulk_delete_needs_an_editing_role_and_ids(api, org_a):
    audience = AudienceFactory(organization=org_a)
    viewer_api = APIClient()
    viewer_api.force_login(MembershipFactory(organization=org_a, role=Role.VIEWER).user)
    assert (
        viewer_api.post(f"{URL}bulk-delete/", {"audience_ids": [audience.pk]}, format="json").status_code
        == 403
    )
    refused = api.post(f"{URL}bulk-delete/", {"audience_ids": []}, format="json")
    assert refused.status_code == 400 and "audience_ids" in refused.json()["errors"]
    assert Audience.objects.filter(pk=audience.pk).exists()


@pytest.mark.parametrize(
    "size, expected",
    [("lt10k", ["9 999"]), ("10k-100k", ["10 000"]), ("100k-1m", []), ("1m+", ["1 000 000"]), ("", None)],
)
def test_the_list_filters_by_number_of_voters(api, org_a, size, expected):
    for voters in [9_999, 10_000, 1_000_000]:
        AudienceFactory(organization=org_a, name=f"{voters:,}".replace(",", " "), voter_count=voters)
    AudienceFactory(organization=org_a, name="Loading", voter_count=None, status="processing")
    names = [a["name"] for a in api.get(URL, {"size": size, "ordering": "voters"}).json()["results"]]
    assert names == (expected if expected is not None else ["9 999", "10 000", "1 000 000", "Loading"])


def _loaded(organization, keys, **fields):
    from tests.campaigns.conftest import load_members

    audience = AudienceFactory(organization=organization, **fields)
    load_members(audience, keys)
    return audience


def test_overlap_gives_every_region_of_two_and_of_three_audiences(api, org_a):
    likely = _loaded(org_a, range(1, 901), name="Likely Dem voters")
    voted = _loaded(org_a, range(801, 1001), name="Already voted")
    movers = _loaded(org_a, range(951, 1101), name="Movers")

    two = api.post(f"{URL}overlap/", {"audience_ids": [likely.pk, voted.pk]}, format="json")

    assert two.status_code == 200
    assert two.json() == {
        "audiences": [
            {"id": likely.pk, "name": "Likely Dem voters", "letter": "A", "voters": 900},
            {"id": voted.pk, "name": "Already voted", "letter": "B", "voters": 200},
        ],
        "regions": [
            {"letters": "A", "audience_ids": [likely.pk], "label": "Only in A", "voters": 800},
            {"letters": "B", "audience_ids": [voted.pk], "label": "Only in B", "voters": 100},
            {
                "letters": "AB",
                "audience_ids": [likely.pk, voted.pk],
                "label": "In both A and B",
                "voters": 100,
            },
        ],
        "union": 1000,
    }
    three = api.post(f"{URL}overlap/", {"audience_ids": [likely.pk, voted.pk, movers.pk]}, format="json")
    regions = {r["letters"]: (r["label"], r["voters"]) for r in three.json()["regions"]}
    assert regions == {
        "A": ("Only in A", 800),
        "B": ("Only in B", 50),
        "C": ("Only in C", 100),
        "AB": ("A and B, not C", 100),
        "AC": ("A and C, not B", 0),
        "BC": ("B and C, not A", 50),
        "ABC": ("In all three", 0),
    }
    assert three.json()["union"] == 1100


def test_overlap_is_a_read_any_member_may_ask_for(org_a):
    a, b = _loaded(org_a, [1, 2]), _loaded(org_a, [2, 3])
    viewer_api = APIClient()
    viewer_api.force_login(MembershipFactory(organization=org_a, role=Role.VIEWER).user)
    response = viewer_api.post(f"{URL}overlap/", {"audience_ids": [a.pk, b.pk]}, format="json")
    assert response.status_code == 200 and response.json()["union"] == 3
    assert (
        APIClient().post(f"{URL}overlap/", {"audience_ids": [a.pk, b.pk]}, format="json").status_code == 401
    )


def test_overlap_answers_another_organizations_audience_as_one_that_does_not_exist(api, api_b, org_a, org_b):
    ours = _loaded(org_a, [1, 2])
    theirs = _loaded(org_b, [2, 3], name="Their secret list")
    missing = theirs.pk + 1000

    answers = [
        api.post(f"{URL}overlap/", {"audience_ids": [ours.pk, other]}, format="json")
        for other in (theirs.pk, missing)
    ]

    for response, other in zip(answers, (theirs.pk, missing), strict=True):
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "audience_not_found" and "Their secret list" not in response.content.decode()
        assert body["detail"] == f"No audience with ID {other} in this organization."
        assert body["errors"] == {"audience_ids": [body["detail"]]}
    # Organization B's member compares B's audiences, and A's are none of theirs.
    other_theirs = _loaded(org_b, [3, 4])
    assert (
        api_b.post(f"{URL}overlap/", {"audience_ids": [theirs.pk, other_theirs.pk]}, format="json").json()[
            "union"
        ]
        == 3
    )
    refused = api_b.post(f"{URL}overlap/", {"audience_ids": [theirs.pk, ours.pk]}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "audience_not_found"


@pytest.mark.parametrize(
    ("ids", "detail"),
    [
        ([1], "Choose 2 or 3 audiences to compare, not 1."),
        ([1, 2, 3, 4], "Choose 2 or 3 audiences to compare, not 4."),
        ([1, 2, 1], "List each audience once: ID {1} is there twice."),
    ],
)
def test_overlap_refuses_anything_but_2_or_3_audiences_each_once(api, org_a, ids, detail):
    audiences = [_loaded(org_a, [n]) for n in range(4)]
    pks = [audiences[i - 1].pk for i in ids]
    response = api.post(f"{URL}overlap/", {"audience_ids": pks}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert response.json()["detail"] == detail.replace("{1}", str(audiences[0].pk))
    assert response.json()["errors"] == {"audience_ids": [response.json()["detail"]]}


def test_overlap_refuses_an_audience_without_loaded_voters_naming_it(api, org_a):
    ready = _loaded(org_a, [1, 2])
    loading = AudienceFactory(
        organization=org_a, name="Hamilton movers", status="processing", voter_count=None
    )
    response = api.post(f"{URL}overlap/", {"audience_ids": [ready.pk, loading.pk]}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "audience_not_loaded"
    assert response.json()["detail"] == (
        "“Hamilton movers” has no loaded voters yet; compare it once it is Ready."
    )


def test_overlap_validates_its_body_and_costs_a_fixed_number_of_queries(
    api, org_a, django_assert_max_num_queries
):
    for body in ({}, {"audience_ids": "1,2"}, {"audience_ids": [0, 1]}):
        response = api.post(f"{URL}overlap/", body, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid"
        assert [key.split(".")[0] for key in response.json()["errors"]] == ["audience_ids"]
    ids = [_loaded(org_a, [n, n + 1]).pk for n in range(3)]
    with django_assert_max_num_queries(20) as two:
        api.post(f"{URL}overlap/", {"audience_ids": ids[:2]}, format="json")
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert api.post(f"{URL}overlap/", {"audience_ids": ids}, format="json").status_code == 200


def test_the_schema_documents_overlap(api):
    operation = api.get("/api/v1/schema/?format=json").json()["paths"]["/api/v1/audiences/overlap/"]["post"]
    assert operation["summary"] == "Compare 2 or 3 audiences"
    assert {"200", "400", "401", "403", "409"} <= set(operation["responses"])
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/AudienceOverlapOutput")
