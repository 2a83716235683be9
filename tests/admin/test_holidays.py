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
