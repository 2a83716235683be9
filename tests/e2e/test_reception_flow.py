"""Issue 12 in a real browser: a level-2 citizen books a reception slot from the home page,
sees the confirmation with its QR code and downloads the .ics file."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as
from tests.reception.conftest import make_session  # noqa: F401  (fixture)


@pytest.fixture
def people(app):
    from app.demo.services import seed_people
    from app.extensions import db

    with app.app_context():
        seed_people()
        db.session.commit()


def test_a_verified_citizen_books_a_slot_and_downloads_the_ics(app, page, people, make_session, tmp_path):  # noqa: F811
    session_id = make_session(slots="09:00-09:30\n09:30-10:00", capacity=2, days=3)
    log_in_as(page, "demo-citizen-lan")
    page.goto("/")
    page.locator("#action-reception").click()
    page.locator(f"a[href='/reception/sessions/{session_id}']").click()
    expect(page.get_by_role("heading", name="Đăng ký tiếp công dân")).to_be_visible()
    page.get_by_role("radio", name=re.compile(r"^09:30")).check()
    page.get_by_label("Lĩnh vực").select_option("Trật tự đô thị")
    page.get_by_label("Nội dung bạn muốn trình bày").fill("Công trình bên cạnh xây dựng lấn sang phần đất nhà tôi.")
    page.get_by_role("button", name="Đăng ký khung giờ này").click()
    expect(page.get_by_text("Đăng ký của bạn đã được xác nhận.")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    code = page.locator("#booking-code").inner_text()
    assert code.startswith("TCD-")

    with page.expect_download() as info:
        page.locator("#download-ics").click()
    path = tmp_path / "booking.ics"
    info.value.save_as(path)
    [event] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    local = start.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (local.hour, local.minute, start.utcoffset()) == (9, 30, timedelta(hours=7))
    assert end - start == timedelta(minutes=30)
    assert code in str(event.get("description"))
