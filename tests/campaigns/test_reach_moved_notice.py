"""After a refresh, one notice lists the running campaigns whose reach moved by more than 10 %."""

import pytest

from accounts.models import Role
from campaigns import tasks
from campaigns.models import CampaignStatus
from campaigns.services import campaign_reach_refresh, campaign_targeting_update
from history.actors import SYSTEM
from notices.models import Notice, NoticeKind
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, CampaignFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_one_notice_per_refresh_lists_only_the_running_campaigns_that_moved(
    org_a, org_b, monkeypatch, eager_tasks, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "REACH_BATCH", 2)  # the refresh's campaigns are recomputed in several batches
    members = [MembershipFactory(organization=org_a, role=role).user for role in Role]
    MembershipFactory(organization=org_b)
    refreshed = AudienceFactory(organization=org_a, name="Likely Dems")
    steady = AudienceFactory(organization=org_a)
    load_members(refreshed, range(1, 101))
    load_members(steady, range(1001, 2001))

    def campaign(name, status, allow):
        made = CampaignFactory(insertion_order__organization=org_a, name=name, status=status)
        campaign_targeting_update(
            actor=SYSTEM, organization=org_a, campaign_ids=[made.pk], allowlist=[a.pk for a in allow]
        )
        campaign_reach_refresh(campaign_id=made.pk)
        return made

    campaign("Moved A", CampaignStatus.RUNNING, [refreshed])  # 100 → 150: +50 %
    campaign("Moved B", CampaignStatus.RUNNING, [refreshed])
    campaign("Barely", CampaignStatus.RUNNING, [refreshed, steady])  # 1,100 → 1,150: +4.5 %
    campaign("Paused", CampaignStatus.PAUSED, [refreshed])  # not running: not listed
    campaign("Elsewhere", CampaignStatus.RUNNING, [steady])  # does not use the refreshed audience

    with django_capture_on_commit_callbacks(execute=True):
        load_members(refreshed, range(1, 151))

    notices = Notice.objects.filter(kind=NoticeKind.REACH_MOVED)
    assert sorted(n.user_id for n in notices) == sorted(m.pk for m in members)  # one each, nobody else
    notice = notices.first()
    assert notice.title == "The refresh of “Likely Dems” moved the reach of 2 running campaigns"
    assert notice.body.splitlines() == [
        "“Moved A”: 100 → 150 voters (+50%)",
        "“Moved B”: 100 → 150 voters (+50%)",
    ]


def test_no_notice_when_no_running_campaign_moved(org_a, eager_tasks, django_capture_on_commit_callbacks):
    MembershipFactory(organization=org_a)
    audience = AudienceFactory(organization=org_a)
    load_members(audience, range(1, 101))
    running = CampaignFactory(insertion_order__organization=org_a, status=CampaignStatus.RUNNING)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[running.pk], allowlist=[audience.pk]
    )
    campaign_reach_refresh(campaign_id=running.pk)
    with django_capture_on_commit_callbacks(execute=True):
        load_members(audience, range(1, 106))  # +5 %
    assert not Notice.objects.filter(kind=NoticeKind.REACH_MOVED).exists()
