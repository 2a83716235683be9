"""The maps in a real browser: the feed's map (clusters, legend, filters, keyboard, focus, axe)
and the new-report map (the pin moved by drag and by keyboard picks the nearest ward; a photo's
own GPS position is offered as the place)."""

from __future__ import annotations

import base64
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as, tracked_page
from tests.e2e.test_accessibility import violations
from tests.reports.conftest import photo_bytes

# One transparent pixel: the map's tiles, so no test reaches the tile server.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
REPORTS = 60
HOAN_KIEM = (21.0287, 105.8524)  # the demo centres (app.demo.reports.WARDS)
CUA_NAM = (21.0245, 105.8412)


@pytest.fixture
def demo(app):
    """Demo people, categories, centres for five wards and 60 reports around them."""
    from app.demo.reports import seed_reports
    from app.demo.services import seed_people, seed_ward_centres
    from app.extensions import db
    from app.reports.seed import load_categories

    with app.app_context():
        seed_people()
        seed_ward_centres()
        load_categories()
        seed_reports(count=REPORTS)
        db.session.commit()


@pytest.fixture
def map_page(browser, live_server):
    """A phone-sized page (CSP bypassed only so that axe can be injected) failing on script errors;
    map tiles are blank images, never fetched from OpenStreetMap."""
    blank = (re.compile(r"^https://tile\.openstreetmap\.org/"),
             lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE))
    yield from tracked_page(browser, live_server, routes=[blank], bypass_csp=True)


def status_labels(app) -> list[str]:
    """The statuses' Vietnamese names, as the catalog has them."""
    from flask_babel import force_locale

    from app.cases.display import status_label
    from app.cases.models import Status

    with app.test_request_context(), force_locale("vi"):
        return [status_label(s) for s in Status]


def open_feed_map(page):
    page.goto("/reports")
    page.wait_for_load_state("networkidle")
    button = page.get_by_role("link", name="Xem trên bản đồ")
    button.click()
    expect(page.locator("#feed-map .map-cluster").first).to_be_visible()
    return button


def test_feed_map_clusters_with_legend_hides_its_button_and_takes_the_focus(map_page, demo, app):
    page = map_page
    button = open_feed_map(page)
    expect(button).to_be_hidden()
    expect(page.locator("#feed-map-title")).to_be_focused()
    legend = page.locator(".map-legend")
    expect(legend).to_be_visible()
    for label in [*status_labels(app), "Quá hạn"]:
        expect(legend).to_contain_text(label)
    expect(page.locator("#feed-map-end")).to_have_text(f"Bản đồ có {REPORTS} phản ánh.")
    # Clustered: far fewer icons than reports, and each cluster says how many it holds.
    clusters = page.locator("#feed-map .map-cluster")
    names = [c.get_attribute("aria-label") for c in clusters.all()]
    counts = [int(c.inner_text()) for c in clusters.all()]
    assert names == [f"{n} phản ánh" for n in counts]
    pins = page.locator("#feed-map .leaflet-marker-icon.map-pin").count()
    assert sum(counts) + pins == REPORTS
    assert clusters.count() + pins < REPORTS / 3
    # The legend's shapes are drawn (map.css is in), in more than one colour.
    colours = {page.locator(f".map-legend .map-pin.status-{s}:not(.is-overdue)").evaluate(
        "el => getComputedStyle(el, '::after').backgroundColor") for s in ("submitted", "accepted", "resolved")}
    assert len(colours) == 3


def test_a_cluster_opens_with_the_keyboard_down_to_a_report_card(map_page, demo, app):
    page = map_page
    open_feed_map(page)
    # Enter on clusters until a single report's marker shows, then Enter opens its card.
    for _ in range(12):
        pin = page.locator("#feed-map .leaflet-marker-icon.map-pin")
        if pin.count():
            break
        cluster = page.locator("#feed-map .map-cluster").first
        cluster.focus()
        handle = cluster.element_handle()
        page.keyboard.press("Enter")
        # The cluster gives way to what it held, and the focus stays on the map meanwhile.
        page.wait_for_function("el => !el.isConnected", arg=handle)
        page.wait_for_function(
            "!document.querySelector('#feed-map .leaflet-cluster-anim, #feed-map .leaflet-zoom-anim')")
        page.wait_for_function("!!document.activeElement.closest('#feed-map')")
    pin = page.locator("#feed-map .leaflet-marker-icon.map-pin").first
    label = pin.get_attribute("aria-label")
    statuses = "|".join(map(re.escape, status_labels(app)))
    assert re.fullmatch(rf".+ – ({statuses}), #\d+(, quá hạn)?", label), label
    number = re.search(r"#(\d+)", label).group(1)
    pin.focus()
    page.keyboard.press("Enter")
    card = page.locator(".leaflet-popup .map-card")
    expect(card).to_be_visible()
    expect(card.locator("a.map-card-title")).to_have_attribute("href", f"/reports/{number}")
    expect(card.locator("a.map-card-title")).to_be_focused()
    expect(card.locator(".status")).to_have_text(re.compile(r"\S"))


