"""Issue 13 in a real browser: a police officer publishes an alert and a subscribed citizen finds
it in the inbox; a citizen answers a survey with JavaScript disabled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as


@pytest.fixture
def people(app):
    from app.demo.services import seed_people
    from app.extensions import db

    with app.app_context():
        seed_people()
        db.session.commit()


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()


def test_police_publishes_an_alert_and_a_subscriber_sees_it(page, people):
    # The citizen subscribes to scam alerts in the whole city.
    log_in_as(page, "demo-citizen-lan")
    page.goto("/alerts/subscriptions")
    page.select_option("#ward", value="city")
    page.check('input[name="kinds"][value="scam"]')
    page.locator("#subscription-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Thủ đoạn lừa đảo — Toàn thành phố")
    log_out(page)

    # The police officer writes the alert and publishes it.
    log_in_as(page, "demo-police")
    page.goto("/alerts/manage")
    page.locator("#new-alert").click()
    page.wait_for_url("**/alerts/new")
    page.check('input[name="kind"][value="scam"]')
    page.check('input[name="severity"][value="severe"]')
    page.fill("#title", "Giả danh nhân viên ngân hàng gọi điện nâng hạn mức thẻ")
    page.fill("#summary", "Kẻ gian xin mã OTP để “nâng hạn mức” rồi rút sạch tài khoản.")
    page.fill("#body", "Ngân hàng **không bao giờ** hỏi mã OTP.")
    page.fill("#valid_from", "2026-01-01T08:00")
    page.fill("#valid_until", "2099-01-01T08:00")
    page.locator("#alert-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/alerts/\d+$"))
    page.locator("#publish-alert").click()
    expect(page.locator(".flash-success")).to_contain_text("Cảnh báo đã được công bố")
    log_out(page)

    # The citizen finds it in the inbox and opens it.
    log_in_as(page, "demo-citizen-lan")
    page.goto("/notifications")
    link = page.get_by_role("link", name=re.compile("Cảnh báo: Giả danh nhân viên ngân hàng"))
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("main strong").first).to_contain_text("không bao giờ")
    page.goto("/")
    expect(page.locator("#home-alert")).to_contain_text("Giả danh nhân viên ngân hàng")
    # The list's cards use the whole width of the phone (they have no thumbnail column).
    page.goto("/alerts")
    title = page.locator(".alert-item .feed-title").first.bounding_box()
    card = page.locator(".alert-item").first.bounding_box()
    assert title["width"] > card["width"] * 0.8


@pytest.fixture
def open_survey(app, people):
    from app.auth.models import User
    from app.core.models import utcnow
    from app.extensions import db
    from app.places import services as places
    from app.surveys import services

    with app.app_context():
        official = db.session.scalar(__import__("sqlalchemy").select(User).where(User.full_name == "Lê Văn Hùng"))
        now = utcnow()
        survey = services.create(official, ward_id=places.ward_by_codename("phuong_hoan_kiem").id, agency_id=None,
                                 title="Hài lòng về bộ phận một cửa", description="",
                                 open_from=now - timedelta(days=1), open_until=now + timedelta(days=5))
        services.add_question(survey, official, label="Thái độ cán bộ", label_en="Staff", kind="rating",
                              required=True, options=[])
        services.add_question(survey, official, label="Thủ tục", label_en="Procedure", kind="single", required=True,
                              options=[("Hộ tịch", "Civil status"), ("Đất đai", "Land")])
        services.add_question(survey, official, label="Góp ý", label_en="Suggestions", kind="long_text",
                              required=False, options=[])
        services.publish(survey, official)
        db.session.commit()
        return survey.id


def test_citizen_answers_a_survey_without_javascript(browser, live_server, open_survey):
    context = browser.new_context(base_url=live_server, locale="vi-VN", java_script_enabled=False,
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto("/auth/login")
        page.locator("#login-vneid").click()
        page.locator("#identity-demo-citizen-minh").click()
        page.goto("/surveys")
        page.get_by_role("link", name="Hài lòng về bộ phận một cửa").click()
        # A missing required answer: the server says so and keeps what was given.
        page.check('input[type=radio][value="4"]')
        page.fill("textarea", "Cần thêm ghế chờ.")
        page.locator("#survey-form button[type=submit]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        expect(page.locator('input[type=radio][value="4"]')).to_be_checked()
        expect(page.locator("textarea")).to_have_value("Cần thêm ghế chờ.")
        page.get_by_label("Hộ tịch").check()
        page.locator("#survey-form button[type=submit]").click()
        expect(page.locator("#survey-done")).to_be_visible()
        expect(page.locator("#survey-form")).to_have_count(0)
    finally:
        context.close()
