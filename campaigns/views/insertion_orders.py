"""Campaigns home (the insertion orders) and an insertion order's page (its campaigns)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.permissions import organization_required
from iqm_portal.dialogs import dialog_done, render_dialog, safe_next
from iqm_portal.exceptions import ApplicationError
from iqm_portal.query import name_or_id_filter

from ..forms import InsertionOrderForm
from ..models import CampaignStatus, InsertionOrderStatus
from ..selectors import campaign_list_with_targeting, insertion_order_list_with_counts
from ..services import (
    ReachTarget,
    campaign_reach_is_current,
    insertion_order_create,
    insertion_order_delete,
    insertion_order_update,
)
from .tables import table_state

IO_SORTS = {
    "name": "name",
    "start": "start_date",
    "end": "end_date",
    "budget": "budget_total",
    "status": "status",
    "campaigns": "campaign_count",
    "created": "created_at",
}
CAMPAIGN_SORTS = {
    "name": "name",
    "type": "campaign_type",
    "status": "status",
    "start": "start_date",
    "end": "end_date",
    "budget": "total_budget",
    "reach": "reach",
    "created": "created_at",
}


def _add_form_error(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@organization_required
def home(request):
    """Campaigns home: the organization's insertion orders, searchable, sortable, filtered by status."""
    table = table_state(
        request,
        insertion_order_list_with_counts(organization=request.organization),
        sorts=IO_SORTS,
        default_sort="-created",
        target="io-table",
        statuses=InsertionOrderStatus.choices,
        search=name_or_id_filter,
    )
    partial = request.htmx and request.htmx.target == "io-table"
    return render(request, "campaigns/_io_table.html" if partial else "campaigns/home.html", {"table": table})


@organization_required(edit=True)
def insertion_order_create_view(request):
    form = InsertionOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            io = insertion_order_create(organization=request.organization, **form.service_kwargs())
        except ApplicationError as error:
            _add_form_error(form, error)
        else:
            messages.success(request, f"Created the insertion order “{io.name}”. Now add its campaigns.")
            return dialog_done(request, reverse("campaigns:insertion_order", args=[io.pk]))
    return render_dialog(request, "campaigns/_io_form_dialog.html", {"form": form, "io": None})


@organization_required(edit=True)
def insertion_order_edit(request, pk: int):
    io = get_object_or_404(insertion_order_list_with_counts(organization=request.organization), pk=pk)
    form = InsertionOrderForm(request.POST or None, instance=io)
    if request.method == "POST" and form.is_valid():
        try:
            insertion_order_update(insertion_order=io, **form.service_kwargs())
        except ApplicationError as error:
            _add_form_error(form, error)
        else:
            messages.success(request, f"Saved the insertion order “{io.name}”.")
            return dialog_done(request, safe_next(request, reverse("campaigns:home")))
    return render_dialog(
        request,
        "campaigns/_io_form_dialog.html",
        {"form": form, "io": io, "next": request.GET.get("next") or request.POST.get("next", "")},
    )


@organization_required(edit=True)
def insertion_order_delete_view(request, pk: int):
    io = get_object_or_404(insertion_order_list_with_counts(organization=request.organization), pk=pk)
    if request.method == "POST":
        name = io.name
        deleted = insertion_order_delete(insertion_order=io)
        messages.success(
            request,
            f"Deleted the insertion order “{name}” and its {deleted} campaign{'s' if deleted != 1 else ''}.",
        )
        return dialog_done(request, reverse("campaigns:home"))
    return render_dialog(request, "campaigns/_io_delete_dialog.html", {"io": io})


def reach_targets(campaign) -> list[ReachTarget]:
    """The campaign's targets as reach sees them, from its prefetched ``audience_targets``."""
    return [
        ReachTarget(t.audience_id, t.list_type, t.audience.current_version_id)
        for t in campaign.audience_targets.all()
    ]


@organization_required
def insertion_order_detail(request, pk: int):
    """An insertion order's page: its campaigns, with their audiences and reach."""
    io = get_object_or_404(insertion_order_list_with_counts(organization=request.organization), pk=pk)
    table = table_state(
        request,
        campaign_list_with_targeting(organization=request.organization).filter(insertion_order=io),
        sorts=CAMPAIGN_SORTS,
        default_sort="-created",
        target="campaign-table",
        statuses=CampaignStatus.choices,
        search=name_or_id_filter,
    )
    for campaign in table["rows"]:
        campaign.reach_current = campaign_reach_is_current(campaign, reach_targets(campaign))
    partial = request.htmx and request.htmx.target == "campaign-table"
    template = "campaigns/_campaign_table.html" if partial else "campaigns/insertion_order.html"
    return render(request, template, {"io": io, "table": table})
