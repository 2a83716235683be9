"""Issue 4 in a real browser: the service worker controls the page, Chrome finds the app
installable, an unreachable page shows the offline page, and a report filed offline waits on
the phone and is sent exactly once when the connection returns."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as, tracked_page
from tests.e2e.test_report_flow import jpeg, people  # noqa: F401  (fixture)


def poll(page, script: str, arg=None, timeout: float = 10.0):
    """``page.wait_for_function`` needs eval, which the CSP forbids: poll instead."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def wait_until_controlled(page) -> None:
    assert poll(page, "async () => !!(await navigator.serviceWorker.ready).active")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    assert poll(page, "() => !!navigator.serviceWorker.controller")


@pytest.fixture
def offline_page(browser, live_server):
    """``page``, but with the network off Chromium and htmx log the failed requests
    (net::ERR_INTERNET_DISCONNECTED, htmx:sendError), as they should."""
    yield from tracked_page(
        browser, live_server,
        expected=lambda e: "ERR_INTERNET_DISCONNECTED" in e
        or e.startswith(("htmx:sendError", "htmx:afterRequest")))


def test_service_worker_controls_the_page(page):
    page.goto("/")
    wait_until_controlled(page)
    expect(page.locator("[data-install]")).to_be_hidden()


def test_chrome_finds_the_app_installable(browser, live_server, tmp_path):
    # Chrome never installs from an incognito profile, which a plain new context is.
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        base_url=live_server, locale="vi-VN")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/")
        wait_until_controlled(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def test_offline_navigation_shows_the_offline_page(offline_page):
    page = offline_page
    page.goto("/")
    wait_until_controlled(page)
    page.reload()  # now through the worker, which keeps a copy
    page.context.set_offline(True)
    page.goto("/reports?status=new")  # never visited, so not stored
    expect(page.locator("#offline-page")).to_be_visible()
    page.goto("/")  # visited: the stored copy
    expect(page.locator("#action-report")).to_be_visible()
    page.locator("#action-feed").click()  # a boosted link: htmx fails, a real load follows
    expect(page.locator("#offline-page")).to_be_visible()
    page.go_back()
    expect(page.locator("#action-report")).to_be_visible()
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#action-report")).to_be_visible()


def _report_count(app) -> int:
    from app.extensions import db
    from app.reports.models import Report

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
        db.session.remove()
    return count


def _fill_report(page, app) -> None:
    from app.extensions import db
    from app.reports.models import Category

    with app.app_context():
        waste = db.session.scalar(sa.select(Category.id).where(Category.code == "waste"))
        db.session.remove()
    page.check(f'input[name=category][value="{waste}"]')
    page.select_option("#ward", label="Phường Hoàn Kiếm")
    page.fill("#description", "Rác thải tập kết sai nơi quy định ở đầu ngõ, gửi khi mất mạng.")
    page.set_input_files("#photos-gallery", files=[
        {"name": "rac.jpg", "mimeType": "image/jpeg", "buffer": jpeg((120, 160, 90))}])
    expect(page.locator("[data-previews] img")).to_have_count(1)


def test_report_filed_offline_is_sent_once_when_back_online(app, offline_page, people):  # noqa: F811
    page = offline_page
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    wait_until_controlled(page)
    queue = page.locator("#offline-queue")

    page.context.set_offline(True)
    _fill_report(page, app)
    page.locator("#report-form button[type=submit].primary").click()
    expect(queue.locator(".queue-item")).to_have_count(1)
    expect(queue.locator("[data-queue-status]")).not_to_be_empty()
    expect(page.locator("[data-previews] img")).to_have_count(0)
    assert _report_count(app) == 0

    page.context.set_offline(False)
    expect(queue.locator(".queue-item")).to_have_count(0, timeout=10_000)
    expect(queue.locator("[data-queue-panel]")).to_be_hidden()
    assert _report_count(app) == 1

    page.goto("/reports/mine")
    expect(page.locator("#my-reports")).to_contain_text("#")
    expect(page.locator("#offline-queue .queue-item")).to_have_count(0)
    time.sleep(0.5)  # a late Background Sync must not file it again
    assert _report_count(app) == 1


def test_report_whose_upload_fails_is_kept_until_it_can_be_sent(app, offline_page, people):  # noqa: F811
    """The phone believes it is online but the network is gone: the form posts, the worker
    catches the failure, keeps the report and shows the offline page with the queue. A
    report that cannot be sent because the session ended stays until it can."""
    page = offline_page
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'onLine', {get: () => true})")
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    wait_until_controlled(page)

    page.context.set_offline(True)
    _fill_report(page, app)
    page.locator("#report-form button[type=submit].primary").click()
    expect(page.locator("#offline-page")).to_be_visible()
    queue = page.locator("#offline-queue")
    expect(queue.locator(".queue-item")).to_have_count(1)
    expect(queue.locator("[data-queue-status]")).not_to_be_empty()
    assert _report_count(app) == 0

    # Back online but logged out meanwhile: the report stays, and the page says why.
    page.context.clear_cookies()
    page.context.set_offline(False)
    page.locator("#queue-send").click()
    expect(queue.locator('.queue-item[data-state="login"]')).to_have_count(1)
    expect(queue.locator("[data-queue-status]")).not_to_be_empty()
    assert _report_count(app) == 0

    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/mine")
    queue = page.locator("#offline-queue")
    expect(queue.locator(".queue-item")).to_have_count(1)
    queue.locator("#queue-send").click()
    expect(queue.locator(".queue-item")).to_have_count(0, timeout=10_000)
    assert _report_count(app) == 1


