"""A campaign's edit page: its settings, its Audience section (Allowlist / Blocklist) and its reach."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import organization_required
from audiences.models import AudienceType
from audiences.selectors import audience_list, audience_type_counts
from history.actors import Actor
from iqm_portal.dialogs import dialog_done, render_dialog
from iqm_portal.exceptions import ApplicationError
from iqm_portal.query import parse_id, parse_ids, search_text

from ..forms import CampaignSettingsForm
from ..models import TargetingList
from ..selectors import audience_eligible_list, campaign_list, campaign_targeting
from ..services import (
    ReachTarget,
    campaign_delete,
    campaign_reach_is_current,
    campaign_targeting_set,
    campaign_update,
)
from ..services import campaign_name_check as check_campaign_name  # this module's view takes the name

PICKER_LIMIT = 100


def _campaign(request, pk: int):
    return get_object_or_404(
        campaign_list(organization=request.organization).select_related("insertion_order"), pk=pk
    )


def reach_context(campaign, targets) -> dict:
    """What the Reach panel shows: the stored figures, and whether they match the saved targeting."""
    reach_targets = [ReachTarget(t.audience_id, t.list_type, t.audience.current_version_id) for t in targets]
    current = campaign_reach_is_current(campaign, reach_targets)
    breakdown = campaign.reach_breakdown or {}
    rows = [
        {
            "audience": t.audience,
            "list_type": t.list_type,
            "loading": t.audience.current_version_id is None,
            "share": breakdown.get(str(t.audience_id)) if current else None,
        }
        for t in targets
    ]
    return {
        "campaign": campaign,
        "reach_current": current,
        "reach_rows": rows,
        "has_targets": bool(targets),
        "has_allowlist": any(t.list_type == TargetingList.ALLOWLIST for t in targets),
    }


def _audience_context(request, allowlisted, blocklisted) -> dict:
    counts = audience_type_counts(organization=request.organization)
    return {
        "allowlisted": allowlisted,
        "blocklisted": blocklisted,
        "categories": [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in AudienceType.choices
        ],
        "limit": settings.MAX_AUDIENCES_PER_CAMPAIGN,
    }


@organization_required
def campaign_edit(request, pk: int):
    """GET shows the campaign; POST (Save) applies its settings, then its Allowlist and Blocklist."""
    campaign = _campaign(request, pk)
    targets = list(campaign_targeting(organization=request.organization, campaign_id=campaign.pk))
    can_edit = request.membership.can_edit
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role in this organization can view but not change.")
        form = CampaignSettingsForm(request.POST, campaign=campaign)
        with_audiences = campaign.takes_audiences and "audiences_shown" in request.POST
        allow_ids, block_ids = (
            parse_ids(request.POST.getlist("allowlist")),
            parse_ids(request.POST.getlist("blocklist")),
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    changes = form.changes()
                    if changes:
                        campaign_update(campaign=campaign, actor=Actor.of_user(request.user), **changes)
                    result = None
                    if with_audiences:
                        result = campaign_targeting_set(
                            organization=request.organization,
                            actor=Actor.of_user(request.user),
                            campaign_id=campaign.pk,
                            allowlist=allow_ids,
                            blocklist=block_ids,
                        )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                _report(request, campaign, result)
                # Back on the page, the Audience section stays open on what was saved.
                url = reverse("campaigns:campaign", args=[campaign.pk])
                return redirect(f"{url}?saved=audiences#audience-section" if with_audiences else url)
        chosen = {
            a.pk: a
            for a in audience_list(organization=request.organization).filter(pk__in=allow_ids + block_ids)
        }
        allowlisted = [chosen[i] for i in allow_ids if i in chosen]
        blocklisted = [chosen[i] for i in block_ids if i in chosen]
    else:
        form = CampaignSettingsForm(campaign=campaign)
        allowlisted = [t.audience for t in targets if t.list_type == TargetingList.ALLOWLIST]
        blocklisted = [t.audience for t in targets if t.list_type == TargetingList.BLOCKLIST]
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "campaign": campaign,
        "io": campaign.insertion_order,
        "form": form,
        "can_edit": can_edit,
        **_audience_context(request, allowlisted, blocklisted),
        **reach_context(campaign, targets),
    }
    return render(request, "campaigns/campaign.html", context)


def _report(request, campaign, result) -> None:
    """Say what Save did: the audiences refused, each with its reason, and whether reach is being updated."""
    messages.success(request, f"Saved “{campaign.name}”.")
    if result is None:
        return
    if result.refused:
        names = dict(
            audience_list(organization=request.organization)
            .filter(pk__in=[r.audience_id for r in result.refused if r.audience_id])
            .values_list("pk", "name")
        )
        for refusal in result.refused:
            name = names.get(refusal.audience_id)
            prefix = f"“{name}” was not added: " if name and name not in refusal.reason else ""
            messages.warning(request, prefix + refusal.reason)
    if result.applied:
        messages.info(request, "The reach is being updated with these audiences.")


@require_GET
@organization_required
def campaign_reach(request, pk: int):
    """The Reach panel alone: the page polls it while the figures are being updated."""
    campaign = _campaign(request, pk)
    targets = list(campaign_targeting(organization=request.organization, campaign_id=campaign.pk))
    return render(request, "campaigns/_reach.html", reach_context(campaign, targets))


@require_GET
@organization_required
def campaign_audience_options(request, pk: int):
    """Select Audiences: the organization's eligible audiences of one category, searched by name or ID."""
    campaign = _campaign(request, pk)
    audience_type = request.GET.get("type") or AudienceType.SEGMENTED
    if audience_type not in AudienceType.values:
        audience_type = AudienceType.SEGMENTED
    audiences = audience_eligible_list(
        organization=request.organization,
        audience_type=audience_type,
        search=search_text(request.GET.get("q")),
    )
    shown = list(audiences[: PICKER_LIMIT + 1])
    return render(
        request,
        "campaigns/_audience_options.html",
        {
            "campaign": campaign,
            "audiences": shown[:PICKER_LIMIT],
            "more": len(shown) > PICKER_LIMIT,
            "limit": PICKER_LIMIT,
            "q": request.GET.get("q", ""),
            "type_label": AudienceType(audience_type).label,
        },
    )


@organization_required(edit=True)
def campaign_delete_view(request, pk: int):
    campaign = _campaign(request, pk)
    io = campaign.insertion_order
    if request.method == "POST":
        name = campaign.name
        campaign_delete(campaign=campaign, actor=Actor.of_user(request.user))
        messages.success(request, f"Deleted the campaign “{name}”.")
        return dialog_done(request, reverse("campaigns:insertion_order", args=[io.pk]))
    return render_dialog(request, "campaigns/_campaign_delete_dialog.html", {"campaign": campaign})


@require_GET
@organization_required
def campaign_name_check(request):
    """As you type in Create Campaign: is this name free in the organization?"""
    name = search_text(request.GET.get("name"), limit=255)
    available, refusal = None, ""
    if name:
        try:
            check_campaign_name(
                organization=request.organization,
                name=name,
                exclude_id=parse_id(request.GET.get("exclude", "")),
            )
            available = True
        except ApplicationError as error:
            available, refusal = False, error.message
    return render(
        request, "campaigns/_name_check.html", {"name": name, "available": available, "refusal": refusal}
    )
