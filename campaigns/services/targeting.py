"""The one place where audiences are put on, or taken off, campaigns' Allowlists and Blocklists.

Every page, API endpoint and task that changes targeting calls :func:`campaign_targeting_update`, so IQM's
targeting rules (DESIGN.md › Targeting rules) hold whichever way a change arrives. A request may touch one
campaign or many (all of an insertion order's); the result says, per campaign, what was applied, what was
already so, and what was refused and why. Refusing one pair never blocks the others.
"""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from accounts.models import Organization
from audiences.models import Audience, AudienceStatus
from audiences.selectors import audience_list
from campaigns.models import (
    TARGETABLE_CAMPAIGN_STATUSES,
    CampaignAudience,
    CampaignStatus,
    CampaignType,
    TargetingList,
)
from campaigns.selectors import insertion_order_list
from history.actors import Actor
from history.models import HistoryAction
from history.services import Named, history_entry, history_record_many
from iqm_portal.exceptions import ApplicationError

from .reach import campaign_reach_refresh_on_commit
from .targeting_rows import (
    campaigns_lock,
    campaigns_named,
    targets_delete,
    targets_held,
    targets_insert,
)
from .usage import audience_usage_recount


@dataclass(frozen=True)
class TargetingChange:
    audience_id: int
    audience_name: str
    list_type: str
    action: str  # "added" or "removed"


@dataclass(frozen=True)
class TargetingRefusal:
    audience_id: int | None
    code: str
    reason: str
    list_type: str | None = None


