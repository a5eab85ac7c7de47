"""The campaign and insertion order services' rules: the status table, time zones, PG, active IOs, names."""

import datetime as dt

import pytest

from campaigns.forms import CampaignCreateForm, CampaignSettingsForm, InsertionOrderForm
from campaigns.models import (
    IO_TIME_ZONES,
    Campaign,
    CampaignStatus,
    CampaignType,
    InsertionOrder,
    InsertionOrderStatus,
)
from campaigns.services import (
    campaign_create,
    campaign_name_check,
    campaign_status_choices,
    campaign_update,
    insertion_order_create,
    insertion_order_update,
)
from history.actors import SYSTEM
from iqm_portal.exceptions import ApplicationError
from tests.campaigns.conftest import targets
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db

S = CampaignStatus
# The moves an advertiser may make, written out here rather than read from the service's table, so that a
# change to the table shows up as a failing test.
ADVERTISER_MOVES = {(S.DRAFT, S.PENDING), (S.PENDING, S.DRAFT), (S.RUNNING, S.PAUSED), (S.PAUSED, S.RUNNING)}


def refusal(call) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        call()
    return raised.value


# --- Campaign statuses ------------------------------------------------------------------------------------------


def test_there_is_a_rejected_status():
    assert S("rejected").label == "Rejected"


@pytest.mark.parametrize("new", S.values)
@pytest.mark.parametrize("current", S.values)
def test_campaign_update_moves_a_status_only_as_the_table_allows(org_a, current, new):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=current)
    if new == current or (current, new) in ADVERTISER_MOVES:
        campaign_update(actor=SYSTEM, campaign=campaign, status=new)
        campaign.refresh_from_db()
        assert campaign.status == new
        return

    error = refusal(lambda: campaign_update(actor=SYSTEM, campaign=campaign, status=new))

    assert (error.code, error.field, error.status) == ("status_change_not_allowed", "status", 400)
    allowed = [S(n).label for c, n in ADVERTISER_MOVES if c == current]
    if allowed:
        assert f"can be moved only to {allowed[0]}, not to {S(new).label}." in error.message
    else:
        article = "an" if current == S.EXPIRED else "a"
        assert f"The status of {article} {S(current).label} campaign cannot be changed." in error.message
    if new == S.DELETED:
        assert "use Delete" in error.message
    campaign.refresh_from_db()
    assert campaign.status == current


@pytest.mark.parametrize("current", S.values)
def test_the_status_choices_are_the_current_status_and_its_moves(current):
    expected = {current} | {n for c, n in ADVERTISER_MOVES if c == current}
    offered = [value for value, _ in campaign_status_choices(current)]
    assert set(offered) == expected
    assert offered == [value for value in S.values if value in expected]  # in the statuses' own order


def test_a_move_is_judged_from_the_status_the_campaign_has_now_not_a_stale_copy(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=S.RUNNING)
    Campaign.objects.filter(pk=campaign.pk).update(status=S.EXPIRED)  # the system, meanwhile

    error = refusal(lambda: campaign_update(actor=SYSTEM, campaign=campaign, status=S.PAUSED))

    assert error.code == "status_change_not_allowed" and "Expired" in error.message
    assert Campaign.objects.get(pk=campaign.pk).status == S.EXPIRED


def test_a_refused_move_changes_nothing_else(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=S.DRAFT, name="Before")
    refusal(lambda: campaign_update(actor=SYSTEM, campaign=campaign, name="After", status=S.RUNNING))
    assert Campaign.objects.get(pk=campaign.pk).name == "Before"


@pytest.mark.parametrize("status", S.values)
def test_a_new_campaign_starts_as_a_draft_or_pending(org_a, status):
    io = InsertionOrderFactory(organization=org_a)
    if status in (S.DRAFT, S.PENDING):
        campaign, _ = campaign_create(
            actor=SYSTEM, organization=org_a, insertion_order=io, name="New", status=status
        )
        assert campaign.status == status
        return
    error = refusal(
        lambda: campaign_create(
            actor=SYSTEM, organization=org_a, insertion_order=io, name="New", status=status
        )
    )
    assert (error.code, error.field) == ("status_change_not_allowed", "status")
    assert "Draft or Pending" in error.message
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("current", "offered", "disabled"),
    [
        (S.DRAFT, ["draft", "pending"], False),
        (S.PAUSED, ["running", "paused"], False),
        (S.EXPIRED, ["expired"], True),
        (S.REJECTED, ["rejected"], True),
    ],
)
def test_the_settings_form_offers_only_the_moves_of_the_table(org_a, current, offered, disabled):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=current)
    field = CampaignSettingsForm(campaign=campaign).fields["status"]
    assert [value for value, _ in field.widget.choices] == offered
    assert field.disabled is disabled


# --- Creating a campaign: the IO must be active; a PG campaign takes no audiences -------------------------------


