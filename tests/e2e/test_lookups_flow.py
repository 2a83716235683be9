"""Issue 14 in a real browser: a citizen finds a bus from one place to another (one change) and
books a seat on the Nội Bài airport bus, then sees the ticket's QR code."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in_as


@pytest.fixture
def weekday_morning(monkeypatch):
    """The planner offers only buses that still run today: the live server (another thread, so
    ``as_of`` does not reach it) plans at 08:00 on a Monday, whatever the hour of the test run."""
    from tests.lookups.conftest import MONDAY_8AM

    monkeypatch.setattr("app.lookups.transit.utcnow", lambda: MONDAY_8AM)


@pytest.fixture
def lookups_data(app, weekday_morning):
    from app.core.models import utcnow
    from app.demo.services import seed_people
    from app.extensions import db
    from app.lookups import gtfs, sample_feed
    from app.lookups.models import AirportTrip

    with app.app_context():
        seed_people()
        gtfs.import_feed(io.BytesIO(sample_feed.sample_zip()), source_name="sample.zip", sample=True)
        trip = AirportTrip(route_name="86", origin="Ga Hà Nội", destination="Sân bay Nội Bài",
                           departs_at=utcnow() + timedelta(hours=5), seats_total=40, seats_taken=37,
                           price_vnd=45000)
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
        db.session.remove()
    return trip_id


def test_find_a_bus_and_book_an_airport_seat(app, page, lookups_data):
    from app.extensions import db
    from app.lookups.models import AirportTrip

    log_in_as(page, "demo-citizen-lan")
    page.goto("/")
    page.locator("#action-lookups").click()
    page.locator("#lookup-journey").click()
    page.wait_for_url("**/lookups/bus/journey")
    page.select_option("#from_place", label="Bến xe Kim Mã")
    page.select_option("#to_place", label="Ba Đình")
    page.locator("#journey-submit").click()
    first = page.locator("#journey-list > li").first
    expect(first).to_contain_text("đổi xe một lần")
    expect(first).to_contain_text("Đi tuyến 01")
    expect(first).to_contain_text("Ngã tư Tràng Tiền")
    expect(first).to_contain_text("Đi tuyến 02")

    page.goto("/lookups/")
    page.locator("#lookup-airport").click()
    trip = page.locator(f"#trip-{lookups_data}")
    expect(trip).to_contain_text("Còn 3 ghế")
    trip.locator("select[name=seats]").select_option("2")
    trip.get_by_role("button", name="Đặt vé").click()
    page.wait_for_url(re.compile(r"/lookups/airport/tickets/\d+$"))
    expect(page.locator("#ticket-qr svg")).to_be_visible()
    with app.app_context():
        assert db.session.get(AirportTrip, lookups_data).seats_taken == 39
        db.session.remove()
