from datetime import date

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.core.workcal import Holiday
from app.extensions import db
from tests.conftest import csrf_token


def test_admin_adds_and_removes_holidays(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/holidays")
    response = client.post("/admin/holidays", data={"day": "2026-09-02", "name": "Quốc khánh",
                                                    "csrf_token": token})
    assert response.status_code == 303
    html = client.get("/admin/holidays").get_data(as_text=True)
    assert "Quốc khánh" in html
    again = client.post("/admin/holidays", data={"day": "2026-09-02", "name": "x", "csrf_token": token})
    assert again.status_code == 422 and "already a holiday" in again.get_data(as_text=True)
    missing = client.post("/admin/holidays", data={"day": "", "name": "", "csrf_token": token})
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.get_data(as_text=True)
    with app.app_context():
        holiday = db.session.scalar(sa.select(Holiday))
        assert holiday.day == date(2026, 9, 2)
        holiday_id = holiday.id
    assert client.post(f"/admin/holidays/{holiday_id}/delete", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Holiday.id))) == 0
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert "holiday.added" in actions and "holiday.removed" in actions


def test_holidays_are_for_city_admins_only(client, make_user, login):
    login(client, make_user(role="ward_official", ward="phuong_hoan_kiem"))
    assert client.get("/admin/holidays").status_code == 403
    assert client.post("/admin/holidays/1/delete").status_code in (400, 403)


def test_a_holiday_added_later_moves_running_deadlines(app, client, make_user, login):
    """Issue 10, point 11: filed on a Sunday evening, due Monday 17:00; Monday then becomes a
    holiday: the report is due Tuesday 17:00, its timeline says so, the admin is told."""
    from datetime import UTC, datetime

    from app.auth.models import User
    from app.core.models import as_of
    from app.notifications.models import Notification
    from app.notifications.services import describe
    from app.reports import services
    from app.reports.models import Category, Report
    from app.reports.seed import load_categories

    citizen, admin = make_user(), make_user(role="city_admin")
    sunday_evening = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # 19:00 in Hanoi
    with app.app_context():
        from app.places import services as places

        load_categories()
        category = db.session.scalar(sa.select(Category).where(Category.code == "road_damage"))
        with as_of(sunday_evening):
            report, _ = services.submit_report(db.session.get(User, citizen), "sunday-1", services.NewReport(
                category=category, description="Ổ gà trước cổng trường",
                ward=places.ward_by_codename("phuong_hoan_kiem")))
        db.session.commit()
        report_id = report.id
        assert report.due_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # Monday 17:00 Hanoi

    login(client, admin)
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/holidays")
    response = client.post("/admin/holidays", data={"day": "2026-11-30", "name": "Nghỉ bù", "csrf_token": token})
    assert response.status_code == 303
    assert "you will be notified how many moved" in client.get("/admin/holidays").get_data(as_text=True)
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.due_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # Tuesday 17:00 Hanoi
        moved = [e for e in report.events if e.kind == "deadline_moved"]
        assert len(moved) == 1 and moved[0].public
        notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == admin)).all()
        with app.test_request_context(headers={"Cookie": "lang=en"}):
            [(_note, described)] = describe(notes)
        assert described.text == "The deadline of 1 open case moved with the change of holidays."
        # The citizen sees it on the report's timeline, and was not sent a notification for it.
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.user_id == citizen)) == 0
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "The holidays changed: the deadline is now" in page


def test_public_holidays_load_from_the_maintained_calendar(app, client, make_user, login):
    """Issue 11, point 10: Vietnam's holidays and compensatory days off, loaded once, editable."""
    from app.admin import services

    days = services.public_holidays([2026, 2027])
    # Checked against the announcements: Tết 2026 (16–20 Feb), Hùng Kings with its day in lieu
    # (27 Apr 2026), National Day 1–2 Sep 2026, Labour Day 2027 in lieu on Monday 3 May.
    for day in (date(2026, 2, 17), date(2026, 4, 27), date(2026, 9, 1), date(2026, 9, 2), date(2027, 5, 3)):
        assert day in days, day
    assert "Tết" in days[date(2026, 2, 17)]

    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/holidays")
    assert client.post("/admin/holidays", data={"day": "2026-09-02", "name": "Quốc khánh (riêng)",
                                                "csrf_token": token}).status_code == 303
    with app.app_context():
        first = services.load_public_holidays([2026])
        db.session.commit()
        assert first == len(services.public_holidays([2026])) - 1  # the admin's own day is kept
        assert services.load_public_holidays([2026]) == 0
        kept = db.session.scalar(sa.select(Holiday.name).where(Holiday.day == date(2026, 9, 2)))
        assert kept == "Quốc khánh (riêng)"
        assert "holiday.loaded" in db.session.scalars(sa.select(AuditEntry.action)).all()
    response = client.post("/admin/holidays/load", data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200


def test_validator_messages_without_their_own_text_are_in_vietnamese(client, make_user, login):
    """WTForms ships no Vietnamese: its default messages come from the app's catalog."""
    login(client, make_user(role="city_admin"))
    token = csrf_token(client, "/admin/holidays")
    response = client.post("/admin/holidays", data={"day": "2026-09-02", "name": "x" * 200, "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nội dung không được dài quá 120 ký tự." in html and "Field cannot be longer" not in html
    client.set_cookie("lang", "en")
    response = client.post("/admin/holidays", data={"day": "2026-09-02", "name": "x" * 200, "csrf_token": token})
    assert "Field cannot be longer than 120 characters." in response.get_data(as_text=True)