@pytest.mark.parametrize("status", [InsertionOrderStatus.EXPIRED, InsertionOrderStatus.DELETED])
def test_campaigns_are_created_only_in_an_active_insertion_order(org_a, status):
    io = InsertionOrderFactory(organization=org_a, status=status)
    error = refusal(
        lambda: campaign_create(actor=SYSTEM, organization=org_a, insertion_order=io, name="Late")
    )
    assert (error.code, error.field) == ("insertion_order_not_active", "insertion_order")
    assert error.message == "Campaigns can only be added to an active insertion order."
    assert not Campaign.objects.exists()


def test_a_pg_campaign_is_not_created_with_audiences(org_a):
    io = InsertionOrderFactory(organization=org_a)
    audience = AudienceFactory(organization=org_a)

    error = refusal(
        lambda: campaign_create(
            actor=SYSTEM,
            organization=org_a,
            insertion_order=io,
            name="Deal",
            campaign_type=CampaignType.PG,
            allowlist=[audience.pk],
        )
    )

    assert (error.code, error.field) == ("pg_campaign", "campaign_type")
    assert error.message.startswith("PG campaigns take no audience targeting")
    assert not Campaign.objects.exists()
    pg, targeting = campaign_create(
        actor=SYSTEM, organization=org_a, insertion_order=io, name="Deal", campaign_type="pg"
    )
    assert pg.campaign_type == CampaignType.PG and targeting is None


def test_an_advanced_campaign_is_created_with_its_allowlist(org_a):
    io = InsertionOrderFactory(organization=org_a)
    audience = AudienceFactory(organization=org_a)
    campaign, targeting = campaign_create(
        actor=SYSTEM, organization=org_a, insertion_order=io, name="GOTV", allowlist=[audience.pk]
    )
    assert targeting.ok and targets(campaign) == {audience.pk: "allowlist"}


# --- Insertion order time zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Paris", "Mars/Olympus_Mons", "", "america/new_york"])
def test_an_insertion_order_takes_only_a_time_zone_of_the_list(org_a, zone):
    def create():
        insertion_order_create(
            actor=SYSTEM,
            organization=org_a,
            name="General",
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 11, 3),
            budget_total=100,
            time_zone=zone,
        )

    error = refusal(create)
    assert (error.code, error.field) == ("unknown_time_zone", "time_zone")
    assert "America/Chicago" in error.message
    assert not InsertionOrder.objects.exists()


def test_an_insertion_order_changes_to_a_listed_zone_and_keeps_an_unlisted_one_it_has(org_a):
    io = InsertionOrderFactory(organization=org_a, time_zone="America/New_York")
    insertion_order_update(actor=SYSTEM, insertion_order=io, time_zone="America/Chicago")
    assert InsertionOrder.objects.get(pk=io.pk).time_zone == "America/Chicago"
    error = refusal(
        lambda: insertion_order_update(actor=SYSTEM, insertion_order=io, time_zone="Europe/Paris")
    )
    assert error.code == "unknown_time_zone"

    legacy = InsertionOrderFactory(organization=org_a, time_zone="America/Indiana/Indianapolis")
    insertion_order_update(
        actor=SYSTEM, insertion_order=legacy, time_zone="America/Indiana/Indianapolis", name="Kept"
    )
    assert InsertionOrder.objects.get(pk=legacy.pk).name == "Kept"
    form = InsertionOrderForm(instance=legacy)
    assert "America/Indiana/Indianapolis" in dict(form.fields["time_zone"].choices)


def test_the_form_offers_the_services_time_zones():
    assert InsertionOrderForm().fields["time_zone"].choices == list(IO_TIME_ZONES)


# --- Campaign names: one check, one wording ---------------------------------------------------------------------


def test_a_taken_name_is_refused_in_the_same_words_by_the_service_and_the_form(org_a):
    io = InsertionOrderFactory(organization=org_a)
    CampaignFactory(insertion_order=io, name="GOTV Display")
    expected = "A campaign named “gotv display” already exists in this organization; choose another name."

    error = refusal(lambda: campaign_name_check(organization=org_a, name=" gotv display "))
    assert (error.code, error.field, error.message) == ("duplicate_campaign_name", "name", expected)
    created = refusal(
        lambda: campaign_create(actor=SYSTEM, organization=org_a, insertion_order=io, name="gotv display")
    )
    assert created.message == expected
    other = CampaignFactory(insertion_order=io, name="Other")
    renamed = refusal(lambda: campaign_update(actor=SYSTEM, campaign=other, name="gotv display"))
    assert renamed.message == expected
    form = CampaignCreateForm(
        {"insertion_order": io.pk, "name": "gotv display", "campaign_type": "advanced"}, organization=org_a
    )
    assert not form.is_valid() and form.errors["name"] == [expected]
