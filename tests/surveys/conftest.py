from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.models import utcnow


@pytest.fixture
def ward_official(make_user):
    return make_user(role="ward_official", ward="phuong_hoan_kiem", name="Lê Văn Hùng")


@pytest.fixture
def make_survey(app, ward_official):
    """Factory: a survey of Hoàn Kiếm with a question of each kind; returns its id."""
    from app.auth.models import User
    from app.extensions import db
    from app.places import services as places
    from app.surveys import services

    def factory(*, publish: bool = True, opens=None, closes=None, public_early: bool = False,
                ward: str = "phuong_hoan_kiem"):
        with app.app_context():
            user = db.session.get(User, ward_official)
            now = utcnow()
            survey = services.create(user, ward_id=places.ward_by_codename(ward).id, agency_id=None,
                                     title="Hài lòng về thủ tục tại phường", description="",
                                     open_from=opens or now - timedelta(days=1),
                                     open_until=closes or now + timedelta(days=7), results_public_early=public_early)
            services.add_question(survey, user, label="Thái độ cán bộ", label_en="Staff attitude",
                                  kind="rating", required=True, options=[])
            services.add_question(survey, user, label="Bạn đã làm thủ tục gì?", label_en="Which procedure?",
                                  kind="single", required=True,
                                  options=[("Hộ tịch", "Civil status"), ("Đất đai", "Land")])
            services.add_question(survey, user, label="Kênh liên hệ", label_en="Channels", kind="multiple",
                                  required=False, options=[("Trực tiếp", "In person"), ("Trực tuyến", "Online"),
                                                           ("Điện thoại", "Phone")])
            services.add_question(survey, user, label="Một từ", label_en="One word", kind="text",
                                  required=False, options=[])
            services.add_question(survey, user, label="Góp ý", label_en="Suggestions", kind="long_text",
                                  required=False, options=[])
            if publish:
                services.publish(survey, user)
            db.session.commit()
            survey_id = survey.id
            db.session.remove()
        return survey_id

    return factory
