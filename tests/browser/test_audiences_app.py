"""The Audiences app in a real browser: every workflow users follow, clicked as they click it."""

import re

import pytest
from playwright.sync_api import expect

from audiences.models import Audience, AudienceStatus
from campaigns.models import Campaign, CampaignAudience, CampaignType
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from l2_ingest.generator import write_export
from l2_ingest.models import Transmission
from l2_ingest.pipeline import transmission_process
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory
from tests.l2_ingest.helpers import stored_transmission


@pytest.fixture
def load_audience(tmp_path, org_a):
    """A Segmented audience loaded by the real pipeline from a synthetic L2 export."""

    def load(segment: str, rows: int = 300, seed: int = 1) -> Audience:
        path = tmp_path / f"{segment}.tsv"
        write_export(path, rows, seed=seed)
        transmission = stored_transmission(org_a, path.read_bytes(), segment=segment)
        assert transmission_process(transmission.pk) == "succeeded"
        return Audience.objects.get(l2_segment_name=segment)

    return load


@pytest.fixture
def signed_in(page, sign_in, member_a):
    sign_in(page, member_a)
    return page


def table_names(page) -> list[str]:
    return page.locator("#audience-table tbody td.name-cell").all_inner_texts()


def open_details(page, name: str):
    page.get_by_role("link", name=name, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_the_table_sorts_searches_and_keeps_its_state_in_the_url(signed_in, org_a, screenshot):
    page = signed_in
    for name, voters in [("Bravo voters", 300), ("alpha voters", 100), ("Charlie voters", 200)]:
        AudienceFactory(organization=org_a, name=name, voter_count=voters)
    page.goto("/audiences/")
    expect(page.get_by_role("heading", name="Segmented Audience")).to_be_visible()

    page.get_by_role("link", name="Name").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(page.locator("#audience-table tbody tr").first).to_contain_text("alpha voters")
    assert table_names(page) == ["alpha voters", "Bravo voters", "Charlie voters"]
    screenshot(page, "segmented-audience-table")
    expect(page.get_by_role("columnheader", name=re.compile("Name"))).to_have_attribute(
        "aria-sort", "ascending"
    )

    page.get_by_role("link", name=re.compile("^Voters")).click()
    expect(page).to_have_url(re.compile(r"sort=-voters"))
    expect(page.locator("#audience-table tbody tr").first).to_contain_text("Bravo voters")

    search = page.get_by_role("searchbox", name="Search audiences by name or ID")
    search.fill("charlie")
    expect(page).to_have_url(re.compile(r"q=charlie"))
    expect(page.locator("#audience-table tbody tr")).to_have_count(1)
    page.get_by_label("Number of voters").select_option(label="Under 10 K voters")
    expect(page).to_have_url(re.compile(r"size=lt10k"))

    # Back and Forward bring the filters back together with the table (no page is kept by the browser).
    page.go_back()
    expect(page.get_by_label("Number of voters")).to_have_value("")
    expect(search).to_have_value("charlie")
    expect(page.locator("#audience-table tbody tr")).to_have_count(1)
    page.go_back()
    expect(search).to_have_value("")
    expect(page.locator("#audience-table tbody tr")).to_have_count(3)
    page.go_forward()
    expect(search).to_have_value("charlie")
    expect(page.locator("#audience-table tbody tr")).to_have_count(1)
    page.go_back()
    page.reload()  # a bookmark brings the same view back
    expect(page).to_have_url(re.compile(r"sort=-voters"))
    expect(page.locator("#audience-table tbody tr").first).to_contain_text("Bravo voters")


def test_details_show_the_make_up_and_focus_moves_in_and_back(signed_in, load_audience, screenshot):
    page = signed_in
    audience = load_audience("Franklin Dems", rows=400)
    page.goto("/audiences/")
    link = page.get_by_role("link", name="Franklin Dems")
    link.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Audience Details")).to_be_visible()
    expect(dialog).to_contain_text("Franklin Dems")
    for chart in ["Party", "Gender", "Age", "State", "Top counties", "Congressional district"]:
        expect(dialog.get_by_role("heading", name=chart, exact=True)).to_be_visible()
    expect(dialog).to_contain_text(f"{audience.voter_count:,}")
    expect(dialog).to_contain_text("0000100010482")  # its L2 universe id
    expect(dialog.get_by_role("row", name=re.compile("Succeeded"))).to_be_visible()
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    screenshot(page, "audience-details-pop-up", dialog)

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()


def test_edit_audience_saves_and_cancel_leaves_it(signed_in, org_a, screenshot):
    page = signed_in
    AudienceFactory(organization=org_a, name="Early voters")
    page.goto("/audiences/")
    dialog = open_details(page, "Early voters")
    dialog.get_by_role("button", name="Edit Audience").click()
    edit = page.get_by_role("dialog", name="Edit Segmented Audience")
    expect(edit).to_be_visible()
    edit.get_by_label("Audience name").fill("")
    edit.get_by_role("button", name="Save").click()
    # Said beside the field, and in the summary at the top of the form.
    expect(edit.locator(".field-error", has_text="This field is required.")).to_be_visible()
    expect(edit.get_by_role("alert")).to_contain_text("Audience name: This field is required.")
    edit.get_by_label("Audience name").fill("Early voters – Franklin")
    edit.get_by_label("Notes").fill("From the county file")
    screenshot(page, "edit-segmented-audience-pop-up", edit)
    edit.get_by_role("button", name="Save").click()
    expect(edit).to_be_hidden()
    expect(page.locator("#audience-table")).to_contain_text("Early voters – Franklin")
    expect(page.get_by_role("status").last).to_contain_text("Saved")

    dialog = open_details(page, "Early voters – Franklin")
    dialog.get_by_role("button", name="Edit Audience").click()
    edit = page.get_by_role("dialog", name="Edit Segmented Audience")
    edit.get_by_label("Audience name").fill("Should not stick")
    edit.get_by_role("button", name="Cancel").click()
    expect(edit).to_be_hidden()
    expect(page.locator("#audience-table")).to_contain_text("Early voters – Franklin")
    assert Audience.objects.get().name == "Early voters – Franklin"


def test_duplicate_makes_a_copy_on_the_same_voters(signed_in, load_audience):
    page = signed_in
    original = load_audience("Voted early", rows=120)
    page.goto("/audiences/")
    dialog = open_details(page, "Voted early")
    dialog.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_role("status").last).to_contain_text("Duplicated as “Voted early (copy)”")
    expect(page.get_by_role("link", name="Voted early (copy)")).to_be_visible()
    copy = Audience.objects.get(name="Voted early (copy)")
    assert copy.current_version_id == original.current_version_id and copy.voter_count == 120


