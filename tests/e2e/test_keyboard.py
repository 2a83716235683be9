"""The app can be used with the keyboard alone: reach controls with Tab, act with Enter/Space."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as
from tests.e2e.test_report_flow import jpeg


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


# --- focus and announcements after a scripted change (WCAG 2.4.3, 4.1.3) -------------------

@pytest.fixture
def reports(app):
    """Demo people and 30 demo reports (more than one page of the feed), plus one report of
    Trần Văn Minh in Hoàn Kiếm waiting to be accepted; returns that report's id."""
    from app.auth.models import OidcIdentity, User
    from app.demo.reports import seed_reports
    from app.demo.services import seed_people
    from app.extensions import db
    from app.places import services as places
    from app.reports import services
    from app.reports.models import Category
    from app.reports.seed import load_categories

    with app.app_context():
        seed_people()
        load_categories()
        seed_reports(count=30)
        minh = db.session.scalar(sa.select(User).join(OidcIdentity).where(OidcIdentity.subject == "demo-citizen-minh"))
        waste = db.session.scalar(sa.select(Category).where(Category.code == "waste"))
        report, _ = services.submit_report(minh, "keyboard-1", services.NewReport(
            category=waste, ward=places.ward_by_codename("phuong_hoan_kiem"),
            description="Rác thải sinh hoạt để tràn ra vỉa hè đầu ngõ 12 Hàng Bạc.",
            photos=[services.store_photo(minh, jpeg((120, 160, 90)))]))
        db.session.commit()
        report_id = report.id
        db.session.remove()
    return report_id


