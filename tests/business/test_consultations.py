"""Comment-period rules, moderation with reasons, the response summary and the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.business import services
from app.business.models import CommentStatus, Consultation, ConsultationComment
from app.core.models import utcnow
from app.extensions import db
from tests.conftest import csrf_token


def _user(user_id):
    from app.auth.models import User

    return db.session.get(User, user_id)


def test_the_period_must_end_after_it_starts(app_ctx):
    from app.places import services as places

    now = utcnow()
    with pytest.raises(services.ConsultationError, match="period_order"):
        services.create_consultation(None, agency_id=places.agency_by_code("industry").id, title="t", summary="s",
                                     body="b", opens_at=now, closes_at=now)


def test_comments_only_inside_the_period_and_from_a_business(app, make_user, make_business, make_consultation):
    owner = make_user()
    business_id = make_business(owner)
    open_id = make_consultation()
    upcoming_id = make_consultation(opened_days_ago=-2, closes_in_days=5)
    closed_id = make_consultation(opened_days_ago=10, closes_in_days=-1)
    stranger_id = make_user()
    with app.app_context():
        user = _user(owner)
        from app.business.models import Business

        business = db.session.get(Business, business_id)
        services.add_comment(db.session.get(Consultation, open_id), user, business, "Đề nghị giữ giờ mở cửa đến 23h")
        for consultation_id in (upcoming_id, closed_id):
            with pytest.raises(services.ConsultationError, match="not_open"):
                services.add_comment(db.session.get(Consultation, consultation_id), user, business, "Ý kiến dài hơn")
        # The period is half-open: at the closing instant, comments are no longer taken.
        consultation = db.session.get(Consultation, open_id)
        with pytest.raises(services.ConsultationError, match="not_open"):
            services.add_comment(consultation, user, business, "Đúng lúc đóng", now=consultation.closes_at)
        # Another account's business cannot be used, and an account without one cannot comment.
        stranger = _user(stranger_id)
        with pytest.raises(services.ConsultationError, match="no_business"):
            services.add_comment(consultation, stranger, business, "Ý kiến của người khác")


def test_moderation_publishes_or_refuses_with_a_reason(app, make_user, make_business, make_consultation):
    from app.notifications.models import Notification
    from app.notifications.services import describe

    owner = make_user()
    business_id = make_business(owner)
    consultation_id = make_consultation()
    official = make_user(role="agency_official", agency="industry")
    with app.app_context():
        from app.business.models import Business

        consultation = db.session.get(Consultation, consultation_id)
        business = db.session.get(Business, business_id)
        good = services.add_comment(consultation, _user(owner), business, "Ý kiến xây dựng về điều 3")
        bad = services.add_comment(consultation, _user(owner), business, "Quảng cáo không liên quan")
        assert services.published_comments(consultation) == []  # nothing public before moderation
        with pytest.raises(services.ConsultationError, match="reason_required"):
            services.moderate(bad, _user(official), publish=False)
        services.moderate(good, _user(official), publish=True)
        services.moderate(bad, _user(official), publish=False, reason="Nội dung quảng cáo")
        with pytest.raises(services.ConsultationError, match="already_moderated"):
            services.moderate(bad, _user(official), publish=True)
        db.session.commit()
        assert [c.id for c in services.published_comments(consultation)] == [good.id]
        refused = db.session.scalar(sa.select(Notification).where(Notification.kind == "comment_refused"))
        assert refused.user_id == owner
        with app.test_request_context():
            [(_, described)] = describe([refused])
        assert "Nội dung quảng cáo" in described.text and described.url == f"/business/consultations/{consultation_id}"


def test_the_response_summary_comes_after_the_period_once(app, make_user, make_consultation):
    official = make_user(role="agency_official", agency="industry")
    consultation_id = make_consultation()
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        with pytest.raises(services.ConsultationError, match="period_running"):
            services.publish_response(consultation, _user(official), "Tổng hợp ý kiến")
        after = consultation.closes_at + timedelta(minutes=1)
        services.publish_response(consultation, _user(official), "Tiếp thu 3 ý kiến", now=after)
        assert services.phase(consultation) == services.Phase.RESPONDED
        with pytest.raises(services.ConsultationError, match="already_responded"):
            services.publish_response(consultation, _user(official), "Lần hai", now=after)
        steps = services.timeline(consultation, now=after)
        assert [s.when for s in steps] == sorted(s.when for s in steps) and all(s.done for s in steps)
        with app.test_request_context(headers={"Cookie": "lang=en"}):
            assert str(steps[-1].label) == "Response summary published"


def test_public_page_shows_timeline_and_only_published_comments(app, client, make_user, make_business,
                                                                make_consultation, login):
    owner = make_user()
    make_business(owner)
    consultation_id = make_consultation()
    login(client, owner)
    client.set_cookie("lang", "en")
    token = csrf_token(client, f"/business/consultations/{consultation_id}")
    with app.app_context():
        from app.business.models import Business

        business_id = db.session.scalar(sa.select(Business.id))
    response = client.post(f"/business/consultations/{consultation_id}/comments",
                           data={"csrf_token": token, "business": business_id, "body": "Đề nghị lùi thời hạn áp dụng"})
    assert response.status_code == 303
    page = client.get(f"/business/consultations/{consultation_id}").get_data(as_text=True)
    assert "Comment period closes" in page and "Đề nghị lùi thời hạn áp dụng" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(ConsultationComment.status)) == CommentStatus.PENDING


def test_agency_officials_moderate_only_their_agency(app, client, make_user, make_business, make_consultation,
                                                    login):
    owner = make_user()
    business_id = make_business(owner)
    consultation_id = make_consultation(agency="industry")
    with app.app_context():
        comment = services.add_comment(db.session.get(Consultation, consultation_id), _user(owner),
                                       db.session.get(__import__("app.business.models", fromlist=["Business"]).Business,
                                                      business_id), "Ý kiến về điều 5 của dự thảo")
        db.session.commit()
        comment_id = comment.id
    login(client, make_user(role="agency_official", agency="police"))
    assert client.get(f"/business/manage/{consultation_id}").status_code == 403
    token = csrf_token(client, "/business/manage/new")
    assert client.post(f"/business/manage/comments/{comment_id}",
                       data={"csrf_token": token, "decision": "publish"}).status_code == 403
    mine = app.test_client()
    login(mine, make_user(role="agency_official", agency="industry"))
    token = csrf_token(mine, f"/business/manage/{consultation_id}")
    assert mine.post(f"/business/manage/comments/{comment_id}",
                     data={"csrf_token": token, "decision": "refuse", "reason": ""}).status_code == 303
    with app.app_context():
        assert db.session.get(ConsultationComment, comment_id).status == CommentStatus.PENDING
    assert mine.post(f"/business/manage/comments/{comment_id}",
                     data={"csrf_token": token, "decision": "publish"}).status_code == 303
    with app.app_context():
        assert db.session.get(ConsultationComment, comment_id).status == CommentStatus.PUBLISHED
    citizen = app.test_client()
    login(citizen, owner)
    assert citizen.get("/business/manage").status_code == 403


def test_an_official_publishes_a_draft(app, client, make_user, login):
    login(client, make_user(role="agency_official", agency="industry"))
    token = csrf_token(client, "/business/manage/new")
    from app.places import services as places

    with app.app_context():
        agency_id = places.agency_by_code("industry").id
    data = {"csrf_token": token, "agency": agency_id, "title": "Dự thảo", "summary": "Tóm tắt", "body": "Nội dung",
            "opens_at": "2030-01-10T08:00", "closes_at": "2030-01-01T08:00"}
    assert client.post("/business/manage/new", data=data).status_code == 422
    data["closes_at"] = "2030-02-10T17:00"
    response = client.post("/business/manage/new", data=data)
    assert response.status_code == 303
    with app.app_context():
        consultation = db.session.scalar(sa.select(Consultation))
        # 17:00 in Hanoi is 10:00 UTC.
        assert (consultation.closes_at.hour, consultation.closes_at.tzinfo is not None) == (10, True)
