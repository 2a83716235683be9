"""Reception pages: identity-level gates, another citizen's booking, the booking flow with the
QR code and the calendar file, the officials' list, attendance and cancellation."""

from __future__ import annotations

import re

import icalendar
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.reception.models import ReceptionBooking, ReceptionSlot
from tests.conftest import csrf_token
from tests.reception.conftest import slot_ids


def _book(client, session_id, slot_id, topic="Đất đai"):
    token = csrf_token(client, f"/reception/sessions/{session_id}")
    return client.post(f"/reception/sessions/{session_id}", data={
        "csrf_token": token, "slot": slot_id, "topic": topic,
        "description": "Tranh chấp ranh giới đất với nhà bên cạnh"})


def _only_booking(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(ReceptionBooking.id))


def test_the_list_is_public(client, make_session):
    make_session()
    page = client.get("/reception/")
    assert page.status_code == 200 and "Chủ tịch UBND phường Nguyễn Văn A" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/reception/sessions/{sid}", "/reception/bookings"])
def test_visitors_go_to_the_login(client, make_session, path):
    sid = make_session()
    response = client.get(path.format(sid=sid))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_level_one_sees_why_and_how_to_reach_level_two(app, client, make_user, make_session, login):
    sid = make_session()
    login(client, make_user(level=1))
    client.set_cookie("lang", "vi")
    page = client.get(f"/reception/sessions/{sid}")
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "/account/verify" in html and "mức 2" in html
    assert client.get("/reception/bookings").status_code == 403
    [slot] = slot_ids(app, sid)[:1]
    response = client.post(f"/reception/sessions/{sid}", data={"slot": slot, "topic": "Đất đai",
                                                               "description": "x" * 20})
    assert response.status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReceptionBooking.id))) == 0


def test_level_two_books_sees_the_qr_and_downloads_the_ics(app, client, make_user, make_session, login):
    sid = make_session(slots="10:00-10:30")
    [slot_id] = slot_ids(app, sid)
    login(client, make_user(level=2))
    response = _book(client, sid, slot_id)
    assert response.status_code == 303
    booking_id = _only_booking(app)
    assert response.headers["Location"].endswith(f"/reception/bookings/{booking_id}")
    page = client.get(f"/reception/bookings/{booking_id}").get_data(as_text=True)
    assert re.search(r'<figure class="qr"[^>]*>\s*<svg', page) and "TCD-" in page
    ics = client.get(f"/reception/bookings/{booking_id}/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    [event] = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (10, 0, 7 * 3600)
    with app.app_context():
        assert db.session.get(ReceptionSlot, slot_id).booked == 1
    # A second booking in the same session is refused with a message, not a crash.
    again = _book(client, sid, slot_id)
    assert again.status_code in (200, 303)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReceptionBooking.id))) == 1


def test_a_full_slot_is_refused_with_a_message(app, client, make_user, make_session, login):
    sid = make_session(capacity=1, slots="10:00-10:30")
    [slot_id] = slot_ids(app, sid)
    login(client, make_user(level=2))
    _book(client, sid, slot_id)
    other = app.test_client()
    login(other, make_user(level=2))
    other.set_cookie("lang", "en")
    response = _book(other, sid, slot_id)
    assert response.status_code == 303
    page = other.get(response.headers["Location"]).get_data(as_text=True)
    assert "This time slot is full" in page