def test_delete_is_offered_only_once_no_campaign_uses_it(signed_in, org_a, screenshot):
    page = signed_in
    audience = AudienceFactory(organization=org_a, name="Already voted")
    campaign = CampaignFactory(insertion_order__organization=org_a, name="GOTV Mobile")
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk]
    )
    page.goto("/audiences/")

    details = open_details(page, "Already voted")
    expect(details.get_by_role("link", name="GOTV Mobile")).to_be_visible()
    expect(details.get_by_role("button", name="Delete")).to_have_count(0)
    expect(details).to_contain_text("take it off their Allowlists and Blocklists to delete it")
    screenshot(page, "delete-not-offered-while-in-use", details)
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()
    assert Audience.objects.filter(pk=audience.pk).exists()

    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], remove=[audience.pk]
    )
    page.reload()
    open_details(page, "Already voted").get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name=re.compile("Delete"))
    screenshot(page, "delete-confirmation-pop-up", confirm)
    confirm.get_by_role("button", name="Delete").click()
    expect(confirm).to_be_hidden()
    expect(page.get_by_role("link", name="Already voted")).to_have_count(0)
    assert not Audience.objects.filter(pk=audience.pk).exists()


def tick(page, *names):
    for name in names:
        page.get_by_role("checkbox", name=f"Select {name}").check()


def test_add_to_campaign_by_picking_campaigns(signed_in, org_a, screenshot):
    page = signed_in
    AudienceFactory(organization=org_a, name="Voted early")
    AudienceFactory(organization=org_a, name="Moved away")
    io = InsertionOrderFactory(organization=org_a, name="General 2026")
    CampaignFactory(insertion_order=io, name="GOTV Display")
    CampaignFactory(insertion_order=io, name="GOTV Mobile")
    CampaignFactory(insertion_order=io, name="Persuasion CTV")
    page.goto("/audiences/")
    expect(page.get_by_role("button", name="Add To Campaign")).to_be_disabled()
    tick(page, "Voted early", "Moved away")
    expect(page.get_by_text("2 selected")).to_be_visible()
    page.get_by_role("button", name="Add To Campaign").click()

    dialog = page.get_by_role("dialog", name="Add To Campaign")
    dialog.get_by_role("combobox", name="Campaigns", exact=True).fill("gotv")
    options = dialog.get_by_role("listbox", name="Matching campaigns").get_by_role("option")
    expect(options).to_have_count(2)
    options.filter(has_text="GOTV Display").click()
    options.filter(has_text="GOTV Mobile").click()
    expect(dialog.get_by_role("list", name="Chosen campaigns").get_by_role("listitem")).to_have_count(2)
    dialog.get_by_label("Blocklist").check()
    screenshot(page, "add-to-campaign-pop-up", dialog)
    dialog.get_by_role("button", name="Update").click()

    result = page.get_by_role("dialog", name="Add To Campaign: result")
    expect(result.get_by_role("list", name="Result per campaign").locator(":scope > li")).to_have_count(2)
    expect(result).to_contain_text("“Voted early” added to the Blocklist")
    screenshot(page, "add-to-campaign-result-pop-up", result)
    result.get_by_role("button", name="Close").first.click()
    expect(
        page.locator("#audience-table tbody tr", has_text="Voted early").locator("td").nth(10)
    ).to_have_text("2")
    assert CampaignAudience.objects.filter(list_type="blocklist").count() == 4


