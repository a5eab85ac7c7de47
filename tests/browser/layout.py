"""Checks of a page's layout at a window size, shared by the browser tests."""

from playwright.sync_api import expect

# Elements running past the window's right edge (inside a scrolling table or pop-up body is fine).
WIDER_THAN_THE_WINDOW = """(width) => {
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const scroller = element.parentElement && element.parentElement.closest(".table-wrap, .modal-body, dialog");
    if (scroller) continue;
    const right = Math.round(element.getBoundingClientRect().right);
    if (right > width) wide.push(`${element.tagName.toLowerCase()}.${element.className} ends at ${right}px`);
  }
  return wide.slice(0, 8);
}"""

# What a tap at the middle of an element would reach: the element itself (or something inside it).
TAP_REACHES = """(element) => {
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return hit !== null && (hit === element || element.contains(hit));
}"""

# A pop-up and the parts of it that scroll, each wider inside than it is (tables scroll in their own box).
WIDER_THAN_ITSELF = """(dialog) => [dialog, ...dialog.querySelectorAll(".modal-body")]
  .filter((box) => box.scrollWidth > box.clientWidth)
  .map((box) => `${box.tagName.toLowerCase()}.${box.className}: ${box.scrollWidth}px in ${box.clientWidth}px`)"""

# WCAG 2.2's minimum target size (2.5.8): 24 by 24 CSS pixels.
MIN_TARGET = 24


def assert_no_horizontal_overflow(page) -> None:
    """The page is no wider than the window: nothing to scroll sideways."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(WIDER_THAN_THE_WINDOW, width)
        raise AssertionError(f"the page is {scroll_width}px wide in a {width}px window: {wide}")


def assert_tappable(locator) -> None:
    """Visible, inside the window, big enough for a finger, and not covered by anything else."""
    expect(locator).to_be_visible()
    page = locator.page
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (
        f"{locator} runs off the window: {box}"
    )
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (
        f"{locator} is out of view: {box}"
    )
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, f"{locator} is too small to tap: {box}"
    assert locator.evaluate(TAP_REACHES), f"something covers {locator}"


def assert_fits_the_window(locator) -> None:
    """An element (a pop-up) lies wholly inside the window, and nothing in it runs past its own width."""
    page = locator.page
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{locator} is wider: {box}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], f"{locator} is taller: {box}"
    wide = locator.evaluate(WIDER_THAN_ITSELF)
    assert wide == [], f"{locator} scrolls sideways: {wide}"
