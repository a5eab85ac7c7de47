"""The bell in the top bar, its panel, the Notices page and marking read: each user's own notices only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from notices.models import Notice, NoticeKind
from notices.selectors import unread_notice_count
from notices.services import notice_send
from tests.factories import InsertionOrderFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/campaigns/"}


def send(organization, title, kind=NoticeKind.AUDIENCE_READY, link="/audiences/?audience=7", body=""):
    return notice_send(organization=organization, kind=kind, title=title, body=body, link=link)


def mine(notices, user) -> Notice:
    return next(n for n in notices if n.user_id == user.pk)


def notice_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"notices_notice"' in q["sql"]]


@pytest.fixture
def person(client, org_a, org_b):
    """Signed in; a member of both organizations, working in Alpha."""
    membership = MembershipFactory(organization=org_a, role=Role.ADMIN)
    MembershipFactory(user=membership.user, organization=org_b, role=Role.VIEWER)
    client.force_login(membership.user)
    return membership.user


# --- The bell --------------------------------------------------------------------------------------------


def test_the_top_bar_shows_the_bell_with_the_unread_count(client_a, member_a, org_a, org_b):
    content = client_a.get("/campaigns/").content.decode()
    assert 'popovertarget="notice-panel"' in content
    assert '<span class="visually-hidden">Notices</span>' in content and "bell-badge" not in content
    send(org_a, "Likely Dems is Ready")
    send(org_a, "A push failed", NoticeKind.PUSH_FAILED)
    send(org_b, "Bravo's")  # another organization's members only
    content = client_a.get("/campaigns/").content.decode()
    assert re.search(r'<span class="bell-badge" aria-hidden="true">2</span>', content)
    assert "Notices, 2 unread" in content
    assert 'data-live data-live-url="/notices/bell/" data-poll-seconds="10" data-signature="2"' in content


def test_the_bell_counts_past_99_as_99_plus(client_a, org_a):
    for n in range(100):
        send(org_a, f"Notice {n}")
    content = client_a.get("/").content.decode()
    assert ">99+</span>" in content and "Notices, 100 unread" in content


def test_the_bell_polls_as_often_as_the_tables_and_not_at_all_when_they_do_not(client_a, settings):
    settings.TABLE_POLL_SECONDS = 3
    assert 'data-poll-seconds="3"' in client_a.get("/").content.decode()
    settings.TABLE_POLL_SECONDS = 0
    assert "data-live" not in client_a.get("/").content.decode()


def test_no_bell_when_signed_out_or_without_an_organization(client):
    assert "notice-panel" not in client.get("/login/").content.decode()
    loner = UserFactory()
    client.force_login(loner)
    assert "notice-panel" not in client.get("/").content.decode()
    assert client.get("/notices/bell/").status_code == 204
    assert client.get("/notices/").status_code == 403


def test_the_bell_endpoint_answers_the_count_and_204_while_it_is_unchanged(client_a, member_a, org_a):
    send(org_a, "Likely Dems is Ready")
    response = client_a.get("/notices/bell/", **HTMX)
    assert response.status_code == 200
    assert (
        'id="notice-bell-count"' in response.content.decode()
        and "Notices, 1 unread" in response.content.decode()
    )
    assert client_a.get("/notices/bell/", HTTP_X_TABLE_SIGNATURE="1", **HTMX).status_code == 204
    send(org_a, "A second one")
    changed = client_a.get("/notices/bell/", HTTP_X_TABLE_SIGNATURE="1", **HTMX)
    assert changed.status_code == 200 and 'data-signature="2"' in changed.content.decode()


def test_the_bell_endpoint_counts_with_one_query_off_the_unread_index(client_a, member_a, org_a):
    send(org_a, "Likely Dems is Ready")
    with CaptureQueriesContext(connection) as queries:
        assert client_a.get("/notices/bell/", HTTP_X_TABLE_SIGNATURE="1", **HTMX).status_code == 204
    counted = notice_queries(queries.captured_queries)
    assert len(counted) == 1 and "COUNT(*)" in counted[0] and '"read_at" IS NULL' in counted[0]
    assert len(queries.captured_queries) <= 4  # the session, the user, their membership, the count
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be read whole
        cursor.execute("EXPLAIN " + counted[0])
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "notice_user_unread" in plan, plan


def test_the_bell_counts_the_users_own_notices_of_all_their_organizations(
    client, person, member_a, org_a, org_b
):
    other = MembershipFactory(organization=org_b).user
    send(org_a, "Alpha's")
    send(org_b, "Bravo's")
    assert "Notices, 2 unread" in client.get("/notices/bell/", **HTMX).content.decode()
    assert unread_notice_count(user=member_a) == 1  # Alpha's only
    client.force_login(other)
    assert "Notices, 1 unread" in client.get("/notices/bell/", **HTMX).content.decode()


def test_a_fragment_that_draws_no_top_bar_costs_no_count(client_a, org_a):
    InsertionOrderFactory(organization=org_a)
    with CaptureQueriesContext(connection) as queries:
        response = client_a.get("/campaigns/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="io-table")
    assert response.status_code == 200 and "topbar" not in response.content.decode()
    assert notice_queries(queries.captured_queries) == []


def test_a_page_counts_once_for_the_bell(client_a, org_a):
    send(org_a, "Likely Dems is Ready")
    with CaptureQueriesContext(connection) as queries:
        client_a.get("/notices/")
    counts = [
        q for q in notice_queries(queries.captured_queries) if '"read_at" IS NULL' in q and "COUNT" in q
    ]
    assert len(counts) == 1  # the bell and the page's Unread tab share it


# --- The panel -------------------------------------------------------------------------------------------


def test_the_panel_shows_the_latest_notices_newest_first_unread_marked(client_a, member_a, org_a, org_b):
    for n in range(10):
        send(org_a, f"Notice {n}", body=f"Body {n}\nsecond line")
    mine(send(org_a, "Read already"), member_a)
    Notice.objects.filter(title="Read already").update(read_at="2026-11-30T12:00:00Z")
    send(org_b, "Bravo's")
    content = client_a.get("/notices/panel/", **HTMX).content.decode()
    titles = re.findall(r'<a href="/audiences/\?audience=7">([^<]+)</a>', content)
    assert titles == [
        "Read already",
        "Notice 9",
        "Notice 8",
        "Notice 7",
        "Notice 6",
        "Notice 5",
        "Notice 4",
        "Notice 3",
    ]
    assert content.count("Unread: ") == 7 and content.count(">Mark read<") == 7
    assert "Body 9<br>second line" in content and "<time datetime=" in content
    assert "Mark all read" in content and "Bravo" not in content
    assert 'id="notice-bell-count" class="bell-count" hx-swap-oob="true"' in content


def test_the_panel_says_when_there_is_nothing(client_a):
    content = client_a.get("/notices/panel/", **HTMX).content.decode()
    assert "No notices yet" in content and "Mark all read" not in content


def test_a_notice_of_another_organization_opens_after_switching_to_it(client, person, org_b):
    send(org_b, "Bravo's audience is Ready", link="/audiences/?audience=9")
    content = client.get("/notices/panel/", **HTMX).content.decode()
    assert 'href="/audiences/?audience=9"' not in content  # not a link into the wrong organization
    assert "· Bravo PAC" in content and "Open in Bravo PAC" in content
    response = client.post(
        "/profile/organizations/switch/", {"organization": org_b.pk, "next": "/audiences/?audience=9"}
    )
    assert response.status_code == 302 and response.url == "/audiences/?audience=9"


def test_a_link_that_is_not_a_portal_path_is_not_a_link(client_a, org_a):
    send(org_a, "Odd", link="javascript:alert(1)")
    send(org_a, "Odder", link="//evil.example/")
    content = client_a.get("/notices/panel/", **HTMX).content.decode()
    assert "javascript:" not in content and "evil.example" not in content


def test_the_panel_costs_the_same_queries_for_few_and_many(
    client, person, org_a, org_b, django_assert_max_num_queries
):
    send(org_a, "One")
    with django_assert_max_num_queries(12) as few:
        client.get("/notices/panel/", **HTMX)
    for n in range(20):
        send(org_a if n % 2 else org_b, f"Notice {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/notices/panel/", **HTMX)


# --- Marking read ----------------------------------------------------------------------------------------


def test_mark_read_redraws_the_notice_and_the_bell(client_a, member_a, org_a):
    notice = mine(send(org_a, "Likely Dems is Ready"), member_a)
    send(org_a, "Another")
    response = client_a.post(f"/notices/{notice.pk}/read/", **HTMX)
    content = response.content.decode()
    assert response.status_code == 200 and "Unread: " not in content and "Mark read" not in content
    assert "Likely Dems is Ready" in content
    assert 'hx-swap-oob="true"' in content and "Notices, 1 unread" in content
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_read_without_htmx_goes_back(client_a, member_a, org_a):
    notice = mine(send(org_a, "Likely Dems is Ready"), member_a)
    response = client_a.post(f"/notices/{notice.pk}/read/", {"next": "/notices/?page=2"})
    assert response.status_code == 302 and response.url == "/notices/?page=2"
    response = client_a.post(f"/notices/{notice.pk}/read/", {"next": "https://evil.example/"})
    assert response.url == "/notices/"


def test_another_users_notice_cannot_be_marked_read(client_a, member_a, member_b, org_a, org_b):
    colleague = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    colleagues = mine(send(org_a, "Likely Dems is Ready"), colleague)
    bravos = mine(send(org_b, "Bravo's"), member_b)
    for notice in [colleagues, bravos]:
        assert client_a.post(f"/notices/{notice.pk}/read/", **HTMX).status_code == 404
    assert unread_notice_count(user=colleague) == 1 and unread_notice_count(user=member_b) == 1
    client_a.post("/notices/read/", **HTMX)  # all of member_a's: theirs stay unread
    assert unread_notice_count(user=colleague) == 1 and unread_notice_count(user=member_b) == 1


def test_marking_needs_a_post(client_a, member_a, org_a):
    notice = mine(send(org_a, "Likely Dems is Ready"), member_a)
    assert client_a.get(f"/notices/{notice.pk}/read/").status_code == 405
    assert client_a.get("/notices/read/").status_code == 405
    assert unread_notice_count(user=member_a) == 1


def test_mark_all_read_marks_what_was_shown_not_what_arrived_since(client_a, member_a, org_a):
    shown = [mine(send(org_a, f"Notice {n}"), member_a) for n in range(3)]
    later = mine(send(org_a, "Arrived after the panel was drawn"), member_a)
    response = client_a.post("/notices/read/", {"up_to": shown[-1].pk}, **HTMX)
    assert response.status_code == 200 and "Notices, 1 unread" in response.content.decode()
    assert list(Notice.objects.filter(user=member_a, read_at__isnull=True)) == [later]
    response = client_a.post("/notices/read/", {"next": "/notices/"})
    assert response.status_code == 302 and response.url == "/notices/"
    assert unread_notice_count(user=member_a) == 0


# --- The Notices page ------------------------------------------------------------------------------------


def test_the_notices_page_pages_older_ones_and_filters_unread(client_a, member_a, org_a):
    notices = [mine(send(org_a, f"Notice {n:02}"), member_a) for n in range(30)]
    Notice.objects.filter(pk__in=[n.pk for n in notices[:3]]).update(read_at="2026-11-30T12:00:00Z")
    content = client_a.get("/notices/").content.decode()
    assert "Notice 29" in content and "Notice 05" in content and "Notice 04" not in content
    assert "1–25 of 30" in content and 'href="/notices/?page=2" rel="next"' in content
    page2 = client_a.get("/notices/?page=2").content.decode()
    assert "Notice 04" in page2 and "Notice 00" in page2 and "Notice 05" not in page2
    assert 'href="/notices/" rel="prev"' in page2
    assert "Unread (27)" in page2
    unread = client_a.get("/notices/?unread=1&page=2").content.decode()
    assert "Notice 03" in unread and "Notice 02" not in unread and "26–27 of 27" in unread
    assert 'href="/notices/?unread=1" rel="prev"' in unread
    assert client_a.get("/notices/?page=99").status_code == 200  # past the last page: the last one
    assert client_a.get("/notices/?page=x").status_code == 200


def test_the_notices_page_needs_sign_in_and_shows_only_the_users_own(
    client, member_a, member_b, org_a, org_b
):
    assert client.get("/notices/").status_code == 302
    send(org_b, "Bravo is Ready")
    send(org_a, "Alpha is Ready")
    client.force_login(member_a)
    content = client.get("/notices/").content.decode()
    assert "Alpha is Ready" in content and "Bravo is Ready" not in content


def test_the_panel_links_to_the_notices_page(client_a):
    assert 'href="/notices/">See all notices</a>' in client_a.get("/").content.decode()
