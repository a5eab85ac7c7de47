"""What the Audiences app shows of campaigns, registered with ``audiences.extensions`` when this app
starts (see ``apps.py``): the campaigns that hold an audience, and the buttons that target the ticked ones."""

from django.urls import reverse

from audiences.extensions import AudienceAction, AudienceUse

from .models import TargetingList
from .selectors import audience_campaign_uses


def campaign_uses(*, audience_ids) -> dict[int, list[AudienceUse]]:
    return {
        audience_id: [
            AudienceUse(
                id=target.campaign_id,
                name=target.campaign.name,
                list=target.list_type,
                list_label=TargetingList(target.list_type).label,
                url=reverse("campaigns:campaign", args=[target.campaign_id]),
            )
            for target in targets
        ]
        for audience_id, targets in audience_campaign_uses(audience_ids=audience_ids).items()
    }


def targeting_actions(*, request) -> list[AudienceAction]:
    """Add To Campaign and Create Campaign, for the roles that may change campaigns."""
    membership = getattr(request, "membership", None)
    if not (membership and membership.can_edit):
        return []
    return [
        AudienceAction("Add To Campaign", reverse("audience_targeting:add_to_campaign")),
        AudienceAction("Create Campaign", reverse("audience_targeting:create_campaign"), primary=True),
    ]
