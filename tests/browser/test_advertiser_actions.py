"""What advertisers do on the Audiences and Campaigns pages, at 1440 px: a double click acts once and a
button waits for its request; the type counts follow; the words people look for; renaming in place, bulk
delete and the voters filter; and the small things (no Data CPM, zero shares, PG campaigns skipped)."""

import re

import pytest
from playwright.sync_api import expect

from audiences.models import Audience
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from tests.browser.advertiser import (
    FAILED_NAME,
    LONG_NAME,
    Held,
    advertiser_world,
    cell_in,
    copies,
    tick,
)
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, CampaignFactory

DUPLICATE = re.compile(r"/audiences/\d+/duplicate/$")
NOTE_SAVE_ON_LEAVING = """() => addEventListener("pagehide", () => {
  const saves = Array.from(document.querySelectorAll("button")).filter((b) => b.textContent.trim() === "Save");
  sessionStorage.setItem("saveWasDisabled", String(saves.length === 1 && saves[0].disabled));
})"""


@pytest.fixture
def world(org_a, eager_tasks):
    return advertiser_world(org_a)


def test_a_double_click_acts_once_and_buttons_wait_for_their_request(signed_in_at, world, org_a):
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    # Duplicate from the ⋯ menu, double-clicked: the menu closes on the first click, the item waits.
    page.get_by_role("button", name="Actions for Likely Dem voters").click()
    menu = page.get_by_role("menu", name="Actions for Likely Dem voters", include_hidden=True)
    item = menu.get_by_role("menuitem", name="Duplicate", include_hidden=True)
    held = Held(page, DUPLICATE)
    item.dblclick()
    expect(item).to_be_disabled()
    held.release()
    expect(page.get_by_text("Duplicated as “Likely Dem voters (copy)”")).to_be_visible()
    # The table is drawn again, with one copy in it.
    expect(page.get_by_role("link", name="Likely Dem voters (copy)")).to_have_count(1)
    assert held.count == 1 and copies("Likely Dem voters") == 1

    # Duplicate from Audience Details, double-clicked.
    page.get_by_role("link", name="Already voted", exact=True).click()
    details = page.get_by_role("dialog", name="Audience Details")
    duplicate = details.get_by_role("button", name="Duplicate")
    held = Held(page, DUPLICATE)
    duplicate.dblclick()
    expect(duplicate).to_be_disabled()
    held.release()
    expect(details).to_have_count(0)
    expect(page.get_by_text("Duplicated as “Already voted (copy)”")).to_be_visible()
    expect(page.get_by_role("link", name="Already voted (copy)")).to_have_count(1)
    assert held.count == 1 and copies("Already voted") == 1

    # Save in Edit, Create in Create Campaign, Update in Add To Campaign: each waits for its answer.
    page.get_by_role("button", name="Actions for Already voted", exact=True).click()
    page.get_by_role("menuitem", name="Edit").click()
    edit = page.get_by_role("dialog", name="Edit Segmented Audience")
    edit.get_by_label("Audience name").fill("Already voted – Ohio")
    held = Held(page, re.compile(r"/audiences/\d+/edit/$"))
    edit.get_by_role("button", name="Save").click()
    expect(edit.get_by_role("button", name="Save")).to_be_disabled()
    held.release()
    expect(edit).to_have_count(0)

    tick(page, "Already voted – Ohio")
    page.get_by_role("button", name="Create Campaign").click()
    create = page.get_by_role("dialog", name="Create Campaign")
    create.get_by_label("Insertion order").select_option(label="2026 General – Ohio")
    create.get_by_label("Campaign name").fill("Chase – Already voted")
    held = Held(page, re.compile(r"/audiences/create-campaign/"))
    create.get_by_role("button", name="Create").dblclick()
    expect(create.get_by_role("button", name="Create")).to_be_disabled()
    held.release()
    expect(page.get_by_role("dialog", name="Campaign created")).to_be_visible()
    page.keyboard.press("Escape")
    expect(cell_in(page, "Already voted – Ohio", "Allowlisted")).to_have_text("1")  # the table drawn again
    assert held.count == 1 and org_a.campaigns.filter(name="Chase – Already voted").count() == 1

    tick(page, "Likely Dem voters")
    page.get_by_role("button", name="Add To Campaign").click()
    add = page.get_by_role("dialog", name="Add To Campaign")
    add.get_by_label("Or an insertion order (all its campaigns)").select_option(label="2026 General – Ohio")
    held = Held(page, re.compile(r"/add-to-campaign/"))
    add.get_by_role("button", name="Update").click()
    expect(add.get_by_role("button", name="Update")).to_be_disabled()
    held.release()
    expect(page.get_by_role("dialog", name="Add To Campaign: result")).to_be_visible()

    # A campaign's Save (a plain form) also waits for its answer: it is still disabled when the page is left
    # for the answer (the old page notes it down as it goes).
    page.goto(f"/campaigns/{world['advanced'].pk}/")
    page.get_by_label("Campaign name").fill("GOTV Display – Franklin County")
    page.evaluate(NOTE_SAVE_ON_LEAVING)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved “GOTV Display – Franklin County”.")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('saveWasDisabled')") == "true"


