"""The Campaigns app's tables (iqm_portal.tables): the insertion orders, and an insertion order's campaigns."""

from urllib.parse import quote

import django_filters
import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from iqm_portal.tables import DateColumn, NumberColumn, PortalTable, TableFilterSet, TextColumn

from .models import BudgetType, CampaignStatus, CampaignType, InsertionOrderStatus
from .templatetags.campaign_tags import budget, dollars

DATE = "M j, Y"
NO_TARGETING = mark_safe('<span class="muted" title="PG campaigns take no audience targeting">—</span>')


class InsertionOrderFilter(TableFilterSet):
    status = django_filters.ChoiceFilter(
        choices=InsertionOrderStatus.choices, empty_label="All statuses", label="Status"
    )
    budget_type = django_filters.ChoiceFilter(
        choices=BudgetType.choices, empty_label="Budget or impressions", label="Budget type"
    )


class InsertionOrderTable(PortalTable):
    """Campaigns home: the organization's insertion orders."""

    key = "campaigns.insertion_orders"
    dom_id = "io-table"
    noun = "insertion orders"
    optional_columns = ("id", "start", "end", "budget_type", "budget", "status", "campaigns", "created")
    hidden_by_default = ("created",)
    empty_filtered_text = "No insertion order matches these filters."

    name = TextColumn(
        verbose_name="Name",
        attrs={"td": {"class": "name-cell"}},
        link=lambda io: reverse("campaigns:insertion_order", args=[io.pk]),
    )
    id = tables.Column(verbose_name="ID", accessor="pk")
    start = DateColumn(verbose_name="Start", accessor="start_date", format=DATE)
    end = DateColumn(verbose_name="End", accessor="end_date", format=DATE)
    budget_type = tables.Column(verbose_name="Budget type", orderable=False)
    budget = NumberColumn(verbose_name="Total", accessor="budget_total")
    status = tables.Column(verbose_name="Status")
    campaigns = NumberColumn(verbose_name="Campaigns", accessor="campaign_count")
    created = DateColumn(
        verbose_name="Created", accessor="created_at", format=DATE, initial_sort_descending=True
    )
    actions = tables.Column(
        verbose_name=mark_safe('<span class="visually-hidden">Actions</span>'), accessor="pk", orderable=False
    )

    class Meta(PortalTable.Meta):
        empty_text = (
            "No insertion orders yet. An insertion order holds the budget and dates its campaigns run "
            "within: create one to start."
        )

    def render_budget(self, record):
        return budget(record)

    def render_status(self, record):
        return format_html(
            '<span class="badge badge-io-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_actions(self, record):
        edit = reverse("campaigns:insertion_order_edit", args=[record.pk])
        delete = reverse("campaigns:insertion_order_delete", args=[record.pk])
        return format_html(
            '<div class="row-actions">'
            '<a class="btn btn-small" href="{0}" hx-get="{0}?next={1}" hx-target="#modal-root" aria-label="Edit {3}">Edit</a>'
            '<a class="btn btn-small" href="{2}" hx-get="{2}" hx-target="#modal-root" aria-label="Delete {3}">Delete</a>'
            "</div>",
            edit,
            quote(self.state.current_url, safe="/"),
            delete,
            record.name,
        )


class CampaignFilter(TableFilterSet):
    status = django_filters.ChoiceFilter(
        choices=CampaignStatus.choices, empty_label="All statuses", label="Status"
    )
    type = django_filters.ChoiceFilter(
        field_name="campaign_type", choices=CampaignType.choices, empty_label="All types", label="Type"
    )


class CampaignTable(PortalTable):
    """An insertion order's campaigns, with their audiences and reach (``reach_current`` set by the view)."""

    key = "campaigns.campaigns"
    dom_id = "campaign-table"
    noun = "campaigns"
    optional_columns = (
        "id",
        "type",
        "status",
        "start",
        "budget",
        "allowlisted",
        "blocklisted",
        "reach",
        "created",
    )
    hidden_by_default = ("created",)
    empty_filtered_text = "No campaign matches these filters."

    name = TextColumn(
        verbose_name="Name",
        attrs={"td": {"class": "name-cell"}},
        link=lambda campaign: reverse("campaigns:campaign", args=[campaign.pk]),
    )
    id = tables.Column(verbose_name="ID", accessor="pk")
    type = tables.Column(verbose_name="Type", accessor="campaign_type")
    status = tables.Column(verbose_name="Status")
    start = tables.Column(verbose_name="Dates", accessor="start_date")
    end = tables.Column(accessor="end_date", visible=False)  # shown in Dates; ?sort=end still sorts by it
    budget = NumberColumn(verbose_name="Budget (daily · total)", accessor="total_budget", empty_values=())
    allowlisted = NumberColumn(
        verbose_name=mark_safe('<abbr title="Audiences on the Allowlist">Allowlisted</abbr>'),
        accessor="allowlist_count",
    )
    blocklisted = NumberColumn(
        verbose_name=mark_safe('<abbr title="Audiences on the Blocklist">Blocklisted</abbr>'),
        accessor="blocklist_count",
    )
    reach = NumberColumn(verbose_name="Reach", empty_values=())
    created = DateColumn(
        verbose_name="Created", accessor="created_at", format=DATE, initial_sort_descending=True
    )

    def render_status(self, record):
        return format_html(
            '<span class="badge badge-campaign-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_start(self, record):
        return f"{date_format(record.start_date, DATE)} – {date_format(record.end_date, DATE)}"

    def render_budget(self, record):
        return f"{dollars(record.daily_budget)} · {dollars(record.total_budget)}"

    def render_allowlisted(self, record, value):
        return value if record.takes_audiences else NO_TARGETING

    def render_blocklisted(self, record, value):
        return value if record.takes_audiences else NO_TARGETING

    def render_reach(self, record):
        if not record.takes_audiences:
            return mark_safe('<span class="muted">Deal inventory</span>')
        if not record.allowlist_count and not record.blocklist_count:
            return mark_safe('<span class="muted">All voters</span>')
        if not record.reach_current:
            return mark_safe('<span class="reach-updating">Updating…</span>')
        if record.reach is None:  # nothing allowlisted: every voter but the Blocklist's
            if not record.reach_excluded:
                return "All voters"
            return format_html(
                'All voters <span class="muted small">− {}</span>', intcomma(record.reach_excluded)
            )
        return intcomma(record.reach)
