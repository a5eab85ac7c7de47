"""What advertisers do in the Campaigns app, clicked through in a real Chromium."""

import re

from playwright.sync_api import expect

from audiences.models import AudienceStatus
from campaigns.models import Campaign, CampaignAudience, CampaignType
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory


def expand_audience(page):
    section = page.locator("#audience-section")
    if section.get_attribute("open") is None:  # after a Save it is open already, on what was saved
        section.locator("> summary").click()
    expect(section).to_have_attribute("open", "")


def open_audience_picker(page):
    expand_audience(page)
    page.get_by_role("button", name=re.compile(r"^Segmented")).click()
    page.get_by_text("Select Audiences").click()
    expect(page.get_by_role("tab", name=re.compile("Allowlist"))).to_have_attribute("aria-selected", "true")


def test_create_a_campaign_in_an_io_and_land_on_its_edit_page(page, sign_in, screenshot, member_a, org_a):
    io = InsertionOrderFactory(organization=org_a, name="2026 General – Ohio")
    CampaignFactory(insertion_order=io, name="GOTV Display")
    sign_in(page, member_a)

    page.get_by_role("navigation", name="Apps").get_by_role("link", name="Campaigns").click()
    expect(page.get_by_role("heading", name="Insertion orders")).to_be_visible()
    page.get_by_role("link", name="2026 General – Ohio", exact=True).click()
    page.get_by_role("link", name="+ Create Campaign").click()

    dialog = page.get_by_role("dialog", name="Create Campaign")
    expect(dialog).to_be_visible()
    name = dialog.get_by_label("Campaign name")
    expect(name).to_be_focused()
    name.press_sequentially("gotv display", delay=30)  # typed, as people do
    expect(dialog.get_by_text("already exists in this organization")).to_be_visible()
    screenshot(page, "campaigns-create-campaign-name-taken", dialog)
    name.fill("Early Vote Chase – Mobile")
    expect(dialog.get_by_text("“Early Vote Chase – Mobile” is available.")).to_be_visible()
    dialog.get_by_label("Advanced").check()
    screenshot(page, "campaigns-create-campaign", dialog)
    dialog.get_by_role("button", name="Create").click()

    campaign = None
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
    campaign = Campaign.objects.get(name="Early Vote Chase – Mobile")
    assert page.url.endswith(f"/campaigns/{campaign.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Early Vote Chase – Mobile")
    expect(page.get_by_text("Created the campaign “Early Vote Chase – Mobile”.")).to_be_visible()
    assert (campaign.insertion_order_id, campaign.campaign_type) == (io.pk, CampaignType.ADVANCED)


def test_put_one_audience_on_each_list_save_and_find_them_kept(
    page, sign_in, screenshot, member_a, org_a, eager_tasks
):
    campaign = CampaignFactory(insertion_order__organization=org_a, name="Persuasion CTV")
    likely = AudienceFactory(organization=org_a, name="Likely Dem voters")
    voted = AudienceFactory(organization=org_a, name="Already voted")
    AudienceFactory(organization=org_a, name="Suburban women", status=AudienceStatus.PROCESSING)
    load_members(likely, range(1, 1001))
    load_members(voted, range(801, 1201))
    sign_in(page, member_a)
    page.goto(f"/campaigns/{campaign.pk}/")
    expect(page.get_by_text("All voters")).to_be_visible()

    open_audience_picker(page)
    page.get_by_role("checkbox", name=re.compile("Likely Dem voters")).check()
    page.get_by_role("tab", name=re.compile("Blocklist")).click()
    page.get_by_role("checkbox", name=re.compile("Already voted")).check()
    expect(page.locator("[data-chips=allowlist]")).to_contain_text("Likely Dem voters")
    expect(page.locator("[data-chips=blocklist]")).to_contain_text("Already voted")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    screenshot(page, "campaigns-select-audiences-blocklist", page.locator("#audience-section"))
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Saved “Persuasion CTV”.")).to_be_visible()
    # The Audience section stays open, showing what was saved.
    expect(page.locator("#audience-section")).to_have_attribute("open", "")
    page.reload()
    expand_audience(page)
    allowlist, blocklist = page.locator("[data-chips=allowlist]"), page.locator("[data-chips=blocklist]")
    expect(allowlist.get_by_text("Likely Dem voters")).to_be_visible()
    expect(blocklist.get_by_text("Already voted")).to_be_visible()
    expect(allowlist).not_to_contain_text("Already voted")
    # 1,000 allowlisted voters, 200 of whom the Blocklist keeps out.
    expect(page.locator("[data-reach]")).to_have_text("800")
    screenshot(page, "campaigns-campaign-saved-with-reach")
    assert dict(
        CampaignAudience.objects.filter(campaign=campaign).values_list("audience_id", "list_type")
    ) == {
        likely.pk: "allowlist",
        voted.pk: "blocklist",
    }


