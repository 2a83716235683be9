"""Cheaper rendering (issue 15): queries per page do not grow with the rows shown (no N+1), and
the filter lists reused between requests follow every change (the page cache is off in tests)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def counted(app):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _queries(app, client, path: str) -> int:
    with counted(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_feed_queries_do_not_grow_with_reports(app, client, make_user, make_report):
    citizen = make_user()
    make_report(citizen)
    client.get("/reports")  # warm-up: the filter lists are built once per process
    one = _queries(app, client, "/reports")
    for status in ("accepted", "resolved", "rejected", "submitted", "closed", "accepted"):
        make_report(citizen, status=status, photos=2)
    assert _queries(app, client, "/reports") == one


def test_report_page_queries_do_not_grow_with_its_timeline(app, client, make_user, make_report):
    citizen = make_user()
    small = make_report(citizen, status="closed", photos=1, result_photos=1)
    big = make_report(citizen, status="closed", photos=4, result_photos=3)
    make_user(name="Người theo dõi")
    client.get(f"/reports/{small}")  # warm-up: what one process loads once
    assert _queries(app, client, f"/reports/{big}") == _queries(app, client, f"/reports/{small}")


def test_the_feeds_ward_list_is_reused_and_follows_changes(app, client):
    from app.places import services as places
    from app.places.models import Ward

    html = client.get("/reports").get_data(as_text=True)
    with app.app_context():
        ward = places.ward_by_codename("phuong_hoan_kiem")
        ward_id, name = ward.id, ward.name
    assert f'<option value="{ward_id}">{name}</option>' in html
    with counted(app) as statements:
        html = client.get(f"/reports?ward={ward_id}").get_data(as_text=True)
    assert f'<option value="{ward_id}" selected>{name}</option>' in html
    assert not any("FROM wards" in s and "ORDER BY wards.name" in s for s in statements)
    with app.app_context():
        db.session.get(Ward, ward_id).active = False
        db.session.commit()
    try:
        assert f'<option value="{ward_id}"' not in client.get("/reports").get_data(as_text=True)
    finally:
        with app.app_context():
            db.session.get(Ward, ward_id).active = True
            db.session.commit()
    assert f'<option value="{ward_id}">' in client.get("/reports").get_data(as_text=True)


def test_the_feeds_category_list_follows_admin_edits_in_both_languages(app, client, make_category):
    from app.admin import services as admin
    from app.reports.models import Category

    category_id = make_category("lights", name="Đèn chiếu sáng", name_en="Street lights")
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert f'<option value="{category_id}">Đèn chiếu sáng</option>' in client.get("/reports").get_data(as_text=True)
    assert f'<option value="{category_id}">Street lights</option>' in english.get("/reports").get_data(as_text=True)
    with app.app_context():
        category = db.session.get(Category, category_id)
        admin.update_category(category, {"name": "Đèn đường hỏng", "name_en": "Broken street lights"})
        db.session.commit()
    html = client.get(f"/reports?category={category_id}").get_data(as_text=True)
    assert f'<option value="{category_id}" selected>Đèn đường hỏng</option>' in html
    assert "Broken street lights" in english.get("/reports").get_data(as_text=True)
