"""Factories for reception sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db


@pytest.fixture
def make_session(app):
    """``make_session(ward="phuong_hoan_kiem", days=3, slots="08:00-08:30", capacity=2)`` → session id."""

    def factory(*, ward: str | None = "phuong_hoan_kiem", agency: str | None = None, days: int = 3,
                slots: str = "08:00-08:30\n08:30-09:00", capacity: int = 2, cutoff: int = 24,
                topics: str = "Đất đai\nTrật tự đô thị") -> int:
        from app.core.models import utcnow
        from app.places import services as places
        from app.reception import services

        with app.app_context():
            day = services.local(utcnow()).date() + timedelta(days=days)
            session = services.create_session(
                None, ward_id=places.ward_by_codename(ward).id if ward else None,
                agency_id=places.agency_by_code(agency).id if agency else None,
                leader="Chủ tịch UBND phường Nguyễn Văn A", place="Trụ sở UBND phường, 1 Lý Thái Tổ",
                day=day, topics=topics, slots=slots, capacity=capacity, cancel_cutoff_hours=cutoff)
            db.session.commit()
            session_id = session.id
            db.session.remove()
        return session_id

    return factory


def slot_ids(app, session_id: int) -> list[int]:
    from app.reception.models import ReceptionSession

    with app.app_context():
        ids = [s.id for s in db.session.get(ReceptionSession, session_id).slots]
        db.session.remove()
    return ids
