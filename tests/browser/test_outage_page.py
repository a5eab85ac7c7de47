"""The page people get while PostgreSQL is out, in a real browser: readable at both widths, within the
Content-Security-Policy, and it tries again by itself."""

import pytest
from playwright.sync_api import expect

from tests.portal.test_outages import CLOSED_DATABASE, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1440, 390])
def test_the_503_page_when_the_database_is_out(browser, gunicorn_factory, member_a, screenshot, width):
    name, value = session_cookie(member_a).split("=", 1)
    url = gunicorn_factory(DATABASE_URL=CLOSED_DATABASE)
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([{"name": name, "value": value, "url": url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if "Refused" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        response = page.goto(f"{url}/audiences/")
        assert response.status == 503 and int(response.headers["retry-after"]) > 0
        expect(page.get_by_role("heading", name="Back in a moment")).to_be_visible()
        expect(page.locator('meta[http-equiv="refresh"]')).to_have_attribute("content", "30")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        screenshot(page, f"outage-page-{width}")
        assert problems == []
    finally:
        context.close()
