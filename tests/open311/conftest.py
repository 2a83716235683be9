"""Open311 tests build reports with the field-report factories, and issue API keys."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.reports.conftest import make_category, make_report, photo_bytes, report_of  # noqa: F401


@pytest.fixture
def make_api_key(app, make_user):
    """Factory: ``make_api_key(name=..., revoked=False)`` → ``(key id, raw key)``."""
    from app.auth.models import User
    from app.open311 import services

    def factory(name: str = "Tổng đài 1022", *, revoked: bool = False) -> tuple[int, str]:
        admin_id = make_user(role="city_admin", name="Quản trị")
        with app.app_context():
            admin = db.session.get(User, admin_id)
            key, raw = services.issue_key(name, created_by=admin)
            if revoked:
                services.revoke_key(key, actor=admin)
            db.session.commit()
            key_id = key.id
            db.session.remove()
        return key_id, raw

    return factory
