from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.models import utcnow


@pytest.fixture
def police(make_user):
    return make_user(role="agency_official", agency="police", name="Đỗ Quang Huy")


@pytest.fixture
def alert_data():
    from app.alerts.services import AlertData

    def factory(**changes):
        now = utcnow()
        values = dict(kind="scam", severity="warning", urgency="Expected", certainty="Likely",
                      title="Giả danh công an gọi điện đòi chuyển tiền",
                      summary="Kẻ gian giả danh công an yêu cầu chuyển tiền để 'xác minh'.",
                      body="**Không** chuyển tiền.\n\n- Gọi 113\n- Báo công an phường",
                      instruction="Cúp máy và báo công an phường.",
                      title_en="Fake police calls asking for money", summary_en="Scammers pose as police.",
                      valid_from=now - timedelta(hours=1), valid_until=now + timedelta(days=7))
        values.update(changes)
        return AlertData(**values)

    return factory


@pytest.fixture
def make_alert(app, police, alert_data):
    """Factory: a published (or draft) alert of the police; returns its id."""
    from app.alerts import services
    from app.auth.models import User
    from app.extensions import db
    from app.places import services as places

    def factory(*, publish: bool = True, author: int | None = None, **changes):
        with app.app_context():
            user = db.session.get(User, author or police)
            agency = places.agency_by_code("police")
            alert = services.create_draft(user, agency.id, alert_data(**changes))
            if publish:
                services.publish(alert, user)
            db.session.commit()
            alert_id = alert.id
            db.session.remove()
        return alert_id

    return factory
