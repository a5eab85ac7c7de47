"""Screens of the Campaigns app opened from the Audiences app: Add To Campaign and its campaign picker.

They belong here, above the Audiences app, because they change campaigns (docs/architecture.md); the
Audiences page shows their buttons through the extension point this app registers (``campaigns.panels``).
"""

from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import organization_required
from audiences.selectors import audience_list
from history.actors import Actor
from iqm_portal.dialogs import render_dialog
from iqm_portal.query import parse_ids, search_text

from ..forms import AddToCampaignForm
from ..models import TargetingList
from ..selectors import campaign_options
from ..services import campaign_targeting_update


def ticked_audiences(request, data: QueryDict) -> list:
    """The audiences ticked in the Audiences table (``audience`` parameters), of this organization only."""
    ids = parse_ids(data.getlist("audience"))
    return list(audience_list(organization=request.organization).filter(pk__in=ids).order_by("name"))


def audiences_changed(response):
    """Tell the Audiences page its counts changed (its table listens for ``audiencesChanged``)."""
    response["HX-Trigger"] = '{"audiencesChanged": true}'
    return response


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def add_to_campaign(request):
    """Add the ticked audiences to campaigns' Allowlists or Blocklists; report per campaign."""
    data = request.POST if request.method == "POST" else None
    form = AddToCampaignForm(
        data, organization=request.organization, initial={"audience": request.GET.getlist("audience")}
    )
    ticked = ticked_audiences(request, data if data is not None else request.GET)
    chosen = (
        list(form.fields["campaign"].queryset.filter(pk__in=parse_ids(data.getlist("campaign"))))
        if data is not None
        else []
    )
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        list_type = cleaned["list_type"]
        ids = [a.pk for a in cleaned["audience"]]
        results = campaign_targeting_update(
            organization=request.organization,
            actor=Actor.of_user(request.user),
            campaign_ids=[c.pk for c in cleaned["campaign"]],
            insertion_order_ids=[cleaned["insertion_order"].pk] if cleaned["insertion_order"] else [],
            allowlist=ids if list_type == TargetingList.ALLOWLIST else [],
            blocklist=ids if list_type == TargetingList.BLOCKLIST else [],
        )
        response = render_dialog(
            request,
            "campaigns/_add_to_campaign_result.html",
            {"results": results, "list_label": TargetingList(list_type).label},
        )
        return audiences_changed(response)
    return render_dialog(
        request, "campaigns/_add_to_campaign.html", {"form": form, "ticked": ticked, "chosen": chosen}
    )


@organization_required
@require_GET
def campaign_choices(request):
    """The Add To Campaign picker's options, filtered as the user types."""
    options = campaign_options(
        organization=request.organization, search=search_text(request.GET.get("q"), limit=100)
    )
    return render(request, "campaigns/_campaign_picker_options.html", {"options": options})
