"""Input nobody planned for — IDs that are no number, Unicode digits, numbers past any ID — answered 4xx.

int() reads "١٢" and "１２" as 12 and refuses "²", which str.isdigit() accepts: an ID is ASCII digits only,
so such spellings never crash a request and never reach an object under another name. Another
organization's ID is answered exactly as a missing one.
"""

import pytest

from iqm_portal.query import MAX_ID, parse_id, parse_ids, search_text
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
NOT_IDS = ["abc", "²", "١٢٣", "１２", "-1", "1.0", "1e3", str(MAX_ID + 1), "99999999999999999999"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        *[(text, None) for text in NOT_IDS],
        ("", None),
        ("\x00", None),
    ],
)
def test_an_id_is_ascii_digits_within_bigint(text, expected):
    assert parse_id(text) == expected


def test_ids_and_search_text_helpers():
    assert parse_ids(["3", "²", "3", "１", "7"]) == [3, 7]
    assert search_text("  vote\x00rs  ") == "voters"
    assert search_text(None) == ""


@pytest.fixture
def objects(org_a, org_b):
    """One object of each kind in each organization, named without digits (searches match IDs too)."""
    io = InsertionOrderFactory(organization=org_a, name="Our general")
    their_io = InsertionOrderFactory(organization=org_b, name="Their general")
    return {
        "audiences": (
            AudienceFactory(organization=org_a, name="Our voters"),
            AudienceFactory(organization=org_b, name="Their voters"),
        ),
        "insertion-orders": (io, their_io),
        "campaigns": (
            CampaignFactory(insertion_order=io, name="Our display"),
            CampaignFactory(insertion_order=their_io, name="Their display"),
        ),
    }


def _not_found(response):
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "collection", "suffix", "own_status"),
    [
        ("get", "audiences", "", 200),
        ("post", "audiences", "duplicate/", 409),  # found, but it has no voters loaded to copy
        ("get", "insertion-orders", "", 200),
        ("get", "campaigns", "", 200),
        ("get", "campaigns", "targeting/", 200),
    ],
)
def test_an_id_in_a_path_that_is_not_one_of_ours_is_404(api, objects, method, collection, suffix, own_status):
    ours, theirs = objects[collection]
    call = getattr(api, method)
    own_in_other_digits = [str(ours.pk).translate(FULLWIDTH), str(ours.pk).translate(ARABIC_INDIC)]
    for text in [*NOT_IDS, *own_in_other_digits, str(theirs.pk), str(MAX_ID)]:
        _not_found(call(f"/api/v1/{collection}/{text}/{suffix}", {}, format="json"))
    assert call(f"/api/v1/{collection}/{ours.pk}/{suffix}", {}, format="json").status_code == own_status


def test_another_organizations_id_is_answered_like_a_missing_one(api, objects):
    for collection, (_, theirs) in objects.items():
        foreign = api.get(f"/api/v1/{collection}/{theirs.pk}/")
        missing = api.get(f"/api/v1/{collection}/{MAX_ID}/")
        assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


def test_a_url_no_api_answers_is_a_problem_document(api):
    _not_found(api.get("/api/v1/nothing-here/"))
    _not_found(api.get("/api/v1/audiences/abc/edit/"))


@pytest.mark.parametrize("collection", ["audiences", "insertion-orders", "campaigns"])
@pytest.mark.parametrize("param", ["search", "ordering", "status", "type", "campaign_type", "budget_type"])
def test_list_parameters_in_any_digits_never_fail_the_server(api, objects, collection, param):
    for text in [*NOT_IDS, "\x00", "a\x00b"]:
        response = api.get(f"/api/v1/{collection}/", {param: text})
        assert response.status_code in (200, 400), (param, text, response.status_code)


@pytest.mark.parametrize("collection", ["audiences", "insertion-orders", "campaigns"])
def test_search_finds_by_id_only_when_written_in_ascii(api, objects, collection):
    ours, theirs = objects[collection]
    found = api.get(f"/api/v1/{collection}/", {"search": str(ours.pk), "type": "all"}).json()
    assert [r["id"] for r in found["results"]] == [ours.pk]
    for text in [str(ours.pk).translate(FULLWIDTH), str(ours.pk).translate(ARABIC_INDIC), str(theirs.pk)]:
        assert api.get(f"/api/v1/{collection}/", {"search": text}).json()["count"] == 0


@pytest.mark.parametrize("collection", ["audiences", "insertion-orders", "campaigns"])
def test_page_and_page_size_in_other_digits(api, objects, collection):
    for text in ["²", "１", "١", "-1", "1.0", "99999999999999999999"]:
        _not_found(api.get(f"/api/v1/{collection}/", {"page": text}))
        ignored = api.get(f"/api/v1/{collection}/", {"page_size": text})
        assert ignored.status_code == 200 and len(ignored.json()["results"]) == 1
    assert api.get(f"/api/v1/{collection}/", {"page": "1", "page_size": "1"}).status_code == 200


def test_the_insertion_order_filter_takes_an_id_of_ours(api, objects):
    (io, their_io), (campaign, _) = objects["insertion-orders"], objects["campaigns"]
    assert api.get("/api/v1/campaigns/", {"insertion_order": io.pk}).json()["count"] == 1
    assert api.get("/api/v1/campaigns/", {"insertion_order": their_io.pk}).json()["count"] == 0
    for text in ["²", str(io.pk).translate(FULLWIDTH), f"{io.pk}.5", "99999999999999999999", "x"]:
        refused = api.get("/api/v1/campaigns/", {"insertion_order": text})
        assert refused.status_code == 400 and "insertion_order" in refused.json()["errors"], text
    assert campaign.insertion_order_id == io.pk


