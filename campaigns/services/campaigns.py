import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.models import Organization
from campaigns.models import (
    DEFAULT_TIME_ZONE,
    IO_TIME_ZONES,
    BudgetType,
    Campaign,
    CampaignStatus,
    CampaignType,
    InsertionOrder,
    InsertionOrderStatus,
)
from campaigns.selectors import campaign_list
from history.actors import Actor
from history.models import HistoryAction
from history.services import Named, field_changes, history_entry, history_record, history_record_many
from iqm_portal.exceptions import ApplicationError

from .status import campaign_new_status_check, campaign_status_check
from .targeting import PG_TAKES_NO_AUDIENCES, CampaignTargetingResult, campaign_targeting_update
from .usage import audience_ids_on_campaigns, audience_usage_recount


def _shown(obj, names) -> dict:
    """The fields as people read them in history: money as dollars, statuses by their label."""
    shown = {}
    for name in names:
        value = getattr(obj, name)
        if name == "status":
            value = obj.get_status_display()
        elif isinstance(value, Decimal):
            value = f"${value:,.2f}"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        shown[name] = value
    return shown


def _check_dates(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ApplicationError("The end date must be on or after the start date.", field="end_date")


def _check_budgets(daily: Decimal | None, total: Decimal | None) -> None:
    if daily is not None and total is not None and daily > total:
        raise ApplicationError(
            f"The daily budget (${daily:,.2f}) cannot exceed the total budget (${total:,.2f}).",
            field="daily_budget",
        )


def _check_io_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ApplicationError("Give the insertion order a name.", field="name")
    return name


def _check_time_zone(time_zone: str) -> str:
    if time_zone not in dict(IO_TIME_ZONES):
        raise ApplicationError(
            f"Choose one of these time zones: {', '.join(zone for zone, _ in IO_TIME_ZONES)}.",
            code="unknown_time_zone",
            field="time_zone",
        )
    return time_zone


@transaction.atomic
def insertion_order_create(
    *,
    organization: Organization,
    actor: Actor,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    budget_type: str = BudgetType.BUDGET,
    budget_total: Decimal,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> InsertionOrder:
    _check_dates(start_date, end_date)
    _check_time_zone(time_zone)
    insertion_order = InsertionOrder.objects.create(
        organization=organization,
        name=_check_io_name(name),
        start_date=start_date,
        end_date=end_date,
        budget_type=budget_type,
        budget_total=budget_total,
        time_zone=time_zone,
    )
    history_record(
        organization_id=organization.pk,
        actor=actor,
        action=HistoryAction.IO_CREATED,
        insertion_order=insertion_order,
    )
    return insertion_order


_IO_EDITABLE = {"name", "start_date", "end_date", "budget_total", "time_zone", "status"}


@transaction.atomic
def insertion_order_update(*, insertion_order: InsertionOrder, actor: Actor, **changes) -> InsertionOrder:
    if "budget_type" in changes and changes["budget_type"] != insertion_order.budget_type:
        raise ApplicationError(
            "The budget type of an insertion order is fixed when it is created.", field="budget_type"
        )
    changes.pop("budget_type", None)
    unknown = set(changes) - _IO_EDITABLE
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "name" in changes:
        changes["name"] = _check_io_name(changes["name"])
    # An IO keeps the zone it has even if the list no longer offers it; a new one must be on the list.
    if changes.get("time_zone", insertion_order.time_zone) != insertion_order.time_zone:
        _check_time_zone(changes["time_zone"])
    before = _shown(insertion_order, changes)
    for name, value in changes.items():
        setattr(insertion_order, name, value)
    _check_dates(insertion_order.start_date, insertion_order.end_date)
    outside = insertion_order.campaigns.exclude(
        start_date__gte=insertion_order.start_date, end_date__lte=insertion_order.end_date
    ).count()
    if outside:
        raise ApplicationError(
            f"{outside} campaign(s) of this insertion order run outside these dates; change them first.",
            field="start_date",
        )
    insertion_order.save()
    shown_changes = field_changes(before, _shown(insertion_order, changes))
    if shown_changes:
        history_record(
            organization_id=insertion_order.organization_id,
            actor=actor,
            action=HistoryAction.IO_CHANGED,
            insertion_order=insertion_order,
            changes=shown_changes,
        )
    return insertion_order


def insertion_order_delete(*, insertion_order: InsertionOrder, actor: Actor) -> int:
    """Delete the IO and its campaigns; returns how many campaigns went with it.

    Each campaign's history gets its deletion too, so a campaign's page of history ends where it ended.
    """
    with transaction.atomic():
        campaigns = list(insertion_order.campaigns.values_list("pk", "name"))
        held = audience_ids_on_campaigns(campaigns=insertion_order.campaigns.all())
        io = Named.of(insertion_order)
        history_record_many(
            history_entry(
                organization_id=insertion_order.organization_id,
                actor=actor,
                action=HistoryAction.CAMPAIGN_DELETED,
                campaign=Named(pk, name),
                insertion_order=io,
                details={"with_insertion_order": True},
            )
            for pk, name in campaigns
        )
        history_record(
            organization_id=insertion_order.organization_id,
            actor=actor,
            action=HistoryAction.IO_DELETED,
            insertion_order=io,
            details={"campaigns": len(campaigns)},
        )
        insertion_order.delete()
        audience_usage_recount(audience_ids=held)
    return len(campaigns)


def _check_campaign_dates(io: InsertionOrder, start: dt.date, end: dt.date) -> None:
    _check_dates(start, end)
    if start < io.start_date or end > io.end_date:
        raise ApplicationError(
            f"A campaign runs within its insertion order's dates ({io.start_date:%b %d, %Y} – "
            f"{io.end_date:%b %d, %Y}).",
            field="start_date" if start < io.start_date else "end_date",
        )


def campaign_name_available(*, organization: Organization, name: str, exclude_id: int | None = None) -> bool:
    campaigns = campaign_list(organization=organization).filter(name__iexact=name.strip())
    if exclude_id is not None:
        campaigns = campaigns.exclude(pk=exclude_id)
    return not campaigns.exists()


def _name_taken(name: str) -> ApplicationError:
    return ApplicationError(
        f"A campaign named “{name}” already exists in this organization; choose another name.",
        code="duplicate_campaign_name",
        field="name",
    )


def campaign_name_check(*, organization: Organization, name: str, exclude_id: int | None = None) -> str:
    """The name as it will be saved (trimmed), or ApplicationError when it is empty or already in use.

    The one check and wording of a campaign's name, for the services, the forms and the as-you-type check.
    """
    name = name.strip()
    if not name:
        raise ApplicationError("Give the campaign a name.", field="name")
    if not campaign_name_available(organization=organization, name=name, exclude_id=exclude_id):
        raise _name_taken(name)
    return name


def campaign_create(
    *,
    organization: Organization,
    actor: Actor,
    insertion_order: InsertionOrder,
    name: str,
    campaign_type: str = CampaignType.ADVANCED,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    daily_budget: Decimal | None = None,
    total_budget: Decimal | None = None,
    max_bid: Decimal | None = None,
    status: str = CampaignStatus.DRAFT,
    allowlist: list[int] | None = None,
) -> tuple[Campaign, CampaignTargetingResult | None]:
    """Create a campaign (a Draft unless ``status`` says Pending) in the IO, optionally with an Allowlist.

    The dates default to the IO's. Targeting goes through the targeting service, so its rules apply; a PG
    campaign asked to take audiences is refused whole rather than created without them.
    """
    if insertion_order.organization_id != organization.pk:
        raise ApplicationError("No such insertion order in this organization.", code="not_found", status=404)
    if insertion_order.status != InsertionOrderStatus.ACTIVE:
        raise ApplicationError(
            "Campaigns can only be added to an active insertion order.",
            code="insertion_order_not_active",
            field="insertion_order",
        )
    campaign_new_status_check(status)
    if allowlist and campaign_type == CampaignType.PG:
        raise ApplicationError(
            f"{PG_TAKES_NO_AUDIENCES} Choose Advanced to target audiences.",
            code="pg_campaign",
            field="campaign_type",
        )
    start_date = start_date or max(insertion_order.start_date, dt.date.today())
    start_date = min(start_date, insertion_order.end_date)
    end_date = end_date or insertion_order.end_date
    _check_campaign_dates(insertion_order, start_date, end_date)
    _check_budgets(daily_budget, total_budget)
    with transaction.atomic():
        name = campaign_name_check(organization=organization, name=name)
        try:
            with transaction.atomic():
                campaign = Campaign.objects.create(
                    organization=organization,
                    insertion_order=insertion_order,
                    name=name,
                    campaign_type=campaign_type,
                    status=status,
                    start_date=start_date,
                    end_date=end_date,
                    daily_budget=daily_budget,
                    total_budget=total_budget,
                    max_bid=max_bid,
                )
        except IntegrityError as error:
            # Two requests raced for one name: the unique constraint decided, say so like the check above.
            raise _name_taken(name) from error
        history_record(
            organization_id=organization.pk,
            actor=actor,
            action=HistoryAction.CAMPAIGN_CREATED,
            campaign=campaign,
            insertion_order=insertion_order,
            details={"type": campaign.get_campaign_type_display(), "status": campaign.get_status_display()},
        )
        targeting = None
        if allowlist:
            [targeting] = campaign_targeting_update(
                organization=organization, actor=actor, campaign_ids=[campaign.pk], allowlist=allowlist
            )
    return campaign, targeting


_CAMPAIGN_EDITABLE = {"name", "status", "start_date", "end_date", "daily_budget", "total_budget", "max_bid"}


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: Actor, **changes) -> Campaign:
    if "campaign_type" in changes and changes.pop("campaign_type") != campaign.campaign_type:
        raise ApplicationError("A campaign's type is fixed when it is created.", field="campaign_type")
    unknown = set(changes) - _CAMPAIGN_EDITABLE
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "name" in changes:
        changes["name"] = campaign_name_check(
            organization=campaign.organization, name=changes["name"], exclude_id=campaign.pk
        )
    if "status" in changes:
        # Judge the move from the status the row has now, locked: the caller's copy may be older than a
        # change the system made meanwhile (an approval, an expiry).
        current = Campaign.objects.select_for_update().values_list("status", flat=True).get(pk=campaign.pk)
        campaign_status_check(current=current, new=changes["status"])
    before = _shown(campaign, changes)
    for name, value in changes.items():
        setattr(campaign, name, value)
    _check_campaign_dates(campaign.insertion_order, campaign.start_date, campaign.end_date)
    _check_budgets(campaign.daily_budget, campaign.total_budget)
    campaign.save()
    shown_changes = field_changes(before, _shown(campaign, changes))
    if shown_changes:
        history_record(
            organization_id=campaign.organization_id,
            actor=actor,
            action=HistoryAction.CAMPAIGN_CHANGED,
            campaign=campaign,
            insertion_order=campaign.insertion_order,
            changes=shown_changes,
        )
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign, actor: Actor) -> None:
    held = audience_ids_on_campaigns(campaigns=Campaign.objects.filter(pk=campaign.pk))
    history_record(
        organization_id=campaign.organization_id,
        actor=actor,
        action=HistoryAction.CAMPAIGN_DELETED,
        campaign=campaign,
        insertion_order=campaign.insertion_order,
    )
    campaign.delete()
    audience_usage_recount(audience_ids=held)
