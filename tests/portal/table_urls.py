"""The portal's URLs and a page only the tests use: a table with bulk selection that checks often.

The Campaigns app's tables have no bulk action; the Audiences table, which has, moves onto the engine
later. This page shows the engine's selection column and live refresh on insertion orders meanwhile.
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import path

from accounts.permissions import organization_required
from campaigns.models import BudgetType, InsertionOrderStatus
from campaigns.selectors import insertion_order_list_with_counts
from iqm_portal.tables import DateColumn, PortalTable, SelectionColumn, TableFilterSet, TextColumn, table_page
from iqm_portal.urls import urlpatterns as portal_urlpatterns


class PickFilter(TableFilterSet):
    status = django_filters.ChoiceFilter(
        choices=InsertionOrderStatus.choices, empty_label="All statuses", label="Status"
    )
    # Chosen elsewhere on a page (as the Audiences app's panel of types): kept by searches, not cleared.
    budget_type = django_filters.ChoiceFilter(choices=BudgetType.choices, widget=forms.HiddenInput)


class PickTable(PortalTable):
    key = "tests.pick"
    dom_id = "pick-table"
    noun = "insertion orders"
    poll_seconds = 1
    page_size = 50
    optional_columns = ("status",)

    pick = SelectionColumn(name="io")
    name = TextColumn(verbose_name="Name")
    status = tables.Column(verbose_name="Status")
    created = DateColumn(accessor="created_at", visible=False)  # the default order's key


@organization_required
def pick(request):
    return table_page(
        request,
        table_class=PickTable,
        queryset=insertion_order_list_with_counts(organization=request.organization),
        filterset_class=PickFilter,
        template_name="tables/page.html",
        context={"title": "Pick insertion orders"},
        caption="Insertion orders to pick",
    )


urlpatterns = [*portal_urlpatterns, path("test-pick/", pick, name="test_pick")]
