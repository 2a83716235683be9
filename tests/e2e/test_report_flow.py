"""Issue 3's journey in a real browser: a citizen files a report with a photo, the ward
official accepts and resolves it with a result photo, the citizen sees before/after and rates."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as


def jpeg(colour) -> bytes:
    img = Image.new("RGB", (1200, 900), colour)
    ImageDraw.Draw(img).ellipse([400, 300, 800, 600], fill=(30, 30, 30))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


@pytest.fixture
def people(app):
    from app.demo.services import seed_people
    from app.extensions import db
    from app.reports.seed import load_categories

    with app.app_context():
        seed_people()
        load_categories()
        db.session.commit()


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()


def test_file_accept_resolve_and_rate(app, page, people):
    from app.extensions import db
    from app.reports.models import Category, Report

    with app.app_context():
        waste = db.session.scalar(sa.select(Category.id).where(Category.code == "waste"))

    # The citizen files a report with a photo.
    log_in_as(page, "demo-citizen-lan")
    page.locator("#action-report").click()
    page.wait_for_url("**/reports/new")
    page.check(f'input[name=category][value="{waste}"]')
    page.select_option("#ward", label="Phường Hoàn Kiếm")
    page.fill("#description", "Rác thải tập kết sai nơi quy định ở đầu ngõ, bốc mùi.")
    page.set_input_files("#photos-gallery", files=[
        {"name": "rac.jpg", "mimeType": "image/jpeg", "buffer": jpeg((120, 160, 90))}])
    expect(page.locator("[data-previews] img")).to_have_count(1)
    page.locator("#report-form button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    report_url = page.url
    expect(page.locator("main")).to_contain_text("Chờ tiếp nhận")
    with app.app_context():
        report = db.session.scalar(sa.select(Report).order_by(Report.id.desc()))
        assert report.description.startswith("Rác thải") and len(report.photos) == 1
        report_id = report.id
    log_out(page)

    # The ward official of Hoàn Kiếm accepts and resolves it with a result photo.
    log_in_as(page, "demo-ward-hoankiem")
    page.goto("/console/")
    page.locator(f'a[href="/console/reports/{report_id}"]').first.click()
    page.check('input[name="level"][value="normal"]')
    page.get_by_role("button", name="Tiếp nhận phản ánh").click()
    expect(page.locator("main")).to_contain_text("Đang xử lý")
    page.fill("#resolve-answer", "Đã thu gom toàn bộ rác và nhắc nhở các hộ dân.")
    page.set_input_files("#resolve-photos", files=[
        {"name": "sach.jpg", "mimeType": "image/jpeg", "buffer": jpeg((200, 220, 230))}])
    page.get_by_role("button", name="Xử lý xong và công bố câu trả lời").click()
    expect(page.locator("main")).to_contain_text("Đã xử lý")
    log_out(page)

    # The citizen sees before and after side by side, and rates the answer.
    log_in_as(page, "demo-citizen-lan")
    page.goto(report_url)
    before_after = page.locator(".before-after")
    expect(before_after.locator("figure")).to_have_count(2)
    expect(before_after.locator("img")).to_have_count(2)
    for img in before_after.locator("img").all():
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    page.check('input[name="satisfied"][value="yes"]')
    page.fill("#comment", "Cảm ơn phường, xử lý rất nhanh.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".rating")).to_contain_text("Cảm ơn phường")
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status == "closed" and report.satisfied is True
        assert [p.kind for p in report.photos] == ["report", "result"]
