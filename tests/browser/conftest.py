"""Real Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import totp_code
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RESULTS = Path(settings.BASE_DIR) / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation of a document to the test (Playwright's init scripts run
# outside the page's policy). Chromium also logs each one to the console as "Refused to …".
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : "";
  const element = event.target instanceof Element ? ` in ${event.target.outerHTML.slice(0, 200)}` : "";
  window.__cspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}${element}${where} on ${event.documentURI}`
  );
}, true);
"""
CSP_CONSOLE = re.compile(r"Refused to|Content Security Policy", re.IGNORECASE)


class _Pages:
    """Chromium pages, each in a context of its own; on closing, the JavaScript errors and the
    Content-Security-Policy violations any of them met fail the test."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.errors: list[str] = []
        self.violations: list[str] = []

    def open(self, width: int, height: int, touch: bool = False):
        options = {"has_touch": True, "is_mobile": True} if touch else {}
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": width, "height": height}, **options
        )
        self.contexts.append(context)
        context.set_default_timeout(10_000)
        context.expose_function("__cspViolation", lambda text: self.violations.append(text))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda message: CSP_CONSOLE.search(message.text) and self.violations.append(message.text),
        )
        return page

    def close(self):
        for context in self.contexts:
            context.close()
        assert self.errors == [], f"JavaScript errors on the page: {self.errors}"
        assert self.violations == [], f"Content-Security-Policy violations: {self.violations}"


@pytest.fixture
def page(browser, live_server):
    """A Chromium page, 1400 px wide; the test fails on any JavaScript error or Content-Security-Policy
    violation."""
    pages = _Pages(browser, live_server.url)
    yield pages.open(1400, 900)
    pages.close()


@pytest.fixture
def page_at(browser, live_server):
    """Opens a Chromium page of another size: ``page_at(390, 844, touch=True)`` is a phone (touch, mobile
    viewport). Each page is a browser context of its own, checked as ``page`` is."""
    pages = _Pages(browser, live_server.url)
    yield pages.open
    pages.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under test-results/ (the pop-ups users see, for people to look at)."""
    RESULTS.mkdir(exist_ok=True)

    def take(page, name: str, locator=None, full_page: bool = False):
        path = RESULTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
        # caret="initial": hiding the caret writes style attributes into the page's inputs, which htmx's
        # history snapshot would carry back in as inline styles the Content-Security-Policy refuses.
        if locator is not None:
            locator.screenshot(path=str(path), caret="initial")
        else:
            page.screenshot(path=str(path), full_page=full_page, caret="initial")
        return path

    return take


@pytest.fixture
def sign_in():
    def sign_in(page, user, password: str = PASSWORD):
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/audiences/"))

    return sign_in


@pytest.fixture
def admin_sign_in():
    """Sign in to the admin site through its form, with the authenticator's current code."""

    def admin_sign_in(page, user, device, password: str = PASSWORD):
        page.goto("/admin/")
        page.wait_for_url(re.compile(r"/admin/login/"))
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_label("Authenticator code").fill(totp_code(device))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/admin/$"))

    return admin_sign_in