@dataclass(slots=True)  # no __dict__: a bulk change makes one per campaign, thousands in a request
class CampaignTargetingResult:
    campaign_id: int
    campaign_name: str | None
    applied: list[TargetingChange] = field(default_factory=list)
    unchanged: list[TargetingChange] = field(default_factory=list)
    refused: list[TargetingRefusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


# Said alike when a PG campaign is targeted and when one is created with audiences (campaign_create).
PG_TAKES_NO_AUDIENCES = (
    "PG campaigns take no audience targeting: the deal's inventory defines who is reached."
)


@functools.cache  # a handful of (type, status) pairs, asked once per campaign of a bulk change
def _campaign_refusal(campaign_type: str, status: str) -> tuple[str, str] | None:
    """Why a campaign of this type and status cannot receive audiences, or None when it can."""
    if campaign_type == CampaignType.PG:
        return "pg_campaign", PG_TAKES_NO_AUDIENCES
    if status not in TARGETABLE_CAMPAIGN_STATUSES:
        return (
            "campaign_not_editable",
            f"The campaign is {CampaignStatus(status).label}; only Draft, Pending, Running or Paused "
            "campaigns can receive audiences.",
        )
    return None


def _audience_refusal(audience: Audience) -> tuple[str, str] | None:
    if audience.is_targetable:
        return None
    if audience.status == AudienceStatus.AWAITING_APPROVAL:
        return (
            "audience_awaiting_approval",
            "The audience is Awaiting approval: an L2 customer your organization has not named sent it. "
            "An admin or manager must approve it (Audience Details) before it can be targeted.",
        )
    reason = (
        f"The audience is {audience.get_status_display()}; only Ready or Processing audiences can be added."
    )
    if audience.status == AudienceStatus.FAILED and audience.status_reason:
        reason += f" It failed: {audience.status_reason}"
    return "audience_not_targetable", reason


@transaction.atomic
def campaign_targeting_update(
    *,
    organization: Organization,
    actor: Actor,
    campaign_ids: Iterable[int] = (),
    insertion_order_ids: Iterable[int] = (),
    allowlist: Sequence[int] = (),
    blocklist: Sequence[int] = (),
    remove: Sequence[int] = (),
) -> list[CampaignTargetingResult]:
    """Apply one targeting change to each named campaign (and to every campaign of each named IO).

    Removals run first, so removing an audience and adding it to the other list in one call moves it.
    Runs in a constant number of queries whatever the number of campaigns, and each campaign costs only
    its share of set-based statements: its row is read as a tuple, never as a model, and of its targets
    only their number and those of the audiences named are read (docs/campaigns.md › Bulk targeting).
    """
    campaign_ids = _unique(campaign_ids)
    insertion_order_ids = _unique(insertion_order_ids)
    allowlist, blocklist, remove = _unique(allowlist), _unique(blocklist), _unique(remove)
    if not campaign_ids and not insertion_order_ids:
        raise ApplicationError("Choose at least one campaign or insertion order.", code="no_campaigns")
    if not (allowlist or blocklist or remove):
        raise ApplicationError("Choose at least one audience to add or remove.", code="no_audiences")

    _check_insertion_orders(organization, insertion_order_ids)
    campaigns = campaigns_named(
        organization=organization, campaign_ids=campaign_ids, insertion_order_ids=insertion_order_ids
    )
    campaigns_by_id = campaigns_lock(campaigns)
    named_audiences = allowlist + blocklist + remove
    audiences = {a.pk: a for a in audience_list(organization=organization).filter(pk__in=named_audiences)}
    counts, held = targets_held(campaigns=campaigns, audience_ids=named_audiences)

    in_both = set(allowlist) & set(blocklist)
    additions = [(aid, TargetingList.ALLOWLIST) for aid in allowlist] + [
        (aid, TargetingList.BLOCKLIST) for aid in blocklist
    ]
    audience_refusals = {aid: _audience_refusal(audience) for aid, audience in audiences.items()}
    limit = settings.MAX_AUDIENCES_PER_CAMPAIGN
    changes: dict[tuple[int, str, str], TargetingChange] = {}

    def change(aid: int, list_type: str, action: str) -> TargetingChange:
        # One (immutable) change per audience, list and action, shared by every campaign it happens to.
        key = (aid, list_type, action)
        if key not in changes:
            changes[key] = TargetingChange(aid, audiences[aid].name, list_type, action)
        return changes[key]

    results: list[CampaignTargetingResult] = []
    removed_from: list[int] = []
    to_create: list[tuple[int, int, str]] = []

    named = set(campaign_ids)
    for cid in campaign_ids + [c for c in campaigns_by_id if c not in named]:
        campaign = campaigns_by_id.get(cid)
        if campaign is None:
            results.append(
                CampaignTargetingResult(
                    campaign_id=cid,
                    campaign_name=None,
                    refused=[
                        TargetingRefusal(
                            None, "campaign_not_found", f"No campaign with ID {cid} in this organization."
                        )
                    ],
                )
            )
            continue
        result = CampaignTargetingResult(campaign_id=cid, campaign_name=campaign.name)
        results.append(result)
        current = held.get(cid) or {}  # {audience ID: list type}, of the audiences named only
        count = counts.get(cid, 0)  # every audience the campaign holds, for the limit

        # Taking an audience off is always allowed, whatever the campaign's status: otherwise an audience on
        # an expired campaign could never be freed for deletion.
        for aid in remove:
            list_type = current.pop(aid, None)
            if list_type is None:
                if aid not in audiences:
                    result.refused.append(_not_found(aid))
                continue
            count -= 1
            result.applied.append(change(aid, list_type, "removed"))

        if result.applied:
            removed_from.append(cid)
        if not additions:
            continue
        campaign_refusal = _campaign_refusal(campaign.campaign_type, campaign.status)
        for aid, list_type in additions:
            audience = audiences.get(aid)
            if audience is None:
                result.refused.append(_not_found(aid, list_type))
                continue
            if aid in in_both:
                result.refused.append(
                    TargetingRefusal(
                        aid,
                        "conflicting_lists",
                        f"“{audience.name}” cannot be on both the Allowlist and the Blocklist; choose one.",
                        list_type,
                    )
                )
                continue
            already = current.get(aid)
            if already == list_type:
                result.unchanged.append(change(aid, list_type, "already_present"))
                continue
            if already is not None:
                other = TargetingList(already).label
                result.refused.append(
                    TargetingRefusal(
                        aid,
                        "on_other_list",
                        f"“{audience.name}” is on this campaign's {other}; remove it there first, "
                        "an audience is never on both lists.",
                        list_type,
                    )
                )
                continue
            refusal = campaign_refusal or audience_refusals[aid]
            if refusal is None and count >= limit:
                refusal = (
                    "audience_limit",
                    f"A campaign takes at most {limit} audiences; this one has {count} already.",
                )
            if refusal is not None:
                result.refused.append(TargetingRefusal(aid, refusal[0], refusal[1], list_type))
                continue
            current[aid] = list_type
            count += 1
            to_create.append((cid, aid, list_type))
            result.applied.append(change(aid, list_type, "added"))

    # Every (campaign, audience) pair of these campaigns and the audiences removed was taken off above.
    targets_delete(campaign_ids=removed_from, audience_ids=remove)
    targets_insert(rows=to_create)
    _targeting_record(organization, actor, results)
    audience_usage_recount(
        audience_ids=[c.audience_id for r in results for c in r.applied],
    )
    campaign_reach_refresh_on_commit(campaign_ids=[r.campaign_id for r in results if r.applied])
    return results


_LIST_LABELS = {value: label for value, label in TargetingList.choices}
_ACTIONS = {"added": HistoryAction.AUDIENCE_ADDED, "removed": HistoryAction.AUDIENCE_REMOVED}


def _targeting_record(
    organization: Organization, actor: Actor, results: list[CampaignTargetingResult]
) -> None:
    """One history entry per campaign and audience changed, however many campaigns one request changed."""
    history_record_many(
        history_entry(
            organization_id=organization.pk,
            actor=actor,
            action=_ACTIONS[change.action],
            audience=Named(change.audience_id, change.audience_name),
            campaign=Named(result.campaign_id, result.campaign_name or ""),
            details={"list": _LIST_LABELS[change.list_type]},
        )
        for result in results
        for change in result.applied
    )


def _check_insertion_orders(organization: Organization, ids: list[int]) -> None:
    """An insertion order named in a bulk change must be the organization's: refused outright, since
    "all campaigns of that IO" cannot be reported campaign by campaign."""
    if not ids:
        return
    known = set(
        insertion_order_list(organization=organization).filter(pk__in=ids).values_list("pk", flat=True)
    )
    unknown = [i for i in ids if i not in known]
    if len(unknown) == 1:
        message = f"No insertion order with ID {unknown[0]} in this organization."
    else:
        message = f"No insertion orders with IDs {', '.join(map(str, unknown))} in this organization."
    if unknown:
        raise ApplicationError(message, code="insertion_order_not_found", field="insertion_order_ids")


def _not_found(audience_id: int, list_type: str | None = None) -> TargetingRefusal:
    return TargetingRefusal(
        audience_id,
        "audience_not_found",
        f"No audience with ID {audience_id} in this organization.",
        list_type,
    )


def campaign_targeting_set(
    *,
    organization: Organization,
    actor: Actor,
    campaign_id: int,
    allowlist: Sequence[int],
    blocklist: Sequence[int],
) -> CampaignTargetingResult:
    """Make one campaign's lists exactly these (what a Save on the campaign's Audience section means)."""
    current = dict(
        CampaignAudience.objects.filter(
            campaign_id=campaign_id, campaign__organization=organization
        ).values_list("audience_id", "list_type")
    )
    wanted = {aid: TargetingList.ALLOWLIST for aid in _unique(allowlist)}
    for aid in _unique(blocklist):
        # Named on both lists: keep it out of the diff's removals and let the service refuse the pair.
        wanted.setdefault(aid, TargetingList.BLOCKLIST)
    remove = [aid for aid, list_type in current.items() if wanted.get(aid) != list_type]
    add_allow = [aid for aid in _unique(allowlist) if current.get(aid) != TargetingList.ALLOWLIST]
    add_block = [aid for aid in _unique(blocklist) if current.get(aid) != TargetingList.BLOCKLIST]
    if not (remove or add_allow or add_block):
        return CampaignTargetingResult(campaign_id=campaign_id, campaign_name=None)
    [result] = campaign_targeting_update(
        organization=organization,
        actor=actor,
        campaign_ids=[campaign_id],
        allowlist=add_allow,
        blocklist=add_block,
        remove=remove,
    )
    return result
