"""The notifications API: each user's own notices, of every organization of theirs, and marking them read."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from notices.models import Notice, NoticeKind
from notices.selectors import unread_notice_count
from notices.services import notice_send
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"
READ_URL = "/api/v1/notifications/read/"
PROBLEM = "application/problem+json"


def send(organization, title, kind=NoticeKind.AUDIENCE_READY, link="/audiences/?audience=1"):
    return notice_send(organization=organization, kind=kind, title=title, body=f"About {title}.", link=link)


def mine(notices, user) -> Notice:
    return next(n for n in notices if n.user_id == user.pk)


@pytest.fixture
def person(org_a, org_b):
    """A member of both organizations: an admin in Alpha, a viewer in Bravo."""
    membership = MembershipFactory(organization=org_a, role=Role.ADMIN)
    MembershipFactory(user=membership.user, organization=org_b, role=Role.VIEWER)
    return membership.user


@pytest.fixture
def person_api(person):
    client = APIClient()
    client.force_login(person)
    return client


def test_signing_in_is_required():
    for response in [APIClient().get(URL), APIClient().post(READ_URL, {"all": True}, format="json")]:
        assert response.status_code == 401 and response["Content-Type"] == PROBLEM


def test_the_list_is_the_users_own_newest_first_with_every_field(api, member_a, member_b, org_a, org_b):
    first = mine(send(org_a, "Likely Dems is Ready"), member_a)
    second = mine(
        send(org_a, "A push failed", NoticeKind.PUSH_FAILED, link="https://evil.example/"), member_a
    )
    send(org_b, "Bravo's own")  # member_b's alone
    data = api.get(URL).json()
    assert data["count"] == 2 and [n["id"] for n in data["results"]] == [second.pk, first.pk]
    newest = data["results"][0]
    assert newest["kind"] == "push_failed" and newest["kind_label"] == "A push failed"
    assert newest["title"] == "A push failed" and newest["body"] == "About A push failed."
    assert newest["link"] == ""  # only paths in the portal are links
    assert data["results"][1]["link"] == "/audiences/?audience=1"
    assert newest["read"] is False and newest["read_at"] is None and newest["created_at"]
    assert newest["organization"] == {"account_id": 123456, "name": "Alpha for Ohio"}
    assert set(newest) == {
        "id", "kind", "kind_label", "title", "body", "link", "created_at", "read", "read_at", "organization"
    }  # fmt: skip
    assert "Bravo's own" not in str(data)


def test_a_token_lists_the_tokens_users_notices(member_a, org_a):
    send(org_a, "Likely Dems is Ready")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member_a).key}")
    assert [n["title"] for n in client.get(URL).json()["results"]] == ["Likely Dems is Ready"]


def test_unread_only_and_pages(api, member_a, org_a):
    notices = [mine(send(org_a, f"Notice {n}"), member_a) for n in range(5)]
    api.post(READ_URL, {"ids": [notices[0].pk, notices[1].pk]}, format="json")
    unread = api.get(URL, {"unread": "true"}).json()
    assert [n["title"] for n in unread["results"]] == ["Notice 4", "Notice 3", "Notice 2"]
    assert all(n["read"] is False for n in unread["results"])
    assert api.get(URL, {"unread": "false"}).json()["count"] == 5
    paged = api.get(URL, {"page_size": 2, "page": 2}).json()
    assert [n["title"] for n in paged["results"]] == ["Notice 2", "Notice 1"] and paged["next"]
    assert paged["results"][1]["read"] is True and paged["results"][1]["read_at"]
    assert api.get(URL, {"page": 9}).status_code == 404


def test_two_organizations_each_notice_says_whose_and_the_header_narrows(person, person_api, org_a, org_b):
    send(org_a, "Alpha's audience is Ready")
    send(org_b, "Bravo's audience is Ready")
    data = person_api.get(URL).json()
    assert [(n["title"], n["organization"]["name"]) for n in data["results"]] == [
        ("Bravo's audience is Ready", "Bravo PAC"),
        ("Alpha's audience is Ready", "Alpha for Ohio"),
    ]
    only_b = person_api.get(URL, HTTP_X_IAA_OW_ID="777777").json()
    assert [n["title"] for n in only_b["results"]] == ["Bravo's audience is Ready"]

    answer = person_api.post(READ_URL, {"all": True}, format="json", HTTP_X_IAA_OW_ID="777777").json()
    assert answer == {"marked": 1, "unread": 0}  # in Bravo
    assert unread_notice_count(user=person) == 1  # Alpha's stays unread


def test_naming_an_organization_that_is_not_yours_is_refused(api, org_b):
    response = api.get(URL, HTTP_X_IAA_OW_ID="777777")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    response = api.post(READ_URL, {"all": True}, format="json", HTTP_X_IAA_OW_ID="777777")
    assert response.status_code == 403
    assert api.get(URL, HTTP_X_IAA_OW_ID="seven").status_code == 400


def test_marking_read_by_ids_and_all(api, member_a, org_a):
    notices = [mine(send(org_a, f"Notice {n}"), member_a) for n in range(3)]
    answer = api.post(READ_URL, {"ids": [notices[0].pk, notices[0].pk]}, format="json")
    assert answer.status_code == 200 and answer.json() == {"marked": 1, "unread": 2}
    assert api.post(READ_URL, {"ids": [notices[0].pk]}, format="json").json() == {"marked": 0, "unread": 2}
    assert api.post(READ_URL, {"all": True}, format="json").json() == {"marked": 2, "unread": 0}
    assert api.get(URL, {"unread": "true"}).json()["count"] == 0


def test_another_users_ids_are_ignored_never_marked(api, member_a, member_b, org_a, org_b):
    colleague = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    notices = send(org_a, "Likely Dems is Ready")
    bravo = send(org_b, "Bravo's audience is Ready")  # to member_b, of the other organization
    others = [mine(notices, colleague).pk, mine(bravo, member_b).pk]
    answer = api.post(READ_URL, {"ids": [*others, mine(notices, member_a).pk]}, format="json").json()
    assert answer == {"marked": 1, "unread": 0}
    assert Notice.objects.filter(pk__in=others, read_at__isnull=True).count() == 2
    # Marking all marks only the caller's own.
    send(org_a, "A second one")
    assert api.post(READ_URL, {"all": True}, format="json").json() == {"marked": 1, "unread": 0}
    assert unread_notice_count(user=colleague) == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "ids"),
        ({"all": False}, "ids"),
        ({"ids": [1], "all": True}, "non_field_errors"),
        ({"ids": ["x"]}, "ids.0"),
        ({"ids": [0]}, "ids.0"),
        ({"ids": "1"}, "ids"),
        ({"ids": list(range(1, 1002))}, "ids"),
        ({"all": "maybe"}, "all"),
    ],
)
def test_a_request_that_says_nothing_clear_is_a_problem_document(api, member_a, org_a, body, field):
    mine(send(org_a, "Likely Dems is Ready"), member_a)
    response = api.post(READ_URL, body, format="json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "invalid" and field in problem["errors"], problem
    assert unread_notice_count(user=member_a) == 1


def test_a_viewer_marks_their_own_notices_read(org_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    send(org_a, "Likely Dems is Ready")
    client = APIClient()
    client.force_login(viewer)
    assert client.post(READ_URL, {"all": True}, format="json").json() == {"marked": 1, "unread": 0}


def test_the_list_costs_the_same_queries_for_few_and_many(
    api, member_a, org_a, org_b, django_assert_max_num_queries
):
    MembershipFactory(user=member_a, organization=org_b)
    send(org_a, "One")
    with django_assert_max_num_queries(6) as few:
        assert api.get(URL).json()["count"] == 1
    for n in range(30):
        send(org_a if n % 2 else org_b, f"Notice {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(URL).json()["count"] == 31
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        assert api.post(READ_URL, {"all": True}, format="json").json() == {"marked": 31, "unread": 0}