def test_pages_and_the_report_form_without_javascript(browser, live_server, people):  # noqa: F811
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.locator("[data-install]")).to_be_hidden()
        page.goto("/offline")
        expect(page.locator("#offline-page")).to_be_visible()
        expect(page.locator("[data-queue-panel]")).to_be_hidden()
        page.goto("/auth/login")
        page.locator("#login-vneid").click()
        page.locator("#identity-demo-citizen-lan").click()
        page.goto("/reports/new")
        expect(page.locator("[data-queue-panel]")).to_be_hidden()
        expect(page.locator("#report-form button[type=submit].primary")).to_be_visible()
        page.locator("#report-form button[type=submit].primary").click()
        expect(page.locator(".error-summary")).to_be_visible()  # the server's answer, not a queue
    finally:
        context.close()


def _reporters(app) -> list[str]:
    from app.auth.models import User
    from app.extensions import db
    from app.reports.models import Report

    with app.app_context():
        names = list(db.session.scalars(sa.select(User.full_name).join(Report, Report.reporter_id == User.id)))
        db.session.remove()
    return names


def test_a_shared_phone_keeps_each_persons_offline_reports_to_them(app, offline_page, people):  # noqa: F811
    """Lan queues a report offline and her session ends before it is sent; Minh logs in on
    the same phone: he neither sees it nor sends it, nor does the offline page show it after
    his logout. When Lan logs in again, it is shown and sent, as hers."""
    from tests.e2e.test_report_flow import log_out

    page = offline_page
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    wait_until_controlled(page)
    page.context.set_offline(True)
    _fill_report(page, app)
    page.locator("#report-form button[type=submit].primary").click()
    queue = page.locator("#offline-queue")
    expect(queue.locator(".queue-item")).to_have_count(1)
    page.context.clear_cookies()  # her session ends while the phone is offline
    page.context.set_offline(False)
    expect(queue.locator('.queue-item[data-state="login"]')).to_have_count(1)
    assert _report_count(app) == 0

    log_in_as(page, "demo-citizen-minh")
    page.goto("/reports/mine")
    wait_until_controlled(page)
    expect(page.locator("#offline-queue [data-queue-panel]")).to_be_hidden()
    page.locator("#queue-send").dispatch_event("click")  # even asked to, it sends nothing of hers
    time.sleep(1)
    assert _report_count(app) == 0
    assert page.evaluate("() => window.cdtdQueue.all().then((items) => items.length)") == 1  # kept for Lan
    log_out(page)
    page.goto("/offline")
    expect(page.locator("#offline-page")).to_be_visible()
    time.sleep(0.5)
    expect(page.locator("#offline-queue .queue-item")).to_have_count(0)

    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/mine")
    queue = page.locator("#offline-queue")
    expect(queue.locator(".queue-item")).to_have_count(1)
    queue.locator("#queue-send").click()
    expect(queue.locator(".queue-item")).to_have_count(0, timeout=10_000)
    assert _report_count(app) == 1
    assert _reporters(app) == ["Nguyễn Thị Lan"]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_install_offer_shows_without_moving_the_page(browser, live_server, width):
    """The install button appears late (when Chrome offers the app): it must float above the page,
    not push the content down (Lighthouse measured a layout shift of 0.148 when it did)."""
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto("/")
        before = page.locator("main").bounding_box()
        page.evaluate("() => { document.querySelector('[data-install]').hidden = false; }")
        button = page.locator("[data-install]")
        expect(button).to_be_visible()
        assert page.locator("main").bounding_box() == before
        box = button.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width and 0 <= box["y"] <= 800
    finally:
        context.close()