def test_another_citizens_booking_is_not_found(app, client, make_user, make_session, login):
    sid = make_session()
    owner = app.test_client()
    login(owner, make_user(level=2))
    _book(owner, sid, slot_ids(app, sid)[0])
    booking_id = _only_booking(app)
    login(client, make_user(level=2))
    assert client.get(f"/reception/bookings/{booking_id}").status_code == 404
    assert client.get(f"/reception/bookings/{booking_id}/calendar.ics").status_code == 404
    token = csrf_token(client, f"/reception/sessions/{sid}")
    assert client.post(f"/reception/bookings/{booking_id}/cancel", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.get(ReceptionBooking, booking_id).status == "booked"


def test_the_citizen_cancels_before_the_cutoff(app, client, make_user, make_session, login):
    sid = make_session(days=5, cutoff=24)
    first = slot_ids(app, sid)[0]
    login(client, make_user(level=2))
    _book(client, sid, first)
    booking_id = _only_booking(app)
    token = csrf_token(client, f"/reception/bookings/{booking_id}")
    assert client.post(f"/reception/bookings/{booking_id}/cancel", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(ReceptionBooking, booking_id).status == "cancelled"
        assert db.session.get(ReceptionSlot, first).booked == 0


def test_posts_need_the_csrf_token(app, client, make_user, make_session, login):
    sid = make_session()
    login(client, make_user(level=2))
    response = client.post(f"/reception/sessions/{sid}", data={
        "slot": slot_ids(app, sid)[0], "topic": "Đất đai", "description": "Tranh chấp ranh giới đất"})
    assert response.status_code == 400


def test_officials_publish_list_mark_and_cancel(app, client, make_user, make_session, login):
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    login(client, official)
    token = csrf_token(client, "/reception/manage/new")
    from app.places import services as places

    with app.app_context():
        ward_id = places.ward_by_codename("phuong_hoan_kiem").id
        from datetime import timedelta

        from app.core.models import utcnow
        from app.reception.services import local

        day = (local(utcnow()).date() + timedelta(days=4)).isoformat()
    response = client.post("/reception/manage/new", data={
        "csrf_token": token, "unit": f"ward:{ward_id}", "leader": "Bà Trần Thị B, Chủ tịch UBND",
        "place": "Phòng tiếp công dân", "day": day, "topics": "Đất đai\nXây dựng",
        "slots": "08:00-08:30\n08:30-09:00", "capacity": "2", "cancel_cutoff_hours": "12"})
    assert response.status_code == 303
    sid = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    citizen = app.test_client()
    citizen_id = make_user(level=2, name="Lê Thị Dân")
    login(citizen, citizen_id)
    _book(citizen, sid, slot_ids(app, sid)[1], topic="Xây dựng")
    booking_id = _only_booking(app)
    page = client.get(f"/reception/manage/{sid}").get_data(as_text=True)
    assert "Lê Thị Dân" in page and "Xây dựng" in page
    assert client.post(f"/reception/manage/bookings/{booking_id}/attendance",
                       data={"csrf_token": token, "attended": "0"}).status_code == 303
    with app.app_context():
        assert db.session.get(ReceptionBooking, booking_id).status == "no_show"
    assert client.post(f"/reception/manage/{sid}/cancel",
                       data={"csrf_token": token, "reason": "Mưa bão"}).status_code == 303
    with app.app_context():
        assert db.session.get(ReceptionBooking, booking_id).status == "session_cancelled"


def test_officials_of_another_unit_and_citizens_cannot_manage(app, client, make_user, make_session, login):
    sid = make_session(ward="phuong_hoan_kiem")
    login(client, make_user(role="ward_official", ward="phuong_cua_nam"))
    assert client.get(f"/reception/manage/{sid}").status_code == 403
    token = csrf_token(client, "/reception/manage/new")
    assert client.post(f"/reception/manage/{sid}/cancel", data={"csrf_token": token, "reason": "x"}).status_code == 403
    citizen = app.test_client()
    login(citizen, make_user(level=2))
    assert citizen.get("/reception/manage").status_code == 403
    assert citizen.get(f"/reception/manage/{sid}").status_code == 403
    assert app.test_client().get("/reception/manage").status_code == 302


def test_parallel_requests_against_the_live_server(app, live_server, make_user, make_session, login):
    """Real HTTP requests from separate sessions at the last seat: one wins."""
    import threading

    import requests

    sid = make_session(capacity=1, slots="15:00-15:30")
    [slot_id] = slot_ids(app, sid)
    sessions = []
    for _ in range(5):
        test_client = app.test_client()
        login(test_client, make_user(level=2))
        cookie = test_client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
        http = requests.Session()
        http.cookies.set(cookie.key, cookie.value, domain="127.0.0.1")
        html = http.get(f"{live_server}/reception/sessions/{sid}").text
        import re

        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
        sessions.append((http, token))
    barrier = threading.Barrier(len(sessions))
    codes = []

    def fire(http, token):
        barrier.wait()
        response = http.post(f"{live_server}/reception/sessions/{sid}", allow_redirects=False, data={
            "csrf_token": token, "slot": slot_id, "topic": "Đất đai", "description": "Hỏi về cấp sổ đỏ cho nhà"})
        codes.append(response.headers.get("Location", ""))

    threads = [threading.Thread(target=fire, args=s) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum("/reception/bookings/" in c for c in codes) == 1
    with app.app_context():
        assert db.session.get(ReceptionSlot, slot_id).booked == 1


def test_session_form_refuses_far_days_and_overlapping_slots_in_vietnamese(app, client, make_user, login):
    from datetime import timedelta

    from app.core.models import utcnow
    from app.places import services as places
    from app.reception.services import local

    login(client, make_user(role="ward_official", ward="phuong_hoan_kiem"))
    token = csrf_token(client, "/reception/manage/new")
    with app.app_context():
        ward_id = places.ward_by_codename("phuong_hoan_kiem").id
        day = (local(utcnow()).date() + timedelta(days=4)).isoformat()
    data = {"csrf_token": token, "unit": f"ward:{ward_id}", "leader": "Bà Trần Thị B", "place": "Phòng tiếp",
            "day": "9999-12-31", "topics": "Đất đai", "slots": "08:00-08:30", "capacity": "2",
            "cancel_cutoff_hours": "12"}
    page = client.post("/reception/manage/new", data=data).get_data(as_text=True)
    assert "chọn ngày trong khoảng từ năm 2000 đến năm 2100" in page
    data.update(day=day, slots="08:00-08:30\n08:00-08:30\n08:15-08:45")
    response = client.post("/reception/manage/new", data=data)
    assert response.status_code in (200, 422)
    assert "không được trùng hoặc chồng lên nhau" in response.get_data(as_text=True)