def test_add_to_campaign_by_insertion_order_reports_refusals(signed_in, org_a):
    page = signed_in
    AudienceFactory(organization=org_a, name="Voted early")
    io = InsertionOrderFactory(organization=org_a, name="General 2026")
    CampaignFactory(insertion_order=io, name="GOTV Display")
    CampaignFactory(insertion_order=io, name="Local news PG", campaign_type=CampaignType.PG)
    page.goto("/audiences/")
    tick(page, "Voted early")
    page.get_by_role("button", name="Add To Campaign").click()
    dialog = page.get_by_role("dialog", name="Add To Campaign")
    dialog.get_by_role("button", name="Update").click()
    expect(
        dialog.locator(".field-error", has_text="Choose at least one campaign, or an insertion order.")
    ).to_be_visible()
    expect(dialog.get_by_role("alert")).to_contain_text(
        "Choose at least one campaign, or an insertion order."
    )
    dialog.get_by_label("Or an insertion order (all its campaigns)").select_option(label="General 2026")
    dialog.get_by_label("Blocklist").check()
    dialog.get_by_role("button", name="Update").click()
    result = page.get_by_role("dialog", name="Add To Campaign: result")
    expect(result).to_contain_text("“Voted early” added to the Blocklist")
    expect(result).to_contain_text("Skipped: a PG campaign takes no audience targeting.")


def test_create_campaign_with_the_ticked_audiences(signed_in, org_a, screenshot):
    page = signed_in
    AudienceFactory(organization=org_a, name="Suburban women")
    AudienceFactory(organization=org_a, name="Young renters")
    io = InsertionOrderFactory(organization=org_a, name="General 2026")
    CampaignFactory(insertion_order=io, name="Persuasion CTV")
    page.goto("/audiences/")
    tick(page, "Suburban women", "Young renters")
    page.get_by_role("button", name="Create Campaign").click()
    dialog = page.get_by_role("dialog", name="Create Campaign")
    dialog.get_by_label("Insertion order").select_option(label="General 2026")
    dialog.get_by_label("Campaign name").fill("persuasion ctv")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.locator(".field-error", has_text="already exists in this organization")).to_be_visible()
    expect(dialog.get_by_role("alert").first).to_contain_text("already exists in this organization")
    expect(dialog.get_by_label("Campaign name")).to_have_value("persuasion ctv")  # kept as typed
    dialog.get_by_label("Campaign name").fill("Persuasion Display – Suburbs")
    screenshot(page, "create-campaign-pop-up", dialog)
    dialog.get_by_role("button", name="Create").click()
    result = page.get_by_role("dialog", name="Campaign created")
    expect(result).to_contain_text("“Suburban women” added to the Allowlist")
    expect(result).to_contain_text("“Young renters” added to the Allowlist")
    campaign = Campaign.objects.get(name="Persuasion Display – Suburbs")
    assert campaign.audience_targets.filter(list_type="allowlist").count() == 2
    result.get_by_role("link", name="Open the campaign").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.pk}/$"))
    expect(page.get_by_text("Suburban women").first).to_be_attached()


@pytest.mark.worker
def test_a_loading_audience_shows_progress_and_turns_ready_on_its_own(
    signed_in, org_a, worker_factory, tmp_path
):
    from l2_ingest.tasks import ingest_transmission

    page = signed_in
    path = tmp_path / "gotv.tsv"
    write_export(path, 2_000, seed=9)
    audience = Audience.objects.create(
        organization=org_a,
        name="GOTV universe",
        l2_segment_name="GOTV universe",
        status=AudienceStatus.PROCESSING,
    )
    transmission = stored_transmission(org_a, path.read_bytes(), segment="GOTV universe", audience=audience)
    page.goto("/audiences/")
    bar = page.get_by_role("progressbar", name="Loading GOTV universe")
    expect(bar).to_have_attribute("value", "0")

    Transmission.objects.filter(pk=transmission.pk).update(progress=0.5)
    expect(bar).to_have_attribute("value", "50")  # no reload: the row polls

    worker_factory()
    ingest_transmission.delay(str(transmission.pk))
    row = page.locator(f"#audience-{audience.pk}")
    expect(row.locator(".badge")).to_have_text("Ready", timeout=30_000)
    expect(row).to_contain_text("2,000")
    expect(row.get_by_role("progressbar")).to_have_count(0)


def test_a_newly_pushed_audience_appears_without_a_reload_and_ticks_stay(signed_in, org_a, settings):
    settings.TABLE_POLL_SECONDS = 1
    AudienceFactory(organization=org_a, name="Already here")
    page = signed_in
    page.goto("/audiences/")
    tick(page, "Already here")
    expect(page.get_by_text("1 selected")).to_be_visible()

    # As an L2 push creates it: nobody on the page did anything.
    AudienceFactory(organization=org_a, name="Pushed from L2")
    expect(page.get_by_role("link", name="Pushed from L2")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Select Already here")).to_be_checked()
    expect(page.get_by_role("button", name="Add To Campaign")).to_be_enabled()
