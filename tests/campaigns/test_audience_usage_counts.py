"""How many campaigns allowlist and blocklist each audience: columns of the audience, kept by the Campaigns
app's services in the transaction that changes the lists (the Audiences app cannot see campaigns)."""

import threading

import pytest
from django.contrib.admin.sites import site
from django.db import close_old_connections
from django.test import RequestFactory

from audiences.models import Audience
from campaigns.models import Campaign, InsertionOrder
from campaigns.services import (
    campaign_delete,
    campaign_targeting_set,
    campaign_targeting_update,
    insertion_order_delete,
)
from history.actors import SYSTEM
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory


def counts(audience) -> tuple[int, int]:
    audience.refresh_from_db()
    return audience.allowlist_campaigns, audience.blocklist_campaigns


@pytest.mark.django_db
def test_adding_moving_and_removing_keep_the_counts(org_a):
    audience = AudienceFactory(organization=org_a)
    first, second = CampaignFactory.create_batch(2, insertion_order__organization=org_a)
    assert counts(audience) == (0, 0)

    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[first.pk, second.pk], allowlist=[audience.pk]
    )
    assert counts(audience) == (2, 0)
    campaign_targeting_set(
        actor=SYSTEM, organization=org_a, campaign_id=first.pk, allowlist=[], blocklist=[audience.pk]
    )
    assert counts(audience) == (1, 1)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[second.pk], remove=[audience.pk]
    )
    assert counts(audience) == (0, 1)


@pytest.mark.django_db
def test_a_refused_addition_counts_nothing(org_a):
    audience = AudienceFactory(organization=org_a)
    pg = CampaignFactory(insertion_order__organization=org_a, campaign_type="pg")
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[pg.pk], allowlist=[audience.pk]
    )
    assert [r.code for r in result.refused] == ["pg_campaign"]
    assert counts(audience) == (0, 0)


@pytest.mark.django_db
def test_deleting_a_campaign_or_its_insertion_order_frees_the_audiences(org_a):
    audience = AudienceFactory(organization=org_a)
    io = InsertionOrderFactory(organization=org_a)
    one, two = CampaignFactory.create_batch(2, insertion_order=io)
    elsewhere = CampaignFactory(insertion_order__organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[one.pk, two.pk, elsewhere.pk], allowlist=[audience.pk]
    )
    campaign_delete(actor=SYSTEM, campaign=one)
    assert counts(audience) == (2, 0)
    insertion_order_delete(actor=SYSTEM, insertion_order=io)
    assert counts(audience) == (1, 0)


@pytest.mark.django_db
def test_deletes_in_the_admin_go_through_the_services(org_a, staff_user):
    audience = AudienceFactory(organization=org_a)
    io = InsertionOrderFactory(organization=org_a)
    campaigns = CampaignFactory.create_batch(3, insertion_order=io)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[c.pk for c in campaigns], blocklist=[audience.pk]
    )
    request = RequestFactory().post("/admin/")
    request.user = staff_user
    site._registry[Campaign].delete_queryset(request, Campaign.objects.filter(pk=campaigns[0].pk))
    assert counts(audience) == (0, 2)
    site._registry[InsertionOrder].delete_model(request, io)
    assert counts(audience) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_to_one_audience_count_every_campaign(org_a):
    """Ten requests add one audience to ten campaigns at once: each recount waits for the others' lock,
    so the last to commit counts all ten (a count taken before another's commit would lose it)."""
    audience = AudienceFactory(organization=org_a)
    campaigns = CampaignFactory.create_batch(10, insertion_order__organization=org_a)
    start = threading.Barrier(len(campaigns))
    errors = []

    def add(campaign_id):
        try:
            start.wait()
            campaign_targeting_update(
                actor=SYSTEM, organization=org_a, campaign_ids=[campaign_id], allowlist=[audience.pk]
            )
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=add, args=(c.pk,)) for c in campaigns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert counts(audience) == (10, 0)
    assert Audience.objects.get(pk=audience.pk).campaign_targets.count() == 10
