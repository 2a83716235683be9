"""Subscriptions per kind and area, and the fan-out of a published message to subscribers in
batches through the job queue: each subscriber told once, even when a job runs again."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.conftest import csrf_token


def _subscribe(app, user_id, ward, kinds):
    from app.alerts import services
    from app.auth.models import User
    from app.places import services as places

    with app.app_context():
        ward_id = places.ward_by_codename(ward).id if ward else None
        services.set_subscriptions(db.session.get(User, user_id), ward_id, set(kinds))
        db.session.commit()


def _told(app, alert_id):
    from app.notifications.models import Notification

    with app.app_context():
        return sorted(db.session.scalars(sa.select(Notification.user_id).where(
            Notification.subject_type == "alert", Notification.subject_id == alert_id)))


def test_publishing_tells_matching_subscribers_once_in_batches(app, make_user, make_alert, monkeypatch):
    from app.alerts import services, tasks
    from app.alerts.models import Alert
    from app.places import services as places

    city = make_user()
    hoan_kiem = make_user()
    cua_nam = make_user()
    other_kind = make_user()
    both = make_user()
    _subscribe(app, city, None, ["scam"])
    _subscribe(app, hoan_kiem, "phuong_hoan_kiem", ["scam", "traffic"])
    _subscribe(app, cua_nam, "phuong_cua_nam", ["scam"])
    _subscribe(app, other_kind, None, ["weather"])
    _subscribe(app, both, None, ["scam"])
    _subscribe(app, both, "phuong_hoan_kiem", ["scam"])
    monkeypatch.setattr(services, "BATCH", 2)
    batches = []
    original = services.notify_batch
    with app.app_context():
        hk = places.ward_by_codename("phuong_hoan_kiem").id

    # A ward alert: the whole-city subscribers and Hoàn Kiếm's, not Cửa Nam's nor other kinds'.
    monkeypatch.setattr(services, "notify_batch",
                        lambda alert, user_ids: batches.append(list(user_ids)) or original(alert, user_ids))
    alert_id = make_alert(city_wide=False, ward_ids=(hk,))
    assert _told(app, alert_id) == sorted([city, hoan_kiem, both])
    assert sorted(len(b) for b in batches) == [1, 2]

    # The job runs again (a retry, or a second worker): nobody is told twice.
    with app.app_context():
        user_ids = list(db.session.scalars(services.subscriber_ids_query(db.session.get(Alert, alert_id))))
    assert tasks.notify_subscribers.call_local(alert_id, user_ids) == 0
    assert tasks.fan_out.call_local(alert_id) == 2
    assert _told(app, alert_id) == sorted([city, hoan_kiem, both])

    # A city-wide alert reaches every ward's subscribers of its kind.
    city_alert = make_alert()
    assert _told(app, city_alert) == sorted([city, hoan_kiem, cua_nam, both])


def test_a_batch_that_failed_half_way_is_redone_without_doubles(app, make_user, make_alert, monkeypatch):
    from app.alerts import services, tasks
    from app.auth.models import User
    from app.notifications import services as notifications

    users = [make_user() for _ in range(3)]
    for user in users:
        _subscribe(app, user, None, ["scam"])
    calls = {"n": 0}
    real_add_once = notifications.add_once

    def flaky(user_id, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker died")
        return real_add_once(user_id, *args, **kwargs)

    monkeypatch.setattr(notifications, "add_once", flaky)
    # The first run died half-way: its transaction is rolled back, and the queue runs it again.
    alert_id = make_alert(publish=False)
    from app.alerts.models import Alert

    with app.app_context():
        alert = db.session.get(Alert, alert_id)
        services.publish(alert, db.session.get(User, users[0]))
        db.session.commit()
    assert _told(app, alert_id) == []
    monkeypatch.setattr(notifications, "add_once", real_add_once)
    assert tasks.notify_subscribers.call_local(alert_id, users) == 3
    assert tasks.notify_subscribers.call_local(alert_id, users) == 0
    assert _told(app, alert_id) == users


def test_subscribed_citizen_sees_the_alert_in_the_inbox(app, client, login, make_user, make_alert):
    citizen = make_user()
    login(client, citizen)
    token = csrf_token(client, "/alerts/subscriptions")
    response = client.post("/alerts/subscriptions", data={"csrf_token": token, "ward": "city",
                                                          "kinds": ["scam", "crime"]})
    assert response.status_code == 303
    make_alert(title="Giả danh nhân viên điện lực")
    page = client.get("/notifications").get_data(as_text=True)
    assert "Giả danh nhân viên điện lực" in page
    # Saving with nothing ticked stops the subscription for that area.
    client.post("/alerts/subscriptions", data={"csrf_token": token, "ward": "city"})
    second = make_alert(title="Lừa đảo mới")
    assert _told(app, second) == []