def test_the_type_counts_follow_duplicate_and_delete_without_a_reload(signed_in_at, world):
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    page.evaluate("window.sameDocument = true")
    types = page.get_by_role("navigation", name="Audience types")
    segmented = types.get_by_role("link", name=re.compile("^Segmented"))
    every = types.get_by_role("link", name=re.compile("^All"))
    expect(segmented).to_have_text(re.compile(r"^Segmented\s*5$"))

    page.get_by_role("button", name="Actions for Likely Dem voters").click()
    page.get_by_role("menuitem", name="Duplicate").click()
    expect(segmented).to_have_text(re.compile(r"^Segmented\s*6$"))
    expect(every).to_have_text(re.compile(r"^All\s*6$"))

    page.get_by_role("button", name="Actions for Likely Dem voters (copy)").click()
    page.get_by_role("menuitem", name="Delete").click()
    page.get_by_role("dialog", name=re.compile("^Delete")).get_by_role("button", name="Delete").click()
    expect(segmented).to_have_text(re.compile(r"^Segmented\s*5$"))
    expect(every).to_have_text(re.compile(r"^All\s*5$"))
    assert page.evaluate("window.sameDocument === true"), "the page was loaded again"


# --- Words, the table's own tools, and polish (at 1440 px) -----------------------------------------------------


def test_the_words_people_look_for(signed_in_at, world):
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    expect(page.get_by_role("columnheader", name="Audience Name")).to_be_visible()
    page.get_by_role("button", name="Actions for Already voted").click()
    page.get_by_role("menuitem", name="Audience Details").click()
    expect(page.get_by_role("dialog", name="Audience Details")).to_contain_text("Already voted")
    page.keyboard.press("Escape")
    page.get_by_role("banner").locator("summary").click()
    page.get_by_role("banner").get_by_role("link", name="My Profile").click()
    expect(page.get_by_role("heading", name="My Profile", exact=True)).to_be_visible()


def test_a_name_is_renamed_in_place_enter_saves_and_escape_cancels(signed_in_at, world):
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    page.get_by_role("row", name=re.compile("Likely Dem voters")).hover()
    page.get_by_role("button", name="Rename Likely Dem voters").click()
    field = page.get_by_role("textbox", name="New name for Likely Dem voters")
    expect(field).to_be_focused()
    field.fill("Likely Democratic voters")
    field.press("Enter")
    expect(page.get_by_role("link", name="Likely Democratic voters", exact=True)).to_be_visible()
    expect(field).to_have_count(0)
    assert Audience.objects.get(pk=world["likely"].pk).name == "Likely Democratic voters"

    page.get_by_role("row", name=re.compile("Already voted")).hover()
    page.get_by_role("button", name="Rename Already voted").click()
    field = page.get_by_role("textbox", name="New name for Already voted")
    field.fill("Should not stick")
    field.press("Escape")
    expect(field).to_have_count(0)
    expect(page.get_by_role("link", name="Already voted", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Rename Already voted")).to_be_focused()  # back where it began
    assert Audience.objects.get(pk=world["voted"].pk).name == "Already voted"


def test_bulk_delete_deletes_the_free_ones_and_names_the_campaigns_of_the_others(signed_in_at, world):
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    tick(page, "Already voted", FAILED_NAME)
    page.get_by_role("button", name="Delete", exact=True).click()
    dialog = page.get_by_role("dialog", name="Delete audiences")
    in_use = dialog.get_by_role("listitem").filter(has_text="Already voted")
    expect(in_use.get_by_role("link", name="GOTV Display – Franklin")).to_be_visible()
    expect(in_use).to_contain_text("Blocklist")
    dialog.get_by_role("button", name="Delete 1 audience").click()
    result = page.get_by_role("dialog", name="Delete audiences: result")
    expect(result).to_contain_text(FAILED_NAME)
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name=FAILED_NAME)).to_have_count(0)
    expect(page.get_by_role("link", name="Already voted", exact=True)).to_be_visible()
    assert not Audience.objects.filter(pk=world["failed"].pk).exists()
    assert Audience.objects.filter(pk=world["voted"].pk).exists()


