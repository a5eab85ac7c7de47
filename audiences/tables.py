"""The Segmented Audience table (and every other type's), on the portal's table engine (iqm_portal.tables)."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from iqm_portal.tables import NumberColumn, PortalTable, SelectionColumn, TableFilterSet

from .models import AudienceStatus
from .selectors import SIZES, audience_size_filter, audience_type_shown

NOT_SET = mark_safe('<span title="Not set">—</span>')


def name_cell(audience, *, can_edit: bool) -> str:
    """The name as a link to Audience Details (cut with an ellipsis, whole on hover), and ✎ to rename."""
    details = reverse("audiences:details", args=[audience.pk])
    rename = (
        format_html(
            '<button type="button" class="icon-button rename-button" hx-get="{}" hx-target="closest td" '
            'hx-swap="innerHTML" aria-label="Rename {}" title="Rename"></button>',
            reverse("audiences:rename", args=[audience.pk]),
            audience.name,
        )
        if can_edit
        else ""
    )
    return format_html(
        '<div class="name-line"><a class="name-text" href="{0}" hx-get="{0}" hx-target="#modal-root" '
        'title="{1}">{1}</a>{2}</div>',
        details,
        audience.name,
        rename,
    )


class AudienceFilter(TableFilterSet):
    status = django_filters.ChoiceFilter(
        choices=AudienceStatus.choices, empty_label="All statuses", label="Status"
    )
    size = django_filters.ChoiceFilter(
        choices=[(value, f"{label} voters") for value, (label, _, _) in SIZES.items()],
        empty_label="Any number of voters",
        label="Number of voters",
        method="filter_size",
    )
    # Chosen in the panel of types, so hidden in the toolbar: searches keep it, Clear filters leaves it.
    # None means Segmented (the Audiences app opens on them); "all" means every type.
    type = django_filters.CharFilter(method="filter_type", widget=forms.HiddenInput)

    def filter_size(self, queryset, name, value):
        return audience_size_filter(queryset, value)

    def filter_type(self, queryset, name, value):
        return queryset  # applied in qs, which also sees an absent type

    @property
    def audience_type(self) -> str:
        """The type shown: one of AudienceType's values, or "" for all of them."""
        return audience_type_shown(self.data.get("type"))

    @property
    def qs(self):
        queryset = super().qs
        return queryset.filter(audience_type=self.audience_type) if self.audience_type else queryset


def _cell(template: str, table, record):
    return render_to_string(
        template, {"audience": record, "can_edit": table.can_edit, "row_actions": table.row_actions}
    )


def _time(value) -> str:
    """As templates/_datetime.html has it: the date shown, the moment on hover and for machines."""
    value = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        date_format(value, "M j, Y, H:i T"),
        date_format(value, "M j, Y"),
    )


class AudienceTable(PortalTable):
    """The organization's audiences of one type (or all): what the Audiences app opens on."""

    key = "audiences.audiences"
    dom_id = "audience-table"
    noun = "audiences"
    default_sort = "-created"
    page_size = 50
    refresh_on = ("audiencesChanged",)
    optional_columns = (
        "id",
        "voters",
        "households",
        "cpm",
        "created",
        "refreshed",
        "allowlisted",
        "blocklisted",
    )
    empty_filtered_text = "No audience matches these filters."
    # Set by the view: what the row's pop-ups and menu may offer.
    can_edit = False
    row_actions: list = []

    select = SelectionColumn(name="audience")
    id = tables.Column(verbose_name="ID", accessor="pk")
    name = tables.Column(verbose_name="Audience Name", attrs={"td": {"class": "name-cell"}})
    status = tables.Column(verbose_name="Status", orderable=False)
    voters = NumberColumn(verbose_name="Voters", accessor="voter_count")
    households = NumberColumn(verbose_name="Households", accessor="household_count")
    cpm = NumberColumn(verbose_name="Data CPM", accessor="data_cpm", empty_values=())
    created = tables.Column(verbose_name="Created", accessor="created_at", initial_sort_descending=True)
    refreshed = tables.Column(
        verbose_name="Last refreshed", accessor="refreshed_at", initial_sort_descending=True, empty_values=()
    )
    allowlisted = NumberColumn(verbose_name="Allow\u00adlisted", accessor="allowlist_campaigns")
    blocklisted = NumberColumn(verbose_name="Block\u00adlisted", accessor="blocklist_campaigns")
    actions = tables.Column(
        verbose_name=mark_safe('<span class="visually-hidden">Actions</span>'),
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "row-actions"}},
    )

    class Meta(PortalTable.Meta):
        attrs = {"class": "table table-dense"}
        row_attrs = {
            "id": lambda record: f"audience-{record.pk}",
            "data-status": lambda record: record.status,
        }

    def order_name(self, queryset, is_descending):
        # People expect "alpha" before "Bravo": names sort without regard to case, ties by ID.
        key = Lower("name")
        ordered = (
            queryset.order_by(key.desc(), "-pk") if is_descending else queryset.order_by(key.asc(), "pk")
        )
        return ordered, True

    # Cells are built in Python where they are simple (a page of 50 rows would render hundreds of small
    # templates otherwise); the status, with its progress, reasons and notices, keeps its template.
    def render_name(self, record):
        return name_cell(record, can_edit=self.can_edit)

    def render_status(self, record):
        if record.status == AudienceStatus.READY and record.load_progress is None and not record.notices:
            return format_html('<span class="badge badge-ready">{}</span>', record.get_status_display())
        return _cell("audiences/_status.html", self, record)

    def render_voters(self, value):
        return intcomma(value)

    def render_households(self, value):
        return intcomma(value)

    def render_cpm(self, value):
        return NOT_SET if value is None else f"${value}"

    def render_created(self, value):
        return _time(value)

    def render_refreshed(self, value):
        return _time(value) if value else "—"

    def render_actions(self, record):
        return _cell("audiences/_row_actions.html", self, record)
