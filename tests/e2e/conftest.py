"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--headless=new",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def tracked_page(browser, live_server, expected=lambda error: False, *, routes=(), **options):
    """A phone-sized page that fails the test on any script or console error not ``expected``.

    ``routes``: (URL pattern, handler) pairs for ``context.route``; ``options`` go to
    ``browser.new_context`` (e.g. ``bypass_csp=True`` to inject axe)."""
    context = browser.new_context(**{"base_url": live_server, "locale": "vi-VN",
                                     "viewport": {"width": 390, "height": 844}, **options})
    for pattern, handler in routes:
        context.route(pattern, handler)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    unexpected = [e for e in errors if not expected(e)]
    assert unexpected == [], f"browser errors: {unexpected}"


@pytest.fixture
def page(browser, live_server):
    yield from tracked_page(browser, live_server)


def log_in_as(page, identity: str) -> None:
    """Log in through the VNeID sandbox as one of the demo identities, in any language."""
    from playwright.sync_api import expect

    page.goto("/auth/login")
    page.locator("#login-vneid").click()
    page.locator(f"#identity-{identity}").click()
    expect(page.locator("form[action='/auth/logout']")).to_be_visible()
