"""City admins edit categories: names, routing, deadlines and extra questions; all audited."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db
from app.places.models import Agency
from app.reports.models import Category, CategoryQuestion
from tests.conftest import csrf_token
from tests.reports.conftest import make_category  # noqa: F401

FIELDS = {"name": "Đèn đường hỏng", "name_en": "Broken street light", "unit_type": "ward", "agency": "",
          "accept_hours": "8", "resolve_urgent_hours": "4", "resolve_normal_hours": "40",
          "resolve_complex_hours": "80", "result_photo_required": "y", "active": "y", "position": "3"}


def _agency_id(app, code="transport"):
    with app.app_context():
        agency_id = db.session.scalar(sa.select(Agency.id).where(Agency.code == code))
        db.session.remove()
    return agency_id


def _actions(app):
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        db.session.remove()
    return actions


def test_admin_creates_and_edits_a_category(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/categories")
    response = client.post("/admin/categories", data={**FIELDS, "code": "street_light", "csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        category = db.session.scalar(sa.select(Category).where(Category.code == "street_light"))
        assert (category.name_en, category.unit_type, category.position) == ("Broken street light", "ward", 3)
        category_id = category.id
        db.session.remove()
    page = client.get(f"/admin/categories/{category_id}").get_data(as_text=True)
    assert "apply to reports filed from now on" in page
    agency = _agency_id(app)
    changes = {**FIELDS, "unit_type": "agency", "agency": str(agency), "accept_hours": "16",
               "resolve_urgent_hours": "2", "csrf_token": token}
    del changes["result_photo_required"]
    assert client.post(f"/admin/categories/{category_id}", data=changes).status_code == 303
    with app.app_context():
        category = db.session.get(Category, category_id)
        assert (category.unit_type, category.agency_id, category.accept_hours, category.resolve_urgent_hours,
                category.result_photo_required) == ("agency", agency, 16, 2, False)
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "category.updated"))
        assert set(entry.details["fields"]) == {"unit_type", "agency_id", "accept_hours",
                                                "resolve_urgent_hours", "result_photo_required"}
        db.session.remove()
    assert "category.created" in _actions(app)
    assert "Broken street light" in client.get("/admin/categories").get_data(as_text=True)


def test_invalid_category_input_is_refused_and_kept(app, client, make_user, login, make_category):  # noqa: F811
    make_category("road_damage")
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/categories")
    taken = client.post("/admin/categories", data={**FIELDS, "code": "road_damage", "csrf_token": token})
    assert taken.status_code == 422 and "already has this code" in taken.get_data(as_text=True)
    bad = client.post("/admin/categories", data={**FIELDS, "code": "Đèn đường", "accept_hours": "0",
                                                 "unit_type": "agency", "csrf_token": token})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Use only lower-case letters" in html and "Between 1 and 2000 working hours" in html
    assert "Choose the agency that handles this category." in html and 'value="Đèn đường"' in html
    category_id = make_category("street_light")
    huge = client.post(f"/admin/categories/{category_id}", data={**FIELDS, "resolve_complex_hours": "99999",
                                                                 "name": "Giữ lại", "csrf_token": token})
    assert huge.status_code == 422 and 'value="Giữ lại"' in huge.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Category.id))) == 2
        assert db.session.get(Category, category_id).resolve_complex_hours == 80
        db.session.remove()


def test_admin_adds_and_removes_questions(app, client, make_user, login, make_category):  # noqa: F811
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    category_id = make_category("road_damage")
    other_id = make_category("trash", questions=[{"code": "size"}])
    token = csrf_token(client, f"/admin/categories/{category_id}")
    url = f"/admin/categories/{category_id}/questions"
    response = client.post(url, data={
        "code": "depth", "label": "Độ sâu", "label_en": "Depth", "kind": "single", "required": "y",
        "options": "shallow|Nông|Shallow\r\ndeep|Sâu|Deep\r\n", "csrf_token": token})
    assert response.status_code == 303
    bad = client.post(url, data={"code": "width", "label": "Rộng", "label_en": "Width", "kind": "single",
                                 "options": "wide|Rộng", "csrf_token": token})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Line 1 is not value|Nhãn|Label" in html and "wide|Rộng" in html
    again = client.post(url, data={"code": "depth", "label": "x", "label_en": "x", "kind": "text",
                                   "csrf_token": token})
    assert again.status_code == 422 and "already has a question with this code" in again.get_data(as_text=True)
    with app.app_context():
        question = db.session.scalar(sa.select(CategoryQuestion).where(CategoryQuestion.category_id == category_id))
        assert question.required and question.options == [
            {"value": "shallow", "label": "Nông", "label_en": "Shallow"},
            {"value": "deep", "label": "Sâu", "label_en": "Deep"}]
        question_id = question.id
        foreign_id = db.session.scalar(sa.select(CategoryQuestion.id).where(CategoryQuestion.category_id == other_id))
        db.session.remove()
    assert client.post(f"/admin/categories/{category_id}/questions/{foreign_id}/delete",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/categories/{category_id}/questions/{question_id}/delete",
                       data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CategoryQuestion.id))) == 1
        db.session.remove()
    actions = _actions(app)
    assert "category.question_added" in actions and "category.question_removed" in actions


def test_categories_are_for_city_admins_only(app, client, make_user, login, make_category):  # noqa: F811
    category_id = make_category("road_damage")
    for user in (make_user(role="ward_official", ward="phuong_hoan_kiem"), make_user()):
        login(client, user)
        token = csrf_token(client, "/")
        assert client.get("/admin/categories").status_code == 403
        assert client.get(f"/admin/categories/{category_id}").status_code == 403
        assert client.post(f"/admin/categories/{category_id}",
                           data={**FIELDS, "csrf_token": token}).status_code == 403
        assert client.post("/admin/categories", data={**FIELDS, "code": "x", "csrf_token": token}).status_code == 403
    assert app.test_client().get("/admin/categories").status_code == 302
    with app.app_context():
        assert db.session.get(Category, category_id).name != FIELDS["name"]
        db.session.remove()


def test_category_changes_need_the_csrf_token(app, client, make_user, login, make_category):  # noqa: F811
    category_id = make_category("road_damage")
    login(client, make_user(role="city_admin"))
    assert client.post("/admin/categories", data={**FIELDS, "code": "x"}).status_code == 400
    assert client.post(f"/admin/categories/{category_id}", data=FIELDS).status_code == 400
    assert client.post(f"/admin/categories/{category_id}/questions",
                       data={"code": "a", "label": "a", "label_en": "a", "kind": "text"}).status_code == 400
    assert client.get("/admin/categories/999").status_code == 404
