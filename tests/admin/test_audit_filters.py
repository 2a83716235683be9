"""The audit-log viewer filters by action, actor, object and date, and pages back keeping them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db


def _add(app, n, **fields):
    with app.app_context():
        for i in range(n):
            db.session.add(AuditEntry(action=fields.get("action", "test.action"), actor_id=fields.get("actor_id"),
                                      object_type=fields.get("object_type"), object_id=fields.get("object_id"),
                                      created_at=fields.get("created_at", datetime(2026, 3, 10, 3, 0, tzinfo=UTC)),
                                      details={"n": i}))
        db.session.commit()
        db.session.remove()


def _rows(html):
    return len(re.findall(r'<li class="audit-entry"[^>]*>', html))


def test_filters_by_actor_object_and_date(app, client, make_user, login):
    admin = make_user(role="city_admin")
    login(client, admin)
    with app.app_context():
        db.session.execute(sa.delete(AuditEntry))
        db.session.commit()
        db.session.remove()
    _add(app, 2, action="report.accepted", actor_id=admin, object_type="reports", object_id="7")
    _add(app, 1, action="report.accepted", actor_id=admin, object_type="reports", object_id="8")
    _add(app, 1, action="report.accepted", object_type="reports", object_id="7")
    # 23:30 on 11 March in Hanoi is still 11 March there, though 16:30 UTC.
    _add(app, 1, action="holiday.added", created_at=datetime(2026, 3, 11, 16, 30, tzinfo=UTC))
    get = lambda query: client.get("/admin/audit?" + query).get_data(as_text=True)  # noqa: E731
    assert _rows(get(f"actor={admin}")) == 3
    assert _rows(get("object_type=reports&object_id=7")) == 3
    assert _rows(get(f"object_type=reports&object_id=7&actor={admin}&action=report.accepted")) == 2
    assert _rows(get("date_from=2026-03-11&date_to=2026-03-11")) == 1
    assert _rows(get("date_to=2026-03-10")) == 4
    assert _rows(get("date_from=2026-03-12")) == 0
    form = get("object_type=reports&date_from=2026-03-11")
    assert 'value="reports"' in form and 'value="2026-03-11"' in form
    assert _rows(get("date_from=not-a-date&actor=x")) == 5


def test_older_entries_keep_the_filters(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    _add(app, 60, action="report.accepted", object_type="reports", object_id="7")
    _add(app, 5, action="other.action", object_type="reports", object_id="7")
    html = client.get("/admin/audit?action=report.accepted&object_type=reports&object_id=7").get_data(as_text=True)
    assert _rows(html) == 50 and "other.action" not in html
    older = unescape(re.search(r'<a href="([^"]+)" hx-get', html).group(1))
    assert "action=report.accepted" in older and "object_type=reports" in older and "object_id=7" in older
    page = client.get(older, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<h1>" not in page and _rows(page) == 10 and "other.action" not in page


def test_audit_log_is_for_city_admins_only(app, client, make_user, login):
    login(client, make_user(role="ward_official", ward="phuong_hoan_kiem"))
    assert client.get("/admin/audit?actor=1").status_code == 403
    login(client, make_user())
    assert client.get("/admin/audit").status_code == 403
    assert app.test_client().get("/admin/audit").status_code == 302
