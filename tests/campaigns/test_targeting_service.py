"""IQM's targeting rules (DESIGN.md › Targeting rules), each enforced by the one targeting service."""

import pytest

from audiences.models import AudienceStatus
from campaigns.models import CampaignAudience, CampaignStatus, CampaignType, TargetingList
from campaigns.services import campaign_targeting_set, campaign_targeting_update
from history.actors import SYSTEM
from iqm_portal.exceptions import ApplicationError
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db


def targets(campaign) -> dict[int, str]:
    return dict(CampaignAudience.objects.filter(campaign=campaign).values_list("audience_id", "list_type"))


def refusal_codes(result) -> list[str]:
    return [r.code for r in result.refused]


def test_allowlist_and_blocklist_are_applied(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    allowed, blocked = AudienceFactory.create_batch(2, organization=org_a)

    [result] = campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        allowlist=[allowed.pk],
        blocklist=[blocked.pk],
    )

    assert result.ok
    assert {(c.audience_id, c.list_type, c.action) for c in result.applied} == {
        (allowed.pk, "allowlist", "added"),
        (blocked.pk, "blocklist", "added"),
    }
    assert targets(campaign) == {allowed.pk: "allowlist", blocked.pk: "blocklist"}


def test_an_audience_is_never_on_both_lists(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )

    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk]
    )

    assert refusal_codes(result) == ["on_other_list"]
    assert "Allowlist" in result.refused[0].reason
    assert targets(campaign) == {audience.pk: "allowlist"}


def test_naming_one_audience_for_both_lists_in_one_request_is_refused(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    [result] = campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        allowlist=[audience.pk],
        blocklist=[audience.pk],
    )
    assert refusal_codes(result) == ["conflicting_lists", "conflicting_lists"]
    assert targets(campaign) == {}


def test_removing_and_adding_in_one_request_moves_an_audience_between_lists(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )

    [result] = campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        remove=[audience.pk],
        blocklist=[audience.pk],
    )

    assert result.ok
    assert targets(campaign) == {audience.pk: "blocklist"}


@pytest.mark.parametrize("status", [AudienceStatus.READY, AudienceStatus.PROCESSING])
def test_ready_and_processing_audiences_can_be_added(org_a, status):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a, status=status)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    assert result.ok and targets(campaign) == {audience.pk: "allowlist"}


def test_a_failed_audience_cannot_be_added_and_the_reason_is_given(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(
        organization=org_a, status=AudienceStatus.FAILED, status_reason="No LALVOTERID column."
    )
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    assert refusal_codes(result) == ["audience_not_targetable"]
    assert "Failed" in result.refused[0].reason and "No LALVOTERID column." in result.refused[0].reason
    assert targets(campaign) == {}


@pytest.mark.parametrize(
    "status", [CampaignStatus.DRAFT, CampaignStatus.PENDING, CampaignStatus.RUNNING, CampaignStatus.PAUSED]
)
def test_campaigns_in_editable_statuses_receive_audiences(org_a, status):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=status)
    audience = AudienceFactory(organization=org_a)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk]
    )
    assert result.ok


@pytest.mark.parametrize("status", [CampaignStatus.EXPIRED, CampaignStatus.DELETED])
def test_expired_and_deleted_campaigns_receive_no_audiences(org_a, status):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=status)
    audience = AudienceFactory(organization=org_a)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    assert refusal_codes(result) == ["campaign_not_editable"]
    assert targets(campaign) == {}


def test_an_audience_can_always_be_taken_off_an_expired_campaign(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    campaign.status = CampaignStatus.EXPIRED
    campaign.save()

    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], remove=[audience.pk]
    )

    assert result.ok and [c.action for c in result.applied] == ["removed"]
    assert targets(campaign) == {}


def test_pg_campaigns_take_no_audience_targeting(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, campaign_type=CampaignType.PG)
    audience = AudienceFactory(organization=org_a)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk]
    )
    assert refusal_codes(result) == ["pg_campaign"]
    assert targets(campaign) == {}


def test_at_most_the_configured_number_of_audiences_per_campaign(org_a, settings):
    settings.MAX_AUDIENCES_PER_CAMPAIGN = 20
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audiences = AudienceFactory.create_batch(21, organization=org_a)

    [result] = campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        allowlist=[a.pk for a in audiences[:15]],
        blocklist=[a.pk for a in audiences[15:]],
    )

    assert len(result.applied) == 20
    assert refusal_codes(result) == ["audience_limit"]
    assert result.refused[0].audience_id == audiences[20].pk
    assert "at most 20" in result.refused[0].reason
    assert len(targets(campaign)) == 20


def test_the_limit_is_a_setting(org_a, settings):
    settings.MAX_AUDIENCES_PER_CAMPAIGN = 2
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audiences = AudienceFactory.create_batch(3, organization=org_a)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[a.pk for a in audiences]
    )
    assert len(result.applied) == 2 and refusal_codes(result) == ["audience_limit"]


def test_removals_free_room_before_additions_count_against_the_limit(org_a, settings):
    settings.MAX_AUDIENCES_PER_CAMPAIGN = 1
    campaign = CampaignFactory(insertion_order__organization=org_a)
    old, new = AudienceFactory.create_batch(2, organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[old.pk]
    )
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], remove=[old.pk], allowlist=[new.pk]
    )
    assert result.ok and targets(campaign) == {new.pk: "allowlist"}


def test_an_audience_of_another_organization_cannot_be_attached(org_a, org_b):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    foreign = AudienceFactory(organization=org_b)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[foreign.pk]
    )
    assert refusal_codes(result) == ["audience_not_found"]
    assert targets(campaign) == {}


