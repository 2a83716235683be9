"""The app can be used with the keyboard alone: reach controls with Tab, act with Enter/Space."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.fixture
def demo_people(app):
    from app.demo.services import seed_people
    from app.extensions import db
    from app.reports.seed import load_categories

    with app.app_context():
        seed_people()
        load_categories()
        db.session.commit()


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    from playwright.sync_api import Error

    for _ in range(limit):
        page.keyboard.press("Tab")
        try:
            if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        except Error:
            # The page navigated under us (htmx or the service worker): start again from its top.
            page.wait_for_load_state()
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_log_in_and_use_the_feed_with_the_keyboard(page, demo_people):
    page.goto("/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    tab_to(page, "a[href='/auth/login']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/auth/login")
    tab_to(page, "#login-vneid")
    page.keyboard.press("Enter")
    tab_to(page, "#identity-demo-citizen-lan")
    page.keyboard.press("Enter")
    expect(page.locator(".greeting")).to_contain_text("Nguyễn Thị Lan")
    page.goto("/reports")
    page.wait_for_load_state("networkidle")
    tab_to(page, "#filter-category")
    page.keyboard.press("ArrowDown")
    tab_to(page, "form[action='/reports'] button[type=submit], form.filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reports?*category=*")
    tab_to(page, "button.lang-switch, form.lang button")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