def test_tab_through_the_map_meets_clusters_not_every_report_and_the_skip_link_works(map_page, demo):
    page = map_page
    open_feed_map(page)
    # From the heading, Tab reaches the skip link first.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Bỏ qua bản đồ")).to_be_focused()
    # Tab through the whole map: every stop in it has a name, and there are few of them.
    stops = []
    for _ in range(REPORTS + 20):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const a = document.activeElement;
            return {inMap: !!a.closest('#feed-map'), marker: a.classList.contains('leaflet-marker-icon'),
                    name: a.getAttribute('aria-label') || a.getAttribute('title') || a.textContent.trim()}; }""")
        if not info["inMap"] and stops:
            break
        if info["marker"]:
            stops.append(info["name"])
    assert stops and len(stops) < REPORTS / 3
    assert all(re.fullmatch(r"\d+ phản ánh|.+ – .+, #\d+(, quá hạn)?", s) for s in stops), stops
    # The skip link jumps past the map: the next Tab is in the list of reports.
    page.locator("#feed-map-title").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#feed-map-end")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#feed-list')")


def test_the_map_follows_the_feed_filters(map_page, demo, app):
    from app.extensions import db
    from app.reports.models import Report

    with app.app_context():
        resolved = db.session.scalar(sa.select(sa.func.count(Report.id)).where(
            Report.status == "resolved", Report.lat.is_not(None), Report.hidden.is_(False)))
    assert 0 < resolved < REPORTS
    page = map_page
    open_feed_map(page)
    with page.expect_response(re.compile(r"/reports/map\.json\?.*status=resolved")):
        page.select_option("#filter-status", "resolved")
    expect(page.locator("#feed-map-end")).to_have_text(f"Bản đồ có {resolved} phản ánh.")
    counts = sum(int(c.inner_text()) for c in page.locator("#feed-map .map-cluster").all())
    pins = page.locator("#feed-map .leaflet-marker-icon.map-pin")
    assert counts + pins.count() == resolved
    for i in range(pins.count()):
        assert "status-resolved" in pins.nth(i).get_attribute("class")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_feed_with_its_map_open_has_no_axe_violations(map_page, demo, live_server, lang):
    page = map_page
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page.goto("/reports")
    page.wait_for_load_state("networkidle")
    page.locator("[data-map-open]").click()
    expect(page.locator("#feed-map .map-cluster").first).to_be_visible()
    # With a report's card open too.
    page.locator("#feed-map .map-cluster").first.focus()
    page.keyboard.press("Enter")
    assert violations(page) == []


# --- the new-report map -------------------------------------------------------------------

def ward_id(app, codename: str) -> str:
    from app.extensions import db
    from app.places import services as places

    with app.app_context():
        ward = places.ward_by_codename(codename)
        db.session.remove()
        return str(ward.id)


def pixel_offset(page, frm, to, zoom: int = 13) -> tuple[float, float]:
    """Screen pixels from one point to another at the zoom the form's map opens with when no
    place is set yet (Web Mercator, as Leaflet draws it)."""
    return page.evaluate("""([a, b, z]) => { const crs = L.CRS.EPSG3857;
        const p = crs.latLngToPoint(L.latLng(a), z), q = crs.latLngToPoint(L.latLng(b), z);
        return [q.x - p.x, q.y - p.y]; }""", [list(frm), list(to), zoom])


def test_a_report_filed_with_the_pin_moved_is_accepted_and_resolved_on_a_phone(map_page, demo, app):
    """Issue 11, done when: the pin moved (drag, keys) picks the nearest ward, the report is filed
    there, and the ward's official accepts and resolves it at 360 px with a result photo."""
    page = map_page
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    page.select_option("#ward", ward_id(app, "phuong_ba_dinh"))
    show = page.get_by_role("button", name="Hiện bản đồ")
    show.click()
    expect(show).to_be_hidden()
    expect(page.locator("#report-map")).to_be_focused()
    # The pin in the middle of the map (Hoàn Kiếm Lake): Hoàn Kiếm.
    page.get_by_role("button", name="Đặt ghim vào giữa bản đồ").click()
    expect(page.locator("#ward")).to_have_value(ward_id(app, "phuong_hoan_kiem"))
    expect(page.locator("#location-status")).to_contain_text("Phường Hoàn Kiếm")
    # Dragged to Cửa Nam.
    pin = page.get_by_role("button", name="Vị trí sự việc. Dùng phím mũi tên để di chuyển.")
    box = pin.bounding_box()
    start = (float(page.locator("#lat").input_value()), float(page.locator("#lon").input_value()))
    dx, dy = pixel_offset(page, start, CUA_NAM)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.mouse.up()
    expect(page.locator("#ward")).to_have_value(ward_id(app, "phuong_cua_nam"))
    assert abs(float(page.locator("#lon").input_value()) - CUA_NAM[1]) < 0.002
    # With the keyboard, back east towards the lake: Hoàn Kiếm again.
    here = (float(page.locator("#lat").input_value()), float(page.locator("#lon").input_value()))
    dx, dy = pixel_offset(page, here, HOAN_KIEM)
    pin.focus()
    for _ in range(round(abs(dx) / 10)):  # an arrow key moves the pin 10 pixels
        page.keyboard.press("ArrowRight" if dx > 0 else "ArrowLeft")
    for _ in range(round(abs(dy) / 10)):
        page.keyboard.press("ArrowDown" if dy > 0 else "ArrowUp")
    expect(page.locator("#ward")).to_have_value(ward_id(app, "phuong_hoan_kiem"))
    expect(pin).to_be_focused()
    assert violations(page) == []

    # The report is filed where the pin is, in the ward it picked.
    lat, lon = float(page.locator("#lat").input_value()), float(page.locator("#lon").input_value())
    from app.extensions import db
    from app.reports.models import Category, Report

    with app.app_context():
        waste = db.session.scalar(sa.select(Category.id).where(Category.code == "waste"))
        db.session.remove()
    page.check(f'input[name=category][value="{waste}"]')
    page.fill("#description", "Ổ gà sâu giữa đường, xe máy dễ ngã.")
    page.set_input_files("#photos-gallery", files=[
        {"name": "o-ga.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}])
    expect(page.locator("[data-previews] img")).to_have_count(1)
    page.locator("#report-form button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    report_id = int(page.url.rsplit("/", 1)[1])
    hoan_kiem = ward_id(app, "phuong_hoan_kiem")
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert str(report.ward_id) == hoan_kiem
        assert (report.lat, report.lon) == (pytest.approx(lat, abs=1e-6), pytest.approx(lon, abs=1e-6))
        db.session.remove()

    # Issue 11's whole journey: the ward's official takes it from there on a 360 px phone,
    # accepts it and resolves it with a photo of the result taken on the spot.
    official = page.context.browser.new_context(base_url=page.url.split("/reports")[0], locale="vi-VN",
                                                viewport={"width": 360, "height": 740})
    phone = official.new_page()
    try:
        log_in_as(phone, "demo-ward-hoankiem")
        expect(phone).to_have_url(re.compile(r"/console/$"))  # officials land on their console
        phone.goto(f"/console/reports/{report_id}")
        phone.locator(".quick-steps a[href='#accept-form']").click()
        phone.locator("#accept-form button[type=submit]").click()
        expect(phone.locator(".quick-steps a[href='#resolve-form']")).to_be_visible()
        phone.locator("#resolve-answer").fill("Đã thu gom rác và vệ sinh mặt đường, ảnh chụp tại chỗ.")
        phone.locator("#resolve-camera").set_input_files(files=[
            {"name": "ket-qua.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}])
        phone.locator("#resolve-form button[type=submit]").click()
        expect(phone.locator(".quick-steps")).to_have_count(0)
        assert phone.evaluate("() => document.scrollingElement.scrollWidth") <= 360
    finally:
        official.close()
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status == "resolved"
        assert [photo.kind for photo in report.photos].count("result") == 1
        db.session.remove()


def test_a_pin_where_no_ward_is_known_clears_the_ward_and_says_so(map_page, demo, app):
    """No known ward near the pin (the server answers ``ward: null``, as it does where no ward
    centre is within reach): the ward chosen before is not kept as a silent guess."""
    page = map_page
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    page.get_by_role("button", name="Hiện bản đồ").click()
    page.get_by_role("button", name="Đặt ghim vào giữa bản đồ").click()
    expect(page.locator("#ward")).to_have_value(ward_id(app, "phuong_hoan_kiem"))
    page.route(re.compile(r"/reports/wards/nearest\?"), lambda route: route.fulfill(
        status=200, content_type="application/json", body='{"in_hanoi": true, "ward": null}'))
    pin = page.get_by_role("button", name="Vị trí sự việc. Dùng phím mũi tên để di chuyển.")
    pin.focus()
    page.keyboard.press("Shift+ArrowDown")
    expect(page.locator("#ward")).to_have_value("")
    expect(page.locator("#location-status")).to_contain_text("chọn phường, xã trong danh sách")
    expect(pin).to_be_focused()


def gps_jpeg(lat: float, lon: float) -> bytes:
    """A phone-like JPEG with EXIF GPS (made with Pillow, as the server tests make theirs)."""
    data = photo_bytes((800, 600), gps=(lat, lon))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def test_a_photo_with_gps_offers_its_place_and_accepting_sets_it(map_page, demo, app):
    page = map_page
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    page.select_option("#ward", ward_id(app, "phuong_ba_dinh"))
    offer = page.get_by_role("button", name="Dùng vị trí trong ảnh?")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    # Photos without a position: nothing is offered, and a JPEG without EXIF does not even
    # fetch the EXIF reader.
    plain = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 200)).save(plain, "JPEG")
    page.set_input_files("#photos-gallery", files=[
        {"name": "anh-sua.jpg", "mimeType": "image/jpeg", "buffer": plain.getvalue()}])
    expect(page.locator("[data-previews] img")).to_have_count(1)
    assert not [u for u in fetched if "exifr" in u]
    page.set_input_files("#photos-gallery", files=[
        {"name": "khong-gps.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}])
    expect(page.locator("[data-previews] img")).to_have_count(2)
    page.wait_for_function("!!window.exifr")  # a JPEG with EXIF (no GPS in it) was read
    expect(offer).to_be_hidden()
    # A photo taken at Cửa Nam: offered, and nothing changes until the citizen accepts.
    page.set_input_files("#photos-gallery", files=[
        {"name": "o-ga.jpg", "mimeType": "image/jpeg", "buffer": gps_jpeg(*CUA_NAM)}])
    expect(offer).to_be_visible()
    expect(page.locator("#photo-place-text")).to_contain_text("Phường Cửa Nam")
    assert page.locator("#lat").input_value() == ""
    expect(page.locator("#ward")).to_have_value(ward_id(app, "phuong_ba_dinh"))
    offer.click()
    expect(page.locator("#ward")).to_have_value(ward_id(app, "phuong_cua_nam"))
    assert abs(float(page.locator("#lat").input_value()) - CUA_NAM[0]) < 1e-4
    assert abs(float(page.locator("#lon").input_value()) - CUA_NAM[1]) < 1e-4
    expect(offer).to_be_hidden()
    expect(page.locator("#photo-place-text")).to_be_focused()


def test_the_tab_bar_stays_above_the_map(map_page, demo):
    """Leaflet's panes and controls (z-index 400–1000) must not cover the phone's fixed tab bar:
    whatever part of the map runs under the bar (its clusters, markers, buttons) is hidden by it."""
    page = map_page
    open_feed_map(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    cluster = page.locator("#feed-map .map-cluster").first.bounding_box()
    bar = page.locator(".tabbar").bounding_box()
    # A shorter screen: the bar's top edge falls across the middle of a cluster.
    page.set_viewport_size({"width": 390, "height": int(cluster["y"] + cluster["height"] / 2 + bar["height"])})
    covered = page.evaluate("""() => {
        const bar = document.querySelector('.tabbar').getBoundingClientRect();
        const icon = document.querySelector('#feed-map .map-cluster').getBoundingClientRect();
        const el = document.elementFromPoint(icon.left + icon.width / 2, bar.top + 4);
        return [el.closest('.tabbar') ? '' : String(el.className.baseVal ?? el.className),
                icon.top < bar.top + 4 && icon.bottom > bar.top + 4];
    }""")
    assert covered[1], "no cluster could be brought under the tab bar"
    assert covered[0] == "", f"the tab bar is covered by {covered[0]!r}"
