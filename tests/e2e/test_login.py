"""A newcomer logs in through the VNeID sandbox in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def demo_people(app):
    from app.demo.services import DEMO_PEOPLE
    from app.devidp import store

    with app.app_context():
        store.upsert_identities([{k: v for k, v in p.items() if k != "role"} for p in DEMO_PEOPLE])


def test_login_through_the_vneid_sandbox_and_switch_language(page, demo_people):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#action-report")).to_contain_text("Phản ánh, kiến nghị")
    page.get_by_role("link", name="Đăng nhập", exact=True).click()
    page.locator("#login-vneid").click()
    expect(page.locator("#sandbox-notice")).to_be_visible()
    page.locator("#identity-demo-citizen-lan").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".greeting")).to_contain_text("Nguyễn Thị Lan")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.get_by_role("link", name="Tài khoản của tôi").click()
    expect(page.locator("#identity-level")).to_contain_text("Mức 2")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#identity-level")).to_contain_text("Level 2")
