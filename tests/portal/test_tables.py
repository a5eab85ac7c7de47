"""The table engine (iqm_portal.tables), through the Campaigns app's tables: sorting, filters, page size,
URL state, the empty state, htmx answers, live checks, the column chooser per user, and tenancy."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from accounts.models import Role
from campaigns.selectors import insertion_order_list_with_counts
from campaigns.services import campaign_targeting_update
from campaigns.tables import InsertionOrderFilter, InsertionOrderTable
from history.actors import SYSTEM
from iqm_portal.models import TablePreference
from iqm_portal.tables import TableState, build_table, registry
from tests.conftest import SignInClient
from tests.factories import (
    PASSWORD,
    AudienceFactory,
    CampaignFactory,
    InsertionOrderFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def table(response):
    return response.context["table"]


def names(response) -> list[str]:
    return [record.name for record in table(response).records]


def headers(response) -> dict[str, dict]:
    return {h["column"].name: h for h in table(response).headers}


def signed_in(user) -> SignInClient:
    client = SignInClient()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- URL state --------------------------------------------------------------------------------------------


def test_a_tables_links_name_only_what_differs_from_the_defaults():
    request = RequestFactory().get("/campaigns/", {"q": "al", "status": "", "sort": "-created", "page": "1"})
    state = TableState.from_request(request, InsertionOrderTable)

    assert state.url() == "/campaigns/?q=al"
    assert state.url(sort="name", page=None) == "/campaigns/?q=al&sort=name"
    assert state.url(page=3, page_size=50) == "/campaigns/?q=al&page=3&page_size=50"
    assert state.url(q=None) == "/campaigns/"
    assert state.current_url == "/campaigns/?q=al&status=&sort=-created&page=1"  # as asked, for refreshes


def test_headers_sort_by_their_column_and_say_which_order_is_shown(client_a, org_a):
    InsertionOrderFactory(organization=org_a, name="Alpha")
    response = client_a.get("/campaigns/?q=al&sort=name&page_size=50")

    cells = headers(response)
    assert cells["name"]["aria_sort"] == "ascending"
    assert cells["name"]["url"] == "/campaigns/?q=al&sort=-name&page_size=50"
    assert cells["start"]["aria_sort"] is None and "sort=start" in cells["start"]["url"]
    assert "sort=-budget" in cells["budget"]["url"]  # figures: largest first
    assert cells["budget_type"]["url"] is None  # not sortable
    content = response.content.decode()
    assert re.search(r'aria-sort="ascending"><a [^>]*>Name <span aria-hidden="true">▲</span>', content)

    descending = headers(client_a.get("/campaigns/?sort=-name"))["name"]
    assert descending["aria_sort"] == "descending" and descending["url"] == "/campaigns/?sort=name"


def test_sorting_puts_empty_values_last_either_way_and_breaks_ties_by_id(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a)
    first_empty = CampaignFactory(insertion_order=io, name="Empty 1", total_budget=None)
    small = CampaignFactory(insertion_order=io, name="Small", total_budget=Decimal("10"))
    tie_a = CampaignFactory(insertion_order=io, name="Tie A", total_budget=Decimal("50"))
    tie_b = CampaignFactory(insertion_order=io, name="Tie B", total_budget=Decimal("50"))
    second_empty = CampaignFactory(insertion_order=io, name="Empty 2", total_budget=None)
    url = f"/campaigns/insertion-orders/{io.pk}/"

    ascending = [c.pk for c in table(client_a.get(f"{url}?sort=budget")).records]
    descending = [c.pk for c in table(client_a.get(f"{url}?sort=-budget")).records]

    assert ascending == [small.pk, tie_a.pk, tie_b.pk, first_empty.pk, second_empty.pk]
    assert descending == [tie_b.pk, tie_a.pk, small.pk, second_empty.pk, first_empty.pk]


def test_a_column_not_shown_may_still_sort_the_rows(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a)
    soon = CampaignFactory(insertion_order=io, name="Ends soon", end_date=io.start_date)
    later = CampaignFactory(insertion_order=io, name="Ends later")

    response = client_a.get(f"/campaigns/insertion-orders/{io.pk}/?sort=-end")

    assert [c.pk for c in table(response).records] == [later.pk, soon.pk]
    assert "end" not in headers(response)  # the Dates column shows it


def test_a_table_may_order_a_column_its_own_way(org_a):
    class NewestNamesFirst(InsertionOrderTable):
        key = ""  # not registered

        def order_name(self, queryset, is_descending):
            return queryset.order_by("-pk"), True

    for name in ("Alpha", "Bravo", "Charlie"):
        InsertionOrderFactory(organization=org_a, name=name)
    request = RequestFactory().get("/campaigns/", {"sort": "name"})
    request.user = AnonymousUser()

    built = build_table(
        request,
        table_class=NewestNamesFirst,
        queryset=insertion_order_list_with_counts(organization=org_a),
        filterset_class=InsertionOrderFilter,
    )
    assert [io.name for io in built.records] == ["Charlie", "Bravo", "Alpha"]
    assert registry["campaigns.insertion_orders"] is InsertionOrderTable  # the subclass took no key


def test_what_a_url_asks_wrongly_is_read_as_the_default(client_a, org_a):
    for n in range(30):
        InsertionOrderFactory(organization=org_a, name=f"IO {n:02d}")

    odd = table(client_a.get("/campaigns/?sort=nonsense&page=%EF%BC%92&page_size=7"))
    assert (odd.state.sort, odd.page.number, odd.paginator.per_page) == ("-created", 1, 25)
    past_the_end = table(client_a.get("/campaigns/?page=99"))
    assert past_the_end.page.number == 2 and len(past_the_end.records) == 5


def test_page_size_and_pages(client_a, org_a):
    for n in range(60):
        InsertionOrderFactory(organization=org_a, name=f"IO {n:02d}")

    fifty = client_a.get("/campaigns/?sort=name&page_size=50")
    assert len(table(fifty).records) == 50
    assert table(fifty).next_url == "/campaigns/?sort=name&page_size=50&page=2"
    assert names(client_a.get("/campaigns/?sort=name&page_size=50&page=2"))[0] == "IO 50"
    assert len(table(client_a.get("/campaigns/?page_size=100")).records) == 60
    content = fifty.content.decode()
    assert '<option value="50" selected>50 per page</option>' in content
    assert "1–50 of 60" in content and "Page 1 of 2" in content


def test_cells_are_what_django_tables2_itself_renders(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a, budget_type="impressions", status="expired", name="A & B")
    CampaignFactory(insertion_order=io, campaign_type="pg", total_budget=None)
    targeted = CampaignFactory(insertion_order=io, daily_budget=Decimal("5"), total_budget=Decimal("50"))
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[targeted.pk],
        allowlist=[AudienceFactory(organization=org_a).pk],
    )
    client_a.post("/tables/campaigns.insertion_orders/columns/", {"columns": ["created", "status"]}, **HTMX)

    for url in ["/campaigns/", f"/campaigns/insertion-orders/{io.pk}/"]:
        shown = table(client_a.get(url))
        ours = [[(attributes, str(content)) for attributes, content in cells] for _, cells in shown.body]
        theirs = [
            [(column.attrs["td"].as_html(), str(content)) for column, content in row.items()]
            for row in shown.paginated_rows
        ]
        assert ours == theirs and len(ours) == (1 if url == "/campaigns/" else 2)


# --- Filters -----------------------------------------------------------------------------------------------


def test_search_by_name_or_id_and_the_filters(client_a, org_a):
    alpha = InsertionOrderFactory(organization=org_a, name="Alpha", budget_type="impressions")
    InsertionOrderFactory(organization=org_a, name="Bravo", status="expired")

    assert names(client_a.get("/campaigns/?q=LPH")) == ["Alpha"]
    assert names(client_a.get(f"/campaigns/?q=+{alpha.pk}+")) == ["Alpha"]
    assert names(client_a.get("/campaigns/?q=Alp%00ha")) == ["Alpha"]  # NUL dropped, as typed otherwise
    assert names(client_a.get("/campaigns/?budget_type=impressions")) == ["Alpha"]
    assert names(client_a.get("/campaigns/?status=expired")) == ["Bravo"]


def test_a_filter_value_that_names_nothing_is_dropped_from_the_rows_the_links_and_the_toolbar(
    client_a, org_a
):
    InsertionOrderFactory(organization=org_a, name="Alpha")
    response = client_a.get("/campaigns/?status=bogus&q=al")

    assert names(response) == ["Alpha"]
    assert "bogus" not in headers(response)["name"]["url"]
    content = response.content.decode()
    assert '<option value="" selected>All statuses</option>' in content
    assert 'aria-invalid="true"' not in content


def test_the_toolbar_shows_the_state_of_the_url(client_a, org_a):
    content = client_a.get("/campaigns/?q=gen&status=expired&sort=name&page_size=100").content.decode()

    assert re.search(r'<input type="search" name="q" value="gen"[^>]*id="io-table-q"', content)
    assert '<option value="expired" selected>Expired</option>' in content
    assert '<option value="100" selected>100 per page</option>' in content
    assert '<input type="hidden" name="sort" value="name" form="io-table-filters">' in content


@pytest.mark.urls("tests.portal.table_urls")
def test_a_table_has_its_own_page_size_and_hidden_filters_that_searches_keep(client_a, org_a):
    InsertionOrderFactory(organization=org_a, name="Alpha", budget_type="impressions")
    InsertionOrderFactory(organization=org_a, name="Bravo", budget_type="budget")

    response = client_a.get("/test-pick/?budget_type=impressions&q=zulu")

    pick = table(response)
    assert (pick.state.page_size, pick.records, pick.filtered) == (50, [], True)
    assert pick.clear_url == "/test-pick/?budget_type=impressions"  # the hidden filter stays
    content = response.content.decode()
    assert (
        '<input type="hidden" name="budget_type" value="impressions" id="pick-table-budget_type">' in content
    )
    assert '<option value="" selected>50 per page</option>' in content
    assert names(client_a.get("/test-pick/?budget_type=impressions")) == ["Alpha"]
    assert table(client_a.get("/test-pick/?budget_type=impressions")).filtered is False
    assert table(client_a.get("/test-pick/?page_size=50")).state.url() == "/test-pick/"


def test_the_empty_table_tells_nothing_yet_from_nothing_matches(client_a, org_a):
    nothing = client_a.get("/campaigns/").content.decode()
    assert "No insertion orders yet." in nothing and "Clear filters" not in nothing

    InsertionOrderFactory(organization=org_a, name="Alpha")
    response = client_a.get("/campaigns/?q=zulu&status=active&sort=name&page_size=50")
    content = response.content.decode()
    assert "No insertion order matches these filters." in content
    assert table(response).clear_url == "/campaigns/?sort=name&page_size=50"
    assert (
        'href="/campaigns/?sort=name&amp;page_size=50" data-table-clear="io-table-filters">Clear filters'
        in content
    )


# --- htmx: the table alone, history restores, live checks ----------------------------------------------------


def test_htmx_gets_the_table_alone_and_a_history_restore_the_whole_page(client_a, org_a):
    InsertionOrderFactory(organization=org_a, name="Alpha")

    page = client_a.get("/campaigns/?q=al")
    alone_response = client_a.get("/campaigns/?q=al", HTTP_HX_TARGET="io-table", **HTMX)
    alone = alone_response.content.decode()
    restore = client_a.get(
        "/campaigns/?q=al", HTTP_HX_TARGET="io-table", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    ).content.decode()
    other_target = client_a.get("/campaigns/?q=al", HTTP_HX_TARGET="modal-root", **HTMX).content.decode()

    assert alone.lstrip().startswith('<div id="io-table"') and "<html" not in alone
    assert "<html" in restore and 'value="al"' in restore and 'id="io-table"' in restore
    assert "<html" in other_target
    # Neither the browser nor a proxy keeps a copy: Back asks the server again.
    assert "no-store" in page["Cache-Control"] and "no-store" in alone_response["Cache-Control"]


def test_a_live_check_is_answered_204_until_the_rows_change(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a, name="Alpha")
    page = client_a.get("/campaigns/?sort=name").content.decode()
    # The table's own signature (the bell in the top bar has one of its own).
    signature = re.search(r'<div id="io-table" [^>]*data-signature="([0-9a-f]{24})"', page).group(1)
    assert re.search(
        r'<div id="io-table" [^>]*data-table-url="/campaigns/\?sort=name"[^>]*data-table-live', page
    )

    def check():
        return client_a.get(
            "/campaigns/?sort=name", HTTP_HX_TARGET="io-table", HTTP_X_TABLE_SIGNATURE=signature, **HTMX
        )

    unchanged = check()
    CampaignFactory(insertion_order=io)
    changed = check()

    assert unchanged.status_code == 204 and unchanged.content == b""
    assert changed.status_code == 200 and 'data-signature="' in changed.content.decode()
    assert signature not in changed.content.decode()


def test_a_live_check_runs_as_few_queries_as_the_page(client_a, org_a, django_assert_max_num_queries):
    for _ in range(3):
        CampaignFactory(insertion_order=InsertionOrderFactory(organization=org_a))
    check = {"HTTP_HX_TARGET": "io-table", "HTTP_X_TABLE_SIGNATURE": "stale", **HTMX}
    with django_assert_max_num_queries(7) as few:
        client_a.get("/campaigns/", **check)
    for _ in range(30):
        CampaignFactory(insertion_order=InsertionOrderFactory(organization=org_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client_a.get("/campaigns/", **check)


def test_tables_poll_as_the_setting_says(client_a, org_a, settings):
    settings.TABLE_POLL_SECONDS = 7
    assert 'data-table-live data-poll-seconds="7"' in client_a.get("/campaigns/").content.decode()
    settings.TABLE_POLL_SECONDS = 0
    content = client_a.get("/campaigns/").content.decode()
    assert "data-table-live" not in content and 'data-table-url="/campaigns/"' in content


def test_an_ios_table_checks_often_while_a_reach_is_being_counted(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a)
    campaign = CampaignFactory(insertion_order=io)
    url = f"/campaigns/insertion-orders/{io.pk}/"
    assert 'data-poll-seconds="10"' in client_a.get(url).content.decode()

    audience = AudienceFactory(organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    content = client_a.get(url).content.decode()
    assert "Updating…" in content and 'data-poll-seconds="3"' in content


# --- The column chooser -------------------------------------------------------------------------------------


def test_a_users_columns_are_theirs_alone_and_per_table(client_a, member_a, org_a):
    io = InsertionOrderFactory(organization=org_a, name="Alpha")
    colleague = signed_in(MembershipFactory(organization=org_a).user)

    response = client_a.post(
        "/tables/campaigns.insertion_orders/columns/", {"columns": ["id", "status", "created"]}, **HTMX
    )

    assert response.status_code == 204
    assert response["HX-Trigger"] == '{"tableColumnsChanged": {"table": "campaigns.insertion_orders"}}'
    mine = [c.name for c in table(client_a.get("/campaigns/")).columns]
    theirs = [c.name for c in table(colleague.get("/campaigns/")).columns]
    assert mine == ["name", "id", "status", "created", "actions"]
    assert theirs == ["name", "id", "start", "end", "budget_type", "budget", "status", "campaigns", "actions"]
    campaigns = [c.name for c in table(client_a.get(f"/campaigns/insertion-orders/{io.pk}/")).columns]
    assert "type" in campaigns and "budget" in campaigns  # another table keeps its own defaults
    assert TablePreference.objects.get(user=member_a).columns == ["created", "id", "status"]


def test_hiding_every_optional_column_is_remembered_as_such(client_a):
    client_a.post("/tables/campaigns.insertion_orders/columns/", {}, **HTMX)
    assert [c.name for c in table(client_a.get("/campaigns/")).columns] == ["name", "actions"]


def test_the_chooser_shows_the_users_choice(client_a):
    client_a.post("/tables/campaigns.insertion_orders/columns/", {"columns": ["created"]}, **HTMX)
    content = client_a.get("/campaigns/").content.decode()
    assert '<input type="checkbox" name="columns" value="created" checked> Created' in content
    assert '<input type="checkbox" name="columns" value="id"> ID' in content


def test_the_chooser_keeps_to_the_tables_columns_and_its_users(client_a):
    url = "/tables/campaigns.insertion_orders/columns/"
    client_a.post(url, {"columns": ["id", "bogus", "actions", "name"]}, **HTMX)
    assert TablePreference.objects.get().columns == ["id"]  # only optional columns of this table
    assert client_a.post("/tables/no.such.table/columns/", {"columns": ["id"]}).status_code == 404
    assert client_a.get(url).status_code == 405
    signed_out = SignInClient().post(url, {"columns": ["id"]})
    assert signed_out.status_code == 302 and signed_out.url.startswith("/login/")
    assert TablePreference.objects.count() == 1


def test_without_htmx_the_chooser_goes_back_to_its_page_and_never_elsewhere(client_a):
    url = "/tables/campaigns.insertion_orders/columns/"
    back = client_a.post(url, {"columns": ["id"], "next": "/campaigns/?sort=name"})
    away = client_a.post(url, {"columns": ["id"], "next": "https://elsewhere.example/"})
    assert (back.status_code, back.url) == (302, "/campaigns/?sort=name")
    assert away.url == "/"


def test_every_table_names_real_columns():
    assert {"campaigns.insertion_orders", "campaigns.campaigns"} <= set(registry)
    for key, table_class in registry.items():
        assert set(table_class.optional_columns) <= set(table_class.base_columns), key
        assert set(table_class.hidden_by_default) <= set(table_class.optional_columns), key
        assert table_class.default_sort.lstrip("-") in table_class.sortable_names(), key


# --- Tenancy and roles ----------------------------------------------------------------------------------------


def test_two_organizations_never_see_each_others_rows(client_a, org_a, org_b, member_b):
    ours = InsertionOrderFactory(organization=org_a, name="Shared name")
    CampaignFactory(insertion_order=ours, name="Our campaign")
    theirs = InsertionOrderFactory(organization=org_b, name="Shared name")
    CampaignFactory(insertion_order=theirs, name="Their campaign")
    client_b = signed_in(member_b)

    assert [io.pk for io in table(client_a.get("/campaigns/?q=Shared")).records] == [ours.pk]
    assert [io.pk for io in table(client_b.get("/campaigns/?q=Shared")).records] == [theirs.pk]
    assert table(client_b.get(f"/campaigns/?q={ours.pk}")).records == []
    alone = client_b.get(f"/campaigns/?q={ours.pk}", HTTP_HX_TARGET="io-table", **HTMX).content.decode()
    assert f'href="/campaigns/insertion-orders/{ours.pk}/"' not in alone
    assert client_b.get(f"/campaigns/insertion-orders/{ours.pk}/").status_code == 404
    assert (
        client_b.get(
            f"/campaigns/insertion-orders/{ours.pk}/", HTTP_HX_TARGET="campaign-table", **HTMX
        ).status_code
        == 404
    )
    assert names(client_a.get(f"/campaigns/insertion-orders/{ours.pk}/")) == ["Our campaign"]


def test_a_viewer_has_no_row_actions(org_a):
    InsertionOrderFactory(organization=org_a, name="Alpha")
    viewer = signed_in(MembershipFactory(organization=org_a, role=Role.VIEWER).user)
    response = viewer.get("/campaigns/")
    assert "actions" not in [c.name for c in table(response).columns]
    assert "Edit Alpha" not in response.content.decode()