def test_the_rules_are_explained_where_they_bite(page, sign_in, screenshot, member_a, org_a, settings):
    io = InsertionOrderFactory(organization=org_a)
    pg = CampaignFactory(insertion_order=io, name="PG Deal – Local News", campaign_type=CampaignType.PG)
    full = CampaignFactory(insertion_order=io, name="Full campaign")
    audiences = [AudienceFactory(organization=org_a, name=f"List {n:02d}") for n in range(1, 22)]
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[full.pk],
        allowlist=[a.pk for a in audiences[:19]],
        blocklist=[audiences[19].pk],
    )
    assert settings.MAX_AUDIENCES_PER_CAMPAIGN == 20
    sign_in(page, member_a)

    # A PG campaign says why it has no Audience section.
    page.goto(f"/campaigns/{pg.pk}/")
    expect(page.get_by_text("PG campaigns take no audience targeting")).to_be_visible()
    expect(page.get_by_text("Select Audiences")).to_have_count(0)

    # An audience cannot sit in both tabs.
    page.goto(f"/campaigns/{full.pk}/")
    open_audience_picker(page)
    page.get_by_role("tab", name=re.compile("Blocklist")).click()
    page.get_by_role("searchbox", name="Search audiences by name or ID").fill("List 01")
    expect(page.locator("#picker-results li")).to_have_count(1)
    on_allowlist = page.get_by_role("checkbox", name=re.compile("List 01"))
    expect(page.get_by_text("On the Allowlist — an audience cannot sit in both tabs.")).to_be_visible()
    # Marked aria-disabled, yet focusable: a keyboard user reaches it and is told why it cannot be ticked.
    on_allowlist.press("Space")
    expect(on_allowlist).not_to_be_checked()
    expect(page.get_by_role("status").filter(has_text="cannot sit in both tabs")).to_contain_text(
        "“List 01” is on the Allowlist"
    )
    screenshot(page, "campaigns-refused-both-tabs", page.locator("#audience-section"))

    # A 21st audience is refused, the limit named.
    page.get_by_role("searchbox", name="Search audiences by name or ID").fill("List 21")
    expect(page.locator("#picker-results li")).to_have_count(1)
    twenty_first = page.get_by_role("checkbox", name=re.compile("List 21"))
    twenty_first.click()
    expect(twenty_first).not_to_be_checked()
    expect(page.locator("[data-picker-message]")).to_have_text(
        "A campaign takes at most 20 audiences: remove one before adding “List 21”."
    )
    screenshot(page, "campaigns-refused-21st-audience", page.locator("#audience-section"))

    # Freeing a place lets it in; leaving with that change unsaved asks first.
    page.locator("[data-chips=blocklist]").get_by_role(
        "button", name="Remove List 20 from the Blocklist"
    ).click()
    twenty_first.click()
    expect(page.locator("[data-chips=blocklist]")).to_contain_text("List 21")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="Insertion orders").click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert page.url.endswith(f"/campaigns/{full.pk}/")


def test_insertion_orders_are_created_edited_and_deleted_in_pop_ups(
    page, sign_in, screenshot, member_a, org_a
):
    sign_in(page, member_a)
    page.goto("/campaigns/")
    page.get_by_role("link", name="+ Create Insertion Order").click()
    dialog = page.get_by_role("dialog", name="Create Insertion Order")
    dialog.get_by_label("Insertion order name").fill("2026 General – Ohio")
    dialog.get_by_label("Start date").fill("2026-09-01")
    dialog.get_by_label("End date").fill("2026-08-01")
    dialog.get_by_label("Total budget or impressions").fill("250000")
    dialog.get_by_role("button", name="Create").click()
    # Summed up at the top of the form, and said beside the field.
    expect(dialog.get_by_role("alert")).to_contain_text(
        "End date: The end date must be on or after the start date."
    )
    expect(dialog.get_by_text("The end date must be on or after the start date.", exact=True)).to_be_visible()
    screenshot(page, "campaigns-create-io-refused", dialog)
    dialog.get_by_label("End date").fill("2026-11-03")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 General – Ohio")

    page.get_by_role("link", name="Edit IO").click()
    dialog = page.get_by_role("dialog", name="Edit Insertion Order")
    expect(dialog.get_by_role("radio", name="Budget", exact=True)).to_be_disabled()
    screenshot(page, "campaigns-edit-io", dialog)
    dialog.get_by_label("Insertion order name").fill("2026 General – Ohio (GOTV)")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 General – Ohio (GOTV)")

    io = org_a.insertion_orders.get()
    CampaignFactory.create_batch(2, insertion_order=io)
    page.goto("/campaigns/")
    page.get_by_role("searchbox", name="Search insertion orders by name or ID").fill("GOTV")
    expect(page.get_by_role("row")).to_have_count(2)  # the header and the one IO
    page.get_by_role("link", name="Delete 2026 General – Ohio (GOTV)").click()
    dialog = page.get_by_role("dialog", name="Delete Insertion Order")
    expect(dialog).to_contain_text("and its 2 campaigns")
    screenshot(page, "campaigns-delete-io", dialog)
    dialog.get_by_role("button", name="Delete the IO and 2 campaigns").click()
    expect(
        page.get_by_text("Deleted the insertion order “2026 General – Ohio (GOTV)” and its 2 campaigns.")
    ).to_be_visible()
    assert not org_a.insertion_orders.exists() and not Campaign.objects.exists()


def test_the_io_table_sorts_and_searches_in_place_and_keeps_the_url(page, sign_in, member_a, org_a):
    for name in ("Bravo general", "Alpha primary", "Alpha runoff"):
        InsertionOrderFactory(organization=org_a, name=name)
    sign_in(page, member_a)
    page.goto("/campaigns/")
    page.get_by_role("link", name="Name", exact=True).click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("searchbox", name="Search insertion orders by name or ID").fill("alpha")
    expect(page.get_by_role("row")).to_have_count(3)
    names = page.locator("#io-table tbody td.name-cell").all_inner_texts()
    assert names == ["Alpha primary", "Alpha runoff"]
    expect(page).to_have_url(re.compile(r"q=alpha"))
    expect(page).to_have_url(re.compile(r"sort=name"))
    page.reload()  # the URL holds the view: a reload, or a shared link, shows the same rows
    assert page.locator("#io-table tbody td.name-cell").all_inner_texts() == ["Alpha primary", "Alpha runoff"]
