import sqlalchemy as sa

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.extensions import db


def test_record_with_object_and_request_ip(app, make_user):
    user_id = make_user()
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        from app.auth.models import User

        user = db.session.get(User, user_id)
        entry = audit.record("test.action", user, actor=user, note="x")
        db.session.commit()
        assert entry.object_type == "users" and entry.object_id == str(user_id)
        assert entry.ip == "203.0.113.9"
        assert entry.actor_id == user_id
        assert audit.recent(action="test.action")[0].details == {"note": "x"}


def test_admin_audit_viewer_filters_and_pages(app, client, make_user, login):
    admin = make_user(role="city_admin")
    with app.app_context():
        for i in range(60):
            audit.record("bulk.test", object_type="thing", object_id=i)
        audit.record("other.action", object_type="thing", object_id=999)
        db.session.commit()
        ids = sorted(db.session.scalars(sa.select(AuditEntry.id).where(AuditEntry.action == "bulk.test")))
    login(client, admin)
    html = client.get("/admin/audit?action=bulk.test").get_data(as_text=True)
    assert html.count("bulk.test") >= 50
    assert "other.action" not in html
    assert "before=" in html
    older = client.get(f"/admin/audit?action=bulk.test&before={ids[10]}", headers={"HX-Request": "true"})
    body = older.get_data(as_text=True)
    assert "<html" not in body and body.count('class="audit-entry"') == 10
    assert older.headers["Vary"] == "HX-Request" or "HX-Request" in older.headers["Vary"]


def test_role_grant_is_audited(app, make_user):
    make_user(role="city_admin")
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role.granted"))
        assert entry.details["role"] == "city_admin"
