"""The alert lifecycle: draft → published → updated → expired or withdrawn, with history and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import utcnow
from app.extensions import db


def _get(alert_id):
    from app.alerts.models import Alert

    return db.session.get(Alert, alert_id)


def test_publish_update_withdraw_keep_history_and_reference_the_original(app, make_alert, police, alert_data):
    from app.alerts import services
    from app.alerts.models import AlertStatus, MsgType
    from app.audit.models import AuditEntry
    from app.auth.models import User

    alert_id = make_alert()
    with app.app_context():
        officer = db.session.get(User, police)
        original = _get(alert_id)
        assert (original.status, original.msg_type, original.root_id) == ("published", "Alert", alert_id)
        updated = services.update(original, officer, alert_data(title="Thủ đoạn mới: gọi video giả công an"),
                                  "Thêm thủ đoạn gọi video")
        db.session.commit()
        assert original.status == AlertStatus.UPDATED and original.title.startswith("Giả danh")
        assert (updated.msg_type, updated.previous_id, updated.root_id) == (MsgType.UPDATE, alert_id, alert_id)
        withdrawn = services.withdraw(updated, officer, "Thông tin đã cũ")
        db.session.commit()
        assert withdrawn.msg_type == MsgType.CANCEL and withdrawn.status == AlertStatus.WITHDRAWN
        assert [a.id for a in services.history(original)] == [alert_id, updated.id, withdrawn.id]
        assert [a.id for a in services.earlier_versions(withdrawn)] == [alert_id, updated.id]
        assert services.current() == []
        assert [a.id for a in services.archive()] == [withdrawn.id]
        with pytest.raises(services.AlertError):
            services.update(original, officer, alert_data(), "again")
        actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("alert.%"))
                                          .order_by(AuditEntry.id)))
        assert actions == ["alert.draft", "alert.publish", "alert.update", "alert.withdraw"]


def test_withdrawal_needs_a_reason(app, make_alert, police):
    from app.alerts import services
    from app.auth.models import User

    alert_id = make_alert()
    with app.app_context():
        with pytest.raises(services.AlertError, match="reason_required"):
            services.withdraw(_get(alert_id), db.session.get(User, police), "")


def test_expiry_moves_alerts_to_the_archive(app, make_alert):
    from app.alerts import services, tasks

    alert_id = make_alert(valid_until=utcnow() + timedelta(hours=2))
    with app.app_context():
        assert [a.id for a in services.current()] == [alert_id]
        later = utcnow() + timedelta(hours=3)
        assert services.current(now=later) == []
        assert [a.id for a in services.archive(now=later)] == [alert_id]
        assert services.expire_due(later) == 1
        db.session.commit()
        assert _get(alert_id).status == "expired"
    with app.app_context():
        assert tasks.expire_alerts.call_local() == 0


def test_current_alerts_most_severe_first_and_by_ward(app, make_alert):
    from app.alerts import services
    from app.places import services as places

    with app.app_context():
        hk = places.ward_by_codename("phuong_hoan_kiem").id
        cn = places.ward_by_codename("phuong_cua_nam").id
    info = make_alert(severity="info", title="Tin thường")
    severe = make_alert(severity="severe", kind="weather", title="Mưa lớn, ngập sâu")
    ward = make_alert(severity="warning", kind="traffic", city_wide=False, ward_ids=(hk,), title="Cấm đường")
    make_alert(publish=False, severity="severe", title="Bản nháp")
    with app.app_context():
        assert [a.id for a in services.current()] == [severe, ward, info]
        assert [a.id for a in services.current(ward_id=cn)] == [severe, info]
        assert [a.id for a in services.current(ward_id=hk, kind="traffic")] == [ward]
        assert services.top_alert().id == severe
        # Diacritics-insensitive search.
        assert [a.id for a in services.current(q="mua lon")] == [severe]
        assert [a.id for a in services.current(q="CẤM ĐƯỜNG")] == [ward]


def test_alert_must_have_an_area_and_a_validity(app, police, alert_data):
    from app.alerts import services
    from app.auth.models import User
    from app.places import services as places

    with app.app_context():
        officer = db.session.get(User, police)
        agency = places.agency_by_code("police").id
        with pytest.raises(services.AlertError, match="area_required"):
            services.create_draft(officer, agency, alert_data(city_wide=False, ward_ids=()))
        now = utcnow()
        with pytest.raises(services.AlertError, match="validity"):
            services.create_draft(officer, agency, alert_data(valid_from=now, valid_until=now))


def test_markdown_is_rendered_and_sanitised():
    from app.alerts.markdown import plain, render

    html = str(render("**Cẩn thận**\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1)) [ok](https://x.vn)"))
    assert "<strong>Cẩn thận</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    assert 'href="https://x.vn"' in html and "noopener" in html
    assert plain("**a** & b") == "a & b"


def test_the_original_of_a_withdrawn_alert_says_withdrawn(app, client, make_alert, police, alert_data):
    from app.alerts import services
    from app.auth.models import User

    alert_id = make_alert()
    with app.app_context():
        officer = db.session.get(User, police)
        updated = services.update(_get(alert_id), officer, alert_data(severity="severe"), "Nghiêm trọng hơn")
        db.session.commit()
        updated_id = updated.id
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "Đã được thay bằng phiên bản mới hơn" in page
    with app.app_context():
        services.withdraw(_get(updated_id), db.session.get(User, police), "Thông tin đã cũ")
        db.session.commit()
    for version in (alert_id, updated_id):
        page = client.get(f"/alerts/{version}").get_data(as_text=True)
        assert '<span class="status">Đã thu hồi</span>' in page
        assert "Đã được thay bằng phiên bản mới hơn" not in page
    client.set_cookie("lang", "en")
    assert '<span class="status">Withdrawn</span>' in client.get(f"/alerts/{alert_id}").get_data(as_text=True)
