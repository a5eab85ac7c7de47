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
HOMEPAGE = re.compile(r"^https?://[^/]+/$")


class _WatchedPage:
    """A page in a context of its own that records JavaScript errors and Content-Security-Policy
    violations, for the test to fail on once it is done."""

    def __init__(self, browser, base_url: str, **context_options):
        self.context = browser.new_context(base_url=base_url, **context_options)
        self.context.set_default_timeout(10_000)
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.context.expose_function("__cspViolation", lambda text: self.violations.append(text))
        self.context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: CSP_CONSOLE.search(message.text) and self.violations.append(message.text),
        )

    def close_and_check(self) -> None:
        self.context.close()
        assert self.errors == [], f"JavaScript errors on the page: {self.errors}"
        assert self.violations == [], f"Content-Security-Policy violations: {self.violations}"


@pytest.fixture
def page(browser, live_server):
    """A Chromium page; the test fails on any JavaScript error or Content-Security-Policy violation."""
    watched = _WatchedPage(browser, live_server.url, viewport={"width": 1400, "height": 900})
    yield watched.page
    watched.close_and_check()


@pytest.fixture
def page_at(browser, live_server):
    """Opens pages of a given window size: ``page_at(390, 844, touch=True)`` is a phone (touch, and the
    page's viewport meta honoured), ``page_at(1440, 900)`` a desktop. Each fails the test on JavaScript
    errors and Content-Security-Policy violations, as ``page`` does."""
    opened: list[_WatchedPage] = []

    def open_page(width: int, height: int, touch: bool = False):
        options = {"viewport": {"width": width, "height": height}}
        if touch:
            options.update(has_touch=True, is_mobile=True)
        opened.append(_WatchedPage(browser, live_server.url, **options))
        return opened[-1].page

    yield open_page
    for watched in opened:
        watched.close_and_check()


@pytest.fixture
def signed_in_at(page_at, sign_in, member_a):
    """A page of a given window size, signed in as ``member_a``: ``signed_in_at(390, 844, True)`` is a phone."""

    def open_at(width: int, height: int, touch: bool = False):
        page = page_at(width, height, touch=touch)
        sign_in(page, member_a)
        return page

    return open_at


@pytest.fixture
def eager_tasks():
    """Tasks run in the process that queues them (reach figures counted right after a Save), as a worker
    would a moment later."""
    from iqm_portal.celery import app

    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    yield
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)


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
        page.wait_for_url(HOMEPAGE)  # people land on the homepage, which launches the apps

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
