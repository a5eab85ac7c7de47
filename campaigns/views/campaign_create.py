"""Create Campaign: one pop-up for both apps.

Inside an insertion order's page the IO is fixed, and Create opens the new campaign's page. From the
Audiences app the user chooses the IO, the ticked audiences go on the new campaign's Allowlist, and the
pop-up shows what was done.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import organization_required
from history.actors import Actor
from iqm_portal.dialogs import dialog_done, render_dialog
from iqm_portal.exceptions import ApplicationError

from ..forms import CampaignCreateForm
from ..selectors import insertion_order_list_with_counts
from ..services import campaign_create
from .audience_targeting import audiences_changed, ticked_audiences


@organization_required(edit=True)
@require_http_methods(["GET", "POST"])
def campaign_create_view(request, pk: int | None = None):
    io = (
        get_object_or_404(insertion_order_list_with_counts(organization=request.organization), pk=pk)
        if pk is not None
        else None
    )
    # Inside an IO the form has no field for it: the IO is the page's, whatever is posted.
    data = request.POST if request.method == "POST" else None
    ticked = [] if io is not None else ticked_audiences(request, data if data is not None else request.GET)
    form = CampaignCreateForm(data, organization=request.organization, insertion_order=io)
    if data is not None and form.is_valid():
        try:
            if io is None and not ticked:
                raise ApplicationError("Tick at least one audience in the table.")
            campaign, targeting = campaign_create(
                organization=request.organization,
                actor=Actor.of_user(request.user),
                insertion_order=io or form.cleaned_data["insertion_order"],
                name=form.cleaned_data["name"],
                campaign_type=form.cleaned_data["campaign_type"],
                allowlist=[a.pk for a in ticked] or None,
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if io is not None:
                messages.success(request, f"Created the campaign “{campaign.name}”. Set it up below.")
                return dialog_done(request, reverse("campaigns:campaign", args=[campaign.pk]))
            response = render_dialog(
                request,
                "campaigns/_campaign_created.html",
                {"campaign": campaign, "results": [targeting] if targeting else []},
            )
            return audiences_changed(response)
    return render_dialog(
        request, "campaigns/_campaign_create_dialog.html", {"form": form, "io": io, "ticked": ticked}
    )
