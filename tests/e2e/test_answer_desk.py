"""Issue 12's answer desk in a real browser: a phone-verified (level 1) citizen asks a question
without diacritics and gets a procedure as the first answer, with its source."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect


@pytest.fixture
def desk(app):
    from bench.answer_desk import load_sample_data

    with app.app_context():
        load_sample_data()


def log_in_by_phone(app, page, phone: str) -> None:
    from app.core.sms import DevSmsMessage
    from app.extensions import db

    page.goto("/auth/login")
    page.fill("#phone", phone)
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_selector("#code")
    with app.app_context():
        body = db.session.scalars(sa.select(DevSmsMessage.body).order_by(DevSmsMessage.id.desc())).first()
    page.fill("#code", re.search(r"\d{6}", body).group(0))
    page.locator("form:has(#code) button[type=submit]").first.click()
    expect(page.locator("form[action='/auth/logout']")).to_be_visible()


def test_a_level_one_citizen_gets_a_procedure_first(app, page, desk):
    log_in_by_phone(app, page, "0912 345 678")
    page.goto("/")
    page.locator("#action-ask").click()
    page.wait_for_url("**/ask")
    page.fill("#q", "xin giay phep xay dung nha o")
    page.get_by_role("button", name="Hỏi", exact=True).click()
    best = page.locator("#best-answer")
    expect(best).to_be_visible()
    expect(best.locator(".tag")).to_have_text("Thủ tục")
    expect(best.locator("h3 a")).to_contain_text("giấy phép xây dựng")
    best.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/procedures/\d+$"))
    expect(page.locator("h1")).to_contain_text("giấy phép xây dựng")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_public_services_pages_have_no_axe_violations(app, browser, live_server, desk, lang):
    from app.demo.services import seed_people
    from app.extensions import db
    from tests.e2e.conftest import log_in_as
    from tests.e2e.test_accessibility import violations

    with app.app_context():
        seed_people()
        db.session.commit()
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    found = {}
    paths = ("/procedures", "/procedures?q=khai+sinh", "/ask?q=lam+the+can+cuoc+o+dau", "/ask?q=gia+vang+hom+nay",
             "/health-book")
    for path in paths:
        page.goto(path)
        found[path] = violations(page)
    log_in_as(page, "demo-citizen-lan")
    for path in ("/procedures/complaints/new", "/health-book", "/procedures/1"):
        page.goto(path)
        found[path] = violations(page)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}