def test_the_voters_filter_narrows_the_rows_and_stays_in_the_address(signed_in_at, world):
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    voters = page.get_by_role("combobox", name="Voters")
    rows = page.get_by_role("checkbox", name=re.compile("^Select (?!all)"))
    expect(rows).to_have_count(5)
    voters.select_option(label="Under 10 K voters")
    expect(page).to_have_url(re.compile(r"size=lt10k"))
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name="Likely Dem voters", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Already voted", exact=True)).to_be_visible()
    voters.select_option(label="1 M and over voters")
    expect(page).to_have_url(re.compile(r"size=1m%2B"))
    expect(rows).to_have_count(1)
    page.reload()
    expect(voters).to_have_value("1m+")
    expect(page.get_by_title(LONG_NAME, exact=True)).to_be_visible()
    expect(rows).to_have_count(1)


def test_polish_no_cpm_is_a_dash_no_zero_carries_a_sign_and_pg_is_skipped(signed_in_at, world, org_a):
    AudienceFactory(organization=org_a, name="Priced list", data_cpm="1.50")
    # Two allowlisted audiences on the same voters (neither adds a voter of its own) and a blocklisted one
    # outside them (it keeps nobody out): every "Only this one" figure is zero.
    twin = AudienceFactory(organization=org_a, name="Likely Dem twin", voter_count=None)
    outside = AudienceFactory(organization=org_a, name="Out of state", voter_count=None)
    load_members(twin, range(1, 901))
    load_members(outside, range(5001, 5101))
    campaign = CampaignFactory(insertion_order=world["io"], name="Zero shares")
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        allowlist=[world["likely"].pk, twin.pk],
        blocklist=[outside.pk],
    )
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    expect(cell_in(page, "Likely Dem voters", "Data CPM")).to_have_text("—")
    expect(cell_in(page, "Priced list", "Data CPM")).to_have_text("$1.50")
    page.get_by_role("link", name="Likely Dem voters", exact=True).click()
    figures = page.get_by_role("dialog", name="Audience Details").get_by_label("Figures")
    expect(figures).to_contain_text(re.compile(r"Data CPM\s*—"))
    page.keyboard.press("Escape")

    page.goto(f"/campaigns/{campaign.pk}/")
    breakdown = page.get_by_role("table", name="How each audience contributes")
    expect(breakdown.get_by_role("row")).to_have_count(4)
    shares = [
        row.get_by_role("cell").last.text_content().strip() for row in breakdown.get_by_role("row").all()[1:]
    ]
    assert shares == ["0", "0", "0"], shares

    page.goto("/audiences/")
    tick(page, "Already voted")
    page.get_by_role("button", name="Add To Campaign").click()
    add = page.get_by_role("dialog", name="Add To Campaign")
    add.get_by_label("Or an insertion order (all its campaigns)").select_option(label="2026 General – Ohio")
    add.get_by_label("Blocklist").check()
    add.get_by_role("button", name="Update").click()
    result = page.get_by_role("dialog", name="Add To Campaign: result")
    pg = result.get_by_role("listitem").filter(has_text="PG Deal – Local News").first
    expect(pg).to_contain_text("Skipped: a PG campaign takes no audience targeting.")
    expect(pg).not_to_contain_text("✗")
    expect(result.get_by_role("listitem").filter(has_text="Zero shares").first).to_contain_text(
        "“Already voted” added to the Blocklist"
    )