def vi(app, message: str, **values) -> str:
    """``message`` as the Vietnamese page says it."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("vi"):
        return gettext(message, **values)


def focused(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def in_live_list(page, selector: str) -> bool:
    """Whether ``selector`` sits inside a live region (which would read every row again)."""
    return page.evaluate("s => !!document.querySelector(s).closest('[aria-live], [role=status], [role=log]')",
                         selector)


def test_follow_a_report_keeps_the_focus_and_announces_it(app, page, reports):
    log_in_as(page, "demo-citizen-lan")
    page.goto(f"/reports/{reports}")
    page.wait_for_load_state("networkidle")
    status = page.locator("#a11y-status")
    assert page.evaluate("document.getElementById('a11y-status').getAttribute('role')") == "status"

    tab_to(page, f"form[action='/reports/{reports}/follow'] button")
    page.keyboard.press("Enter")
    expect(status).to_have_text(vi(app, "You follow this report: you will be told when it changes."))
    assert focused(page, f"form[action='/reports/{reports}/unfollow'] button")
    assert not in_live_list(page, f"#follow-{reports}")

    page.keyboard.press("Enter")
    expect(status).to_have_text(vi(app, "You no longer follow this report."))
    assert focused(page, f"form[action='/reports/{reports}/follow'] button")
    # Shift+Tab goes back from the button to what comes just before it, not to the page's end.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("""id => {
      const a = document.activeElement, follow = document.getElementById('follow-' + id);
      return a !== document.body && !a.matches('.skip')
        && !!(follow.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_PRECEDING);
    }""", reports)


def test_older_reports_in_the_feed_put_the_focus_on_the_first_new_one(app, page, reports):
    page.goto("/reports")
    page.wait_for_load_state("networkidle")
    items = page.locator("#feed-list li.feed-item")
    expect(items).to_have_count(20)
    assert not in_live_list(page, "#feed-list")

    tab_to(page, "#feed-list li.more a", limit=120)
    page.keyboard.press("Enter")
    expect(items).to_have_count(31)
    expect(items.nth(20).locator("a.feed-title")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#feed-list li.feed-item')")

    # A filter change reads how many reports match, not the whole list.
    tab_to(page, "#filter-status")
    page.keyboard.press("ArrowDown")
    page.wait_for_url("**/reports?*status=*")
    expect(page.locator("#a11y-status")).to_contain_text("phản ánh")
    assert focused(page, "#filter-status")


def test_quick_accept_in_the_console_keeps_the_focus_in_the_row(app, page, reports):
    log_in_as(page, "demo-ward-hoankiem")
    page.goto("/console/")
    page.wait_for_load_state("networkidle")
    assert not in_live_list(page, "#inbox table, #inbox .empty")

    tab_to(page, f"form[action='/console/reports/{reports}/accept'] button[value=normal]", limit=200)
    page.keyboard.press("Enter")
    expect(page.locator("#a11y-status")).to_contain_text(f"#{reports}")
    row = page.locator(f"#report-{reports}")
    expect(row.locator("form[action$='/accept']")).to_have_count(0)
    assert page.evaluate(
        "id => !!document.activeElement.closest('#report-' + id)"
        " && document.activeElement.matches('a[href=\"/console/reports/' + id + '\"]')", reports)


def test_file_a_report_with_the_keyboard_only(app, page, reports):
    from app.extensions import db
    from app.reports.models import Report

    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    page.wait_for_load_state("networkidle")

    tab_to(page, "input[name=category]")
    page.keyboard.press("ArrowDown")  # moves to the next problem and chooses it
    assert page.evaluate("!!document.querySelector('input[name=category]:checked')")
    tab_to(page, "#ward")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#description", limit=120)
    page.keyboard.type("Đèn đường tắt cả đoạn phố từ tối qua, rất tối và nguy hiểm.")

    # Two photos from the phone, chosen with the keyboard; removing one keeps the focus in the list.
    tab_to(page, "#photos-gallery")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files([
        {"name": "den-1.jpg", "mimeType": "image/jpeg", "buffer": jpeg((30, 30, 60))},
        {"name": "den-2.jpg", "mimeType": "image/jpeg", "buffer": jpeg((60, 30, 30))}])
    previews = page.locator("[data-previews] li")
    expect(previews).to_have_count(2)
    tab_to(page, "[data-previews] button")
    page.keyboard.press("Enter")
    expect(previews).to_have_count(1)
    assert focused(page, "[data-previews] button")
    page.keyboard.press("Enter")
    expect(previews).to_have_count(0)
    assert focused(page, "#photos")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files([{"name": "den.jpg", "mimeType": "image/jpeg", "buffer": jpeg((30, 30, 60))}])
    expect(previews).to_have_count(1)

    tab_to(page, "#report-form button[type=submit].primary")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    expect(page.locator("main")).to_contain_text(vi(app, "Awaiting acceptance"))
    with app.app_context():
        report = db.session.scalar(sa.select(Report).order_by(Report.id.desc()))
        assert report.description.startswith("Đèn đường") and len(report.photos) == 1


def test_older_audit_entries_put_the_focus_on_the_first_new_row(app, page, demo_people):
    from datetime import UTC, datetime

    from app.audit.models import AuditEntry
    from app.extensions import db

    with app.app_context():
        db.session.add_all(AuditEntry(action="test.action", details={"n": i},
                                      created_at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC)) for i in range(60))
        db.session.commit()
        db.session.remove()
    log_in_as(page, "demo-admin")
    page.goto("/admin/audit")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#audit-rows > *")  # table rows or list items
    before = rows.count()
    tab_to(page, "#audit-rows a[href*='before=']", limit=120)
    page.keyboard.press("Enter")
    expect(rows).not_to_have_count(before)
    # The first new entry has the focus: it took the place of the link, the last of the old rows.
    expect(page.locator(f"#audit-rows > :nth-child({before})")).to_be_focused()


def test_follow_instead_in_nearby_suggestions_keeps_the_focus(app, page, reports):
    from app.extensions import db
    from app.reports.models import Category

    with app.app_context():
        waste = db.session.scalar(sa.select(Category.id).where(Category.code == "waste"))
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    page.wait_for_load_state("networkidle")
    page.check(f"input[name=category][value='{waste}']")
    page.select_option("#ward", label="Phường Hoàn Kiếm")
    follow = page.locator(f"#nearby button[hx-post*='/reports/{reports}/follow']")
    expect(follow).to_be_visible()
    assert not in_live_list(page, "#nearby .nearby-list")

    tab_to(page, f"#nearby button[hx-post*='/reports/{reports}/follow']", limit=120)
    page.keyboard.press("Enter")
    expect(page.locator("#a11y-status")).to_have_text(
        vi(app, "You follow report #%(id)s now: you will be told when it changes.", id=reports))
    assert focused(page, f"#nearby .follow a[href='/reports/{reports}']")