def test_a_campaign_of_another_organization_cannot_be_changed(org_a, org_b):
    foreign_campaign = CampaignFactory(insertion_order__organization=org_b)
    own_audience = AudienceFactory(organization=org_a)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[foreign_campaign.pk], allowlist=[own_audience.pk]
    )
    assert result.campaign_name is None
    assert refusal_codes(result) == ["campaign_not_found"]
    assert targets(foreign_campaign) == {}


def test_another_organizations_insertion_order_is_refused_and_nothing_changes(org_a, org_b):
    foreign_io = InsertionOrderFactory(organization=org_b)
    CampaignFactory.create_batch(2, insertion_order=foreign_io)
    own = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    with pytest.raises(ApplicationError) as refused:
        campaign_targeting_update(
            actor=SYSTEM,
            organization=org_a,
            campaign_ids=[own.pk],
            insertion_order_ids=[foreign_io.pk],
            allowlist=[audience.pk],
        )
    assert refused.value.code == "insertion_order_not_found"
    assert refused.value.field == "insertion_order_ids"
    assert refused.value.message == f"No insertion order with ID {foreign_io.pk} in this organization."
    assert CampaignAudience.objects.count() == 0


def test_an_insertion_order_means_all_of_its_campaigns_each_reported(org_a, settings):
    io = InsertionOrderFactory(organization=org_a)
    running = CampaignFactory(insertion_order=io, name="Running")
    pg = CampaignFactory(insertion_order=io, name="PG", campaign_type=CampaignType.PG)
    expired = CampaignFactory(insertion_order=io, name="Expired", status=CampaignStatus.EXPIRED)
    other_io_campaign = CampaignFactory(insertion_order__organization=org_a)
    voted = AudienceFactory(organization=org_a, name="Already voted")

    results = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, insertion_order_ids=[io.pk], blocklist=[voted.pk]
    )

    by_name = {r.campaign_name: r for r in results}
    assert set(by_name) == {"Running", "PG", "Expired"}
    assert by_name["Running"].ok
    assert refusal_codes(by_name["PG"]) == ["pg_campaign"]
    assert refusal_codes(by_name["Expired"]) == ["campaign_not_editable"]
    assert targets(running) == {voted.pk: TargetingList.BLOCKLIST}
    assert targets(pg) == targets(expired) == targets(other_io_campaign) == {}


def test_in_a_bulk_change_each_campaign_has_its_own_limit_and_its_own_lists(org_a, settings):
    settings.MAX_AUDIENCES_PER_CAMPAIGN = 2
    io = InsertionOrderFactory(organization=org_a)
    empty, one, full, holding = CampaignFactory.create_batch(4, insertion_order=io)
    a, b, c, moved = AudienceFactory.create_batch(4, organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[one.pk, full.pk], allowlist=[a.pk]
    )
    campaign_targeting_update(actor=SYSTEM, organization=org_a, campaign_ids=[full.pk], allowlist=[b.pk])
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[holding.pk], allowlist=[moved.pk]
    )

    results = campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        insertion_order_ids=[io.pk],
        remove=[moved.pk],
        blocklist=[c.pk, moved.pk],
    )

    by_id = {r.campaign_id: r for r in results}
    assert by_id[empty.pk].ok and len(by_id[empty.pk].applied) == 2
    assert [x.audience_id for x in by_id[one.pk].applied] == [c.pk]
    assert refusal_codes(by_id[one.pk]) == ["audience_limit"]
    assert [x.audience_id for x in by_id[full.pk].applied] == []
    assert refusal_codes(by_id[full.pk]) == ["audience_limit", "audience_limit"]
    assert "has 2 already" in by_id[full.pk].refused[0].reason
    assert [(x.audience_id, x.action) for x in by_id[holding.pk].applied] == [
        (moved.pk, "removed"),
        (c.pk, "added"),
        (moved.pk, "added"),
    ]
    assert targets(empty) == {c.pk: "blocklist", moved.pk: "blocklist"}
    assert targets(one) == {a.pk: "allowlist", c.pk: "blocklist"}
    assert targets(full) == {a.pk: "allowlist", b.pk: "allowlist"}
    assert targets(holding) == {c.pk: "blocklist", moved.pk: "blocklist"}


def test_adding_again_is_reported_unchanged_not_refused(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    assert result.ok and not result.applied
    assert [c.audience_id for c in result.unchanged] == [audience.pk]


def test_an_empty_request_is_an_error_that_says_what_to_fix(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    with pytest.raises(ApplicationError, match="at least one audience"):
        campaign_targeting_update(actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk])
    with pytest.raises(ApplicationError, match="at least one campaign"):
        campaign_targeting_update(actor=SYSTEM, organization=org_a, allowlist=[1])


def test_many_campaigns_in_a_constant_number_of_queries(org_a, django_assert_max_num_queries):
    io = InsertionOrderFactory(organization=org_a)
    CampaignFactory.create_batch(40, insertion_order=io)
    audience = AudienceFactory(organization=org_a)
    # IO check, campaigns locked, audiences, current targets, insert, audiences locked and recounted…
    # the same whatever the number of campaigns.
    with django_assert_max_num_queries(11):
        results = campaign_targeting_update(
            actor=SYSTEM, organization=org_a, insertion_order_ids=[io.pk], allowlist=[audience.pk]
        )
    assert len(results) == 40 and all(r.ok for r in results)


def test_set_makes_the_lists_exactly_what_was_asked(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    a, b, c = AudienceFactory.create_batch(3, organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[a.pk, b.pk]
    )

    result = campaign_targeting_set(
        actor=SYSTEM, organization=org_a, campaign_id=campaign.pk, allowlist=[a.pk], blocklist=[b.pk, c.pk]
    )

    assert result.ok
    assert targets(campaign) == {a.pk: "allowlist", b.pk: "blocklist", c.pk: "blocklist"}
