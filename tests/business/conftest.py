"""Factories for businesses, consultations and business questions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db

VALID_TAX_CODE = "0100109106"


@pytest.fixture
def make_business(app):
    def factory(user_id: int, *, name: str = "Công ty TNHH Hoa Sen", tax_code: str = VALID_TAX_CODE) -> int:
        from app.auth.models import User
        from app.business import services

        with app.app_context():
            business = services.declare_business(db.session.get(User, user_id), name=name, tax_code=tax_code,
                                                 kind="enterprise", role="owner")
            db.session.commit()
            business_id = business.id
            db.session.remove()
        return business_id

    return factory


@pytest.fixture
def make_consultation(app):
    """``make_consultation(opened_days_ago=1, closes_in_days=10)`` → id (agency: industry)."""

    def factory(*, opened_days_ago: int = 1, closes_in_days: int = 10, agency: str = "industry",
                title: str = "Dự thảo quy định về giờ hoạt động của hộ kinh doanh ăn uống") -> int:
        from app.business import services
        from app.core.models import utcnow
        from app.places import services as places

        with app.app_context():
            now = utcnow()
            consultation = services.create_consultation(
                None, agency_id=places.agency_by_code(agency).id, title=title,
                summary="Lấy ý kiến doanh nghiệp về khung giờ mở cửa.", body="Điều 1. Phạm vi điều chỉnh…",
                opens_at=now - timedelta(days=opened_days_ago), closes_at=now + timedelta(days=closes_in_days))
            db.session.commit()
            consultation_id = consultation.id
            db.session.remove()
        return consultation_id

    return factory
