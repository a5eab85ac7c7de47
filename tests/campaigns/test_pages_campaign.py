"""The Campaigns app's campaign edit page: settings, the Audience section, reach, delete, roles."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from audiences.models import AudienceStatus, AudienceType
from campaigns.models import Campaign, CampaignStatus, CampaignType
from campaigns.services import campaign_targeting_update
from campaigns.tasks import refresh_reach
from history.actors import SYSTEM
from tests.campaigns.conftest import HTMX, load_members, settings_data, targets
from tests.factories import AudienceFactory, CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_edit_page_shows_settings_categories_and_the_audience_lists(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    allowed = AudienceFactory(organization=org_a, name="Likely Dem voters")
    AudienceFactory(organization=org_a, audience_type=AudienceType.MATCHED)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[allowed.pk]
    )

    content = client_a.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert 'name="name"' in content and 'name="max_bid"' in content
    assert 'data-category="segmented"' in content and "Select Audiences" in content
    assert 'aria-label="1 audience">1<' in content  # Segmented 1, Matched 1
    assert f'name="allowlist" value="{allowed.pk}"' in content and "Likely Dem voters" in content


def test_a_pg_campaign_says_why_it_has_no_audience_section(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, campaign_type=CampaignType.PG)
    content = client_a.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "PG campaigns take no audience targeting" in content
    assert "Select Audiences" not in content and "audiences_shown" not in content


def test_save_applies_settings_and_both_lists(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=CampaignStatus.DRAFT)
    allowed, blocked, dropped = AudienceFactory.create_batch(3, organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[dropped.pk]
    )

    response = client_a.post(
        f"/campaigns/{campaign.pk}/",
        {
            **settings_data(
                campaign, name="Renamed", status="pending", daily_budget="100", total_budget="900"
            ),
            "audiences_shown": "1",
            "allowlist": [allowed.pk],
            "blocklist": [blocked.pk],
        },
    )

    # Back on the page with the Audience section open on what was saved.
    assert response.status_code == 302
    assert response.url == f"/campaigns/{campaign.pk}/?saved=audiences#audience-section"
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status, campaign.daily_budget) == ("Renamed", "pending", Decimal("100"))
    assert targets(campaign) == {allowed.pk: "allowlist", blocked.pk: "blocklist"}
    page = client_a.get(response.url).content.decode()
    assert "Saved “Renamed”." in page and "Updating…" in page
    assert 'id="audience-section" data-audience-section open>' in page


def test_save_explains_each_refused_audience(client_a, org_a, settings):
    settings.MAX_AUDIENCES_PER_CAMPAIGN = 1
    campaign = CampaignFactory(insertion_order__organization=org_a)
    first = AudienceFactory(organization=org_a, name="First")
    second = AudienceFactory(organization=org_a, name="Second")
    failed = AudienceFactory(organization=org_a, name="Broken", status=AudienceStatus.FAILED)

    response = client_a.post(
        f"/campaigns/{campaign.pk}/",
        {**settings_data(campaign), "audiences_shown": "1", "allowlist": [first.pk, second.pk, failed.pk]},
        follow=True,
    )

    content = response.content.decode()
    assert "A campaign takes at most 1 audiences" in content
    assert "“Broken” was not added: The audience is Failed" in content
    assert targets(campaign) == {first.pk: "allowlist"}


def test_invalid_settings_keep_the_unsaved_lists_on_the_page(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a, name="Kept while fixing")
    response = client_a.post(
        f"/campaigns/{campaign.pk}/",
        {
            **settings_data(campaign, daily_budget="900", total_budget="100"),
            "audiences_shown": "1",
            "allowlist": [audience.pk],
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The daily budget ($900.00) cannot exceed the total budget ($100.00)." in content
    assert f'name="allowlist" value="{audience.pk}"' in content
    assert targets(campaign) == {}


def test_dates_must_stay_within_the_ios(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    late = (campaign.insertion_order.end_date + dt.timedelta(days=1)).isoformat()
    response = client_a.post(f"/campaigns/{campaign.pk}/", settings_data(campaign, end_date=late))
    assert "A campaign runs within its insertion order's dates" in html.unescape(response.content.decode())


def test_audience_options_are_the_eligible_audiences_of_the_category_searched(client_a, org_a, org_b):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    AudienceFactory(organization=org_a, name="Ohio early voters", voter_count=12345)
    AudienceFactory(organization=org_a, name="Ohio still loading", status=AudienceStatus.PROCESSING)
    AudienceFactory(organization=org_a, name="Ohio broken", status=AudienceStatus.FAILED)
    AudienceFactory(organization=org_a, name="Ohio matched", audience_type=AudienceType.MATCHED)
    AudienceFactory(organization=org_b, name="Ohio of Bravo")

    content = client_a.get(
        f"/campaigns/{campaign.pk}/audience-options/", {"type": "segmented", "q": "ohio"}, **HTMX
    ).content.decode()

    assert "Ohio early voters" in content and "12,345 voters" in content and "Ohio still loading" in content
    assert "Ohio broken" not in content and "Ohio matched" not in content and "Ohio of Bravo" not in content


def test_the_reach_panel_shows_the_figures_and_each_audiences_share(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    a = AudienceFactory(organization=org_a, name="A")
    b = AudienceFactory(organization=org_a, name="B")
    load_members(a, range(1, 101))
    load_members(b, range(51, 201))
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[a.pk, b.pk]
    )
    refresh_reach([campaign.pk])

    content = client_a.get(f"/campaigns/{campaign.pk}/reach/", **HTMX).content.decode()

    assert "data-reach>200<" in content
    assert "+50" in content and "+100" in content  # only in A; only in B


def test_reach_says_all_voters_when_nothing_is_allowlisted(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    blocked = AudienceFactory(organization=org_a)
    load_members(blocked, range(1, 43))
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[blocked.pk]
    )
    refresh_reach([campaign.pk])
    content = client_a.get(f"/campaigns/{campaign.pk}/reach/", **HTMX).content.decode()
    assert "All voters" in content and "<strong>42</strong> voters of the Blocklist" in content


def test_a_campaign_is_deleted_after_confirming(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, name="Gone")
    assert (
        "Delete the campaign “Gone”"
        in client_a.get(f"/campaigns/{campaign.pk}/delete/", **HTMX).content.decode()
    )
    response = client_a.post(f"/campaigns/{campaign.pk}/delete/", **HTMX)
    assert response["HX-Redirect"] == f"/campaigns/insertion-orders/{campaign.insertion_order_id}/"
    assert not Campaign.objects.exists()


def test_a_viewer_sees_but_cannot_change(viewer_client, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    page = viewer_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "can view this campaign but not change it" in page and "Select Audiences" not in page
    assert (
        viewer_client.post(f"/campaigns/{campaign.pk}/", settings_data(campaign, name="No")).status_code
        == 403
    )
    assert viewer_client.get("/campaigns/insertion-orders/new/").status_code == 403
    assert viewer_client.post(f"/campaigns/{campaign.pk}/delete/").status_code == 403


def test_the_status_select_offers_the_current_status_and_its_moves_only(client_a, org_a):
    draft = CampaignFactory(insertion_order__organization=org_a, status=CampaignStatus.DRAFT)
    expired = CampaignFactory(insertion_order__organization=org_a, status=CampaignStatus.EXPIRED)

    def options(campaign) -> tuple[list[str], str]:
        content = client_a.get(f"/campaigns/{campaign.pk}/").content.decode()
        select = re.search(r'<select name="status"[^>]*>(.*?)</select>', content, re.S)
        return re.findall(r'<option value="(\w+)"', select.group(1)), select.group(0)

    offered, _ = options(draft)
    assert offered == ["draft", "pending"]
    offered, select = options(expired)
    assert offered == ["expired"] and "disabled" in select.split(">")[0]


def test_a_forbidden_status_posted_to_the_page_is_refused_in_the_services_words(client_a, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=CampaignStatus.DRAFT)
    response = client_a.post(f"/campaigns/{campaign.pk}/", settings_data(campaign, status="running"))
    assert response.status_code == 200
    assert "A Draft campaign can be moved only to Pending, not to Running." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
