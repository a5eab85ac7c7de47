"""Campaigns home (the insertion orders) and an insertion order's page (its campaigns)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.permissions import organization_required
from history.actors import Actor
from iqm_portal.dialogs import dialog_done, render_dialog, safe_next
from iqm_portal.exceptions import ApplicationError
from iqm_portal.tables import table_page

from ..forms import InsertionOrderForm
from ..models import InsertionOrderStatus
from ..selectors import campaign_list_with_targeting, insertion_order_list_with_counts
from ..services import (
    ReachTarget,
    campaign_reach_is_current,
    insertion_order_create,
    insertion_order_delete,
    insertion_order_update,
)
from ..tables import CampaignFilter, CampaignTable, InsertionOrderFilter, InsertionOrderTable

# While a campaign's reach is being counted, its IO's table checks this often (as the reach panel does).
REACH_UPDATING_POLL_SECONDS = 3


def _add_form_error(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@organization_required
def home(request):
    """Campaigns home: the organization's insertion orders, searchable, sortable, filtered by status."""
    return table_page(
        request,
        table_class=InsertionOrderTable,
        queryset=insertion_order_list_with_counts(organization=request.organization),
        filterset_class=InsertionOrderFilter,
        template_name="campaigns/home.html",
        caption="Insertion orders",
        exclude=() if request.membership.can_edit else ("actions",),
    )


@organization_required(edit=True)
def insertion_order_create_view(request):
    form = InsertionOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            io = insertion_order_create(
                organization=request.organization, actor=Actor.of_user(request.user), **form.service_kwargs()
            )
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
            insertion_order_update(
                insertion_order=io, actor=Actor.of_user(request.user), **form.service_kwargs()
            )
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
        deleted = insertion_order_delete(insertion_order=io, actor=Actor.of_user(request.user))
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


def _campaigns_empty_text(request, io) -> str:
    if io.status == InsertionOrderStatus.ACTIVE and request.membership.can_edit:
        return mark_safe(
            "No campaigns in this insertion order yet. Use <strong>+ Create Campaign</strong> to add one."
        )
    return "No campaigns in this insertion order yet."


@organization_required
def insertion_order_detail(request, pk: int):
    """An insertion order's page: its campaigns, with their audiences and reach."""
    io = get_object_or_404(insertion_order_list_with_counts(organization=request.organization), pk=pk)

    def mark_reach(table):
        for campaign in table.records:
            campaign.reach_current = campaign_reach_is_current(campaign, reach_targets(campaign))
        if any(c.takes_audiences and not c.reach_current for c in table.records):
            table.poll_seconds = REACH_UPDATING_POLL_SECONDS  # "Updating…" becomes a figure in seconds

    return table_page(
        request,
        table_class=CampaignTable,
        queryset=campaign_list_with_targeting(organization=request.organization).filter(insertion_order=io),
        filterset_class=CampaignFilter,
        template_name="campaigns/insertion_order.html",
        context={"io": io},
        prepare=mark_reach,
        caption=f"Campaigns of {io.name}",
        empty_text=_campaigns_empty_text(request, io),
    )