def test_the_organization_header_is_an_account_id_in_ascii_digits(api, org_a, org_b):
    AudienceFactory(organization=org_a)
    assert api.get("/api/v1/audiences/", HTTP_X_IAA_OW_ID=str(org_a.account_id)).json()["count"] == 1
    for text in ["²", str(org_a.account_id).translate(FULLWIDTH), "99999999999999999999", "abc", "-1"]:
        refused = api.get("/api/v1/audiences/", HTTP_X_IAA_OW_ID=text)
        assert refused.status_code == 400 and "X-IAA-OW-ID" in refused.json()["errors"], text
    foreign = api.get("/api/v1/audiences/", HTTP_X_IAA_OW_ID=str(org_b.account_id))
    assert foreign.status_code == 403 and foreign.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/audiences/add-to-campaigns/", {"campaign_ids": [1], "list": "allowlist"}, "audience_ids"),
        ("/api/v1/audiences/add-to-campaigns/", {"audience_ids": [1], "list": "allowlist"}, "campaign_ids"),
        ("/api/v1/campaigns/targeting/", {"allowlist": [1]}, "campaign_ids"),
        ("/api/v1/campaigns/targeting/", {"campaign_ids": [1]}, "remove"),
        ("/api/v1/campaigns/targeting/", {"allowlist": [1]}, "insertion_order_ids"),
    ],
)
def test_body_ids_past_any_id_or_in_other_digits_are_400(api, org_a, url, body, field):
    for value in [MAX_ID + 1, 10**30, "１２", "²", 1.5]:
        response = api.post(url, {**body, field: [value]}, format="json")
        assert response.status_code == 400, (field, value, response.content)
        assert f"{field}.0" in response.json()["errors"] or field in response.json()["errors"]


def test_a_campaign_is_created_only_in_an_insertion_order_named_by_an_ascii_id(api, objects):
    io, their_io = objects["insertion-orders"]
    for value in [MAX_ID + 1, str(io.pk).translate(FULLWIDTH), io.pk + 0.5, True, their_io.pk]:
        response = api.post("/api/v1/campaigns/", {"insertion_order": value, "name": "New"}, format="json")
        assert response.status_code == 400 and "insertion_order" in response.json()["errors"], value
    created = api.post("/api/v1/campaigns/", {"insertion_order": io.pk, "name": "New"}, format="json")
    assert created.status_code == 201


def test_a_targeting_put_with_ids_past_any_id_is_400(api, objects):
    campaign, _ = objects["campaigns"]
    response = api.put(
        f"/api/v1/campaigns/{campaign.pk}/targeting/",
        {"allowlist": [10**20], "blocklist": []},
        format="json",
    )
    assert response.status_code == 400 and "allowlist.0" in response.json()["errors"]


def test_a_form_with_too_many_fields_is_a_problem_document(api, org_a):
    body = "&".join(f"campaign_ids={i}" for i in range(1, 1200)) + "&allowlist=1"
    response = api.post(
        "/api/v1/campaigns/targeting/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "parse_error"


# --- The pages' query strings ---------------------------------------------------------------------------------

ODD_VALUES = ["²", "١٢٣", "１２", "99999999999999999999", "-1", "\x00", "a\x00b"]


def test_the_audiences_table_reads_any_query_string(client_a, objects):
    ours, theirs = objects["audiences"]
    for value in ODD_VALUES:
        for param in ["q", "page", "page_size", "sort", "type", "status"]:
            response = client_a.get("/audiences/", {param: value})
            assert response.status_code == 200, (param, value)
    page = client_a.get("/audiences/", {"q": str(ours.pk).translate(FULLWIDTH), "page_size": "２５"})
    assert ours.name not in page.content.decode()
    assert ours.name in client_a.get("/audiences/", {"q": str(ours.pk)}).content.decode()
    assert theirs.name not in client_a.get("/audiences/", {"q": str(theirs.pk)}).content.decode()


def test_the_audiences_dialogs_read_any_ticked_ids(client_a, objects):
    ours, theirs = objects["audiences"]
    for value in [*ODD_VALUES, str(theirs.pk), str(ours.pk).translate(FULLWIDTH)]:
        for url in ["/audiences/add-to-campaign/", "/audiences/create-campaign/"]:
            response = client_a.get(url, {"audience": value})
            assert response.status_code == 200, (url, value)
            assert ours.name not in response.content.decode() and theirs.name not in response.content.decode()
        assert client_a.get("/audiences/add-to-campaign/campaigns/", {"q": value}).status_code == 200
    assert ours.name in client_a.get("/audiences/add-to-campaign/", {"audience": ours.pk}).content.decode()


def test_the_campaigns_tables_read_any_query_string(client_a, objects):
    (io, their_io), (campaign, their_campaign) = objects["insertion-orders"], objects["campaigns"]
    for value in ODD_VALUES:
        for param in ["q", "page", "sort", "status"]:
            assert client_a.get("/campaigns/", {param: value}).status_code == 200, (param, value)
            assert client_a.get(f"/campaigns/insertion-orders/{io.pk}/", {param: value}).status_code == 200
        assert client_a.get(f"/campaigns/{campaign.pk}/audience-options/", {"q": value}).status_code == 200
        name_check = client_a.get("/campaigns/name-check/", {"name": value, "exclude": value})
        assert name_check.status_code == 200
    assert io.name not in client_a.get("/campaigns/", {"q": str(io.pk).translate(FULLWIDTH)}).content.decode()
    assert io.name in client_a.get("/campaigns/", {"q": str(io.pk)}).content.decode()
    assert their_io.name not in client_a.get("/campaigns/", {"q": str(their_io.pk)}).content.decode()
    assert their_campaign.pk != campaign.pk
