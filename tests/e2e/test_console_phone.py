"""The officials' console, the statistics and the audit log on a phone: nothing runs past a
320 px screen (WCAG 1.4.10), the statistics' table boxes are reached with Tab (2.1.1), and a
form sent back with errors puts the focus on its error summary. Screenshots at 360 px go to
/tmp for a look (not kept)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as

PAGES = ["/console/", "/admin/audit", "/stats", "/console/stats"]
ADMIN = ["/admin/", "/admin/users", "/admin/categories", "/admin/places", "/admin/holidays", "/admin/api-keys"]


@pytest.fixture
def seeded(app):
    from app.demo.reports import seed_reports
    from app.demo.services import seed_people
    from app.extensions import db
    from app.reports.models import Report
    from app.reports.seed import load_categories

    with app.app_context():
        seed_people()
        load_categories()
        db.session.commit()
        seed_reports(count=40)
        db.session.commit()
        accepted = db.session.scalar(sa.select(Report.id).where(Report.status == "accepted").limit(1))
    return {"accepted": accepted}


def _scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_console_statistics_and_audit_fit_320_px(browser, live_server, seeded):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 320, "height": 700})
    page = context.new_page()
    log_in_as(page, "demo-admin")
    for path in PAGES + ADMIN:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert _scroll_width(page) <= 320, f"{path} is {_scroll_width(page)} px wide at 320 px"
    # A data table may scroll, but only inside its own box, which the keyboard reaches.
    for path in ADMIN:
        page.goto(path)
        for box in page.locator("table").all():
            wrapper = box.evaluate("t => t.parentElement.matches('.table-scroll[tabindex=\"0\"][role=region]')")
            assert wrapper, f"a table of {path} has no scroll box"
    page.goto(f"/console/reports/{seeded['accepted']}")
    assert _scroll_width(page) <= 320
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 740 if width == 360 else 800})
        for path in PAGES + [f"/console/reports/{seeded['accepted']}"]:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=f"/tmp/console-{name}-{width}.png", full_page=True)
    context.close()


def test_inbox_rows_are_cards_on_a_phone_and_a_table_when_wide(browser, live_server, seeded):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in_as(page, "demo-admin")
    page.goto("/console/")
    row = page.locator("tr.inbox-row").first
    assert row.evaluate("e => getComputedStyle(e).display") == "block"
    assert page.locator(".inbox thead").evaluate("e => e.getBoundingClientRect().height") <= 1
    expect(row.locator(".card-label").first).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert row.evaluate("e => getComputedStyle(e).display") == "table-row"
    expect(page.locator(".inbox thead")).to_be_visible()
    context.close()


def test_statistics_table_boxes_are_reached_with_tab(page, seeded):
    page.goto("/stats")
    page.wait_for_load_state("networkidle")
    boxes = page.locator(".table-scroll")
    assert boxes.count() >= 2
    reached = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        index = page.evaluate("[...document.querySelectorAll('.table-scroll')].indexOf(document.activeElement)")
        if index >= 0:
            reached.add(index)
    assert reached == set(range(boxes.count()))
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert box.get_attribute("role") == "region" and box.get_attribute("aria-label")


def test_a_resolve_sent_back_focuses_its_error_summary_and_reloads(browser, live_server, seeded):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in_as(page, "demo-admin")
    page.goto(f"/console/reports/{seeded['accepted']}")
    page.wait_for_load_state("networkidle")
    # The browser's own check would stop an empty answer: the server's is what is tested.
    page.locator("#resolve-answer").evaluate("e => e.removeAttribute('required')")
    page.locator("#resolve-form button[type=submit]").click()
    page.wait_for_url(f"**/console/reports/{seeded['accepted']}/resolve")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#resolve-answer']")).to_be_visible()
    response = page.reload()
    assert response.status == 200
    expect(page.locator("#resolve-form")).to_be_visible()
    context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_console_statistics_and_audit_have_no_axe_violations_on_a_phone(browser, live_server, seeded, lang):
    from tests.e2e.test_accessibility import violations

    context = browser.new_context(base_url=live_server, bypass_csp=True, viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    log_in_as(page, "demo-admin")
    found = {}
    for path in PAGES + ["/admin/users", f"/console/reports/{seeded['accepted']}"]:
        page.goto(path)
        found[path] = violations(page)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_an_official_accepts_and_resolves_from_a_phone_with_a_result_photo(browser, live_server, seeded, app,
                                                                           tmp_path):
    import io

    from PIL import Image

    from app.extensions import db
    from app.reports.models import Report

    with app.app_context():
        report_id = db.session.scalar(sa.select(Report.id).where(Report.status == "submitted").limit(1))
    photo = tmp_path / "result.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 120, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in_as(page, "demo-admin")
    page.goto(f"/console/reports/{report_id}")
    page.locator(".quick-steps a[href='#accept-form']").click()
    page.locator("#accept-form button[type=submit]").click()
    expect(page.locator(".quick-steps a[href='#resolve-form']")).to_be_visible()
    page.locator("#resolve-answer").fill("Đã dọn sạch, ảnh chụp tại chỗ.")
    page.locator("#resolve-camera").set_input_files(str(photo))
    button = page.locator("#resolve-form button[type=submit]")
    assert button.bounding_box()["height"] >= 44
    button.click()
    expect(page.locator(".quick-steps")).to_have_count(0)
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status == "resolved" and [p.kind for p in report.photos].count("result") == 1
    context.close()
