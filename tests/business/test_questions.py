"""Business questions are a kind of case: routed to the chosen agency or by topic, handled in the
console with the engine's actions, answered publicly (anonymously if asked), searchable."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from app.business import services
from app.business.models import Business, BusinessQuestion
from app.cases import services as cases
from app.cases.models import Level, Status, UnitType
from app.cases.workflow import Action, allowed_actions
from app.extensions import db
from tests.conftest import csrf_token


def _user(user_id):
    from app.auth.models import User

    return db.session.get(User, user_id)


@pytest.fixture
def asker(make_user, make_business):
    user_id = make_user()
    return user_id, make_business(user_id, name="Hộ kinh doanh Phở Thìn")


def _ask(app, asker, *, topic="food_safety", agency=None, title="Thủ tục cấp giấy chứng nhận an toàn thực phẩm",
         body="Quán phở của tôi cần những giấy tờ gì để được cấp giấy chứng nhận?", anonymous=True):
    user_id, business_id = asker
    with app.app_context():
        from app.places import services as places

        agency_id = places.agency_by_code(agency).id if agency else None
        question, created = services.ask(_user(user_id), db.session.get(Business, business_id), topic=topic,
                                         agency_id=agency_id, title=title, body=body, anonymous=anonymous)
        db.session.commit()
        question_id = question.id
        db.session.remove()
    return question_id


def test_routing_by_topic_or_chosen_agency(app, asker):
    from app.places import services as places

    by_topic = _ask(app, asker, topic="food_safety")
    chosen = _ask(app, asker, topic="food_safety", agency="industry")
    with app.app_context():
        health, industry = places.agency_by_code("health").id, places.agency_by_code("industry").id
        first, second = db.session.get(BusinessQuestion, by_topic), db.session.get(BusinessQuestion, chosen)
        assert (first.unit_type, first.unit_agency_id) == (UnitType.AGENCY, health)
        assert (second.unit_type, second.unit_agency_id) == (UnitType.AGENCY, industry)
        assert first.kind == "business_question" and first.status == Status.SUBMITTED and first.due_at is not None


def test_the_whole_life_through_the_engine(app, asker, make_user):
    from app.notifications.models import Notification

    question_id = _ask(app, asker)
    official = make_user(role="agency_official", agency="health")
    other = make_user(role="agency_official", agency="police")
    with app.app_context():
        question = db.session.get(BusinessQuestion, question_id)
        handler, citizen = _user(official), _user(asker[0])
        assert allowed_actions(question, _user(other)) == frozenset()
        assert Action.ACCEPT in allowed_actions(question, handler)
        cases.accept(question, handler, Level.NORMAL)
        cases.resolve(question, handler, "Cần hồ sơ theo Nghị định 15/2018/NĐ-CP, nộp tại Sở Y tế.")
        assert allowed_actions(question, citizen) == {Action.RATE, Action.REOPEN}
        cases.request_reopen(question, citizen, "Chưa rõ thời hạn giải quyết")
        cases.resolve(question, handler, "Thời hạn 20 ngày làm việc kể từ khi nhận đủ hồ sơ.")
        cases.rate(question, citizen, True)
        db.session.commit()
        assert question.status == Status.CLOSED
        assert [e.kind for e in question.events] == ["submitted", "accepted", "resolved", "reopened", "resolved",
                                                     "rated", "closed"]
        assert "20 ngay lam viec" in question.search_text
        kinds = db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == asker[0], Notification.subject_type == "case")).all()
        assert kinds.count("resolved") == 2


def test_the_console_handles_business_questions(app, client, asker, make_user, login):
    question_id = _ask(app, asker)
    login(client, make_user(role="agency_official", agency="health"))
    inbox = client.get("/console/").get_data(as_text=True)
    assert f"#{question_id}" in inbox
    assert f"#{question_id}" in client.get("/console/?kind=business_question").get_data(as_text=True)
    page = client.get(f"/console/reports/{question_id}").get_data(as_text=True)
    assert "Hộ kinh doanh Phở Thìn" in page and "Quán phở của tôi" in page
    token = csrf_token(client, f"/console/reports/{question_id}")
    assert client.post(f"/console/reports/{question_id}/accept",
                       data={"csrf_token": token, "level": "normal"}).status_code == 303
    assert client.post(f"/console/reports/{question_id}/resolve",
                       data={"csrf_token": token, "answer": "Nộp hồ sơ tại Sở Y tế."}).status_code == 303
    with app.app_context():
        assert db.session.get(BusinessQuestion, question_id).status == Status.RESOLVED
    other = app.test_client()
    login(other, make_user(role="agency_official", agency="police"))
    assert other.get(f"/console/reports/{question_id}").status_code == 403


def _answer(app, question_id, official, text="Nộp hồ sơ tại Sở Y tế, thời hạn 20 ngày."):
    with app.app_context():
        question = db.session.get(BusinessQuestion, question_id)
        cases.accept(question, _user(official), Level.NORMAL)
        cases.resolve(question, _user(official), text)
        db.session.commit()


def test_public_only_once_answered_and_anonymous_when_asked(app, client, asker, make_user, login):
    hidden = _ask(app, asker, anonymous=True)
    named = _ask(app, asker, anonymous=False, title="Giấy phép biển hiệu quảng cáo")
    official = make_user(role="agency_official", agency="health")
    assert client.get(f"/business/questions/{hidden}").status_code == 404  # not answered yet
    stranger = app.test_client()
    login(stranger, make_user())
    assert stranger.get(f"/business/questions/{hidden}").status_code == 404
    owner = app.test_client()
    login(owner, asker[0])
    assert owner.get(f"/business/questions/{hidden}").status_code == 200
    _answer(app, hidden, official)
    _answer(app, named, official)
    client.set_cookie("lang", "en")
    page = client.get(f"/business/questions/{hidden}").get_data(as_text=True)
    assert "Hộ kinh doanh Phở Thìn" not in page and "name not shown" in page and "thời hạn 20 ngày" in page
    assert "Hộ kinh doanh Phở Thìn" in client.get(f"/business/questions/{named}").get_data(as_text=True)
    # The asker rates; a stranger may not.
    token = csrf_token(stranger, "/business/questions")
    assert stranger.post(f"/business/questions/{hidden}/rate",
                         data={"csrf_token": token, "satisfied": "yes"}).status_code == 403
    token = csrf_token(owner, f"/business/questions/{hidden}")
    assert owner.post(f"/business/questions/{hidden}/rate",
                      data={"csrf_token": token, "satisfied": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.get(BusinessQuestion, hidden).status == Status.CLOSED


def test_search_ignores_diacritics_and_case(app, client, asker, make_user):
    official = make_user(role="agency_official", agency="health")
    food = _ask(app, asker, title="Thủ tục cấp giấy chứng nhận an toàn thực phẩm")
    sign = _ask(app, asker, title="Đăng ký biển hiệu quảng cáo")
    unanswered = _ask(app, asker, title="Thuế môn bài hộ kinh doanh")
    for question_id in (food, sign):
        _answer(app, question_id, official)

    def found(query):
        html = client.get("/business/questions", query_string={"q": query}).get_data(as_text=True)
        return {qid for qid in (food, sign, unanswered) if f"/business/questions/{qid}\"" in html}

    assert found("an toan thuc pham") == {food}
    assert found("AN TOÀN thực PHẨM") == {food}
    assert found("dang ky bien hieu") == {sign}
    assert found("thue mon bai") == set()  # not answered: not public
    assert found("") == {food, sign}
    assert found("100%_") == set()


def test_level_gates_on_the_business_pages(app, client, make_user, login):
    for path in ("/business/", "/business/questions"):
        assert client.get(path).status_code == 200  # public
    for path in ("/business/profile", "/business/questions/new", "/business/questions/mine", "/business/manage"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, make_user(level=1))
    assert client.get("/business/profile").status_code == 200
    # Without a declared business, asking leads to declaring one first.
    response = client.get("/business/questions/new")
    assert response.status_code == 303 and response.headers["Location"].endswith("/business/profile")
    assert client.get("/business/manage").status_code == 403


def test_declaring_a_business_checks_the_tax_code(app, client, make_user, login):
    login(client, make_user())
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/business/profile")
    bad = client.post("/business/profile", data={"csrf_token": token, "name": "Công ty A", "tax_code": "0100109107",
                                                  "kind": "enterprise", "role": "owner"})
    assert bad.status_code == 422 and "check digit" in bad.get_data(as_text=True)
    good = client.post("/business/profile", data={"csrf_token": token, "name": "Công ty A",
                                                   "tax_code": "0100109106-001", "kind": "household",
                                                   "role": "owner"})
    assert good.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Business.tax_code)) == "0100109106-001"


def test_asking_through_the_form_files_one_case(app, client, asker, login):
    login(client, asker[0])
    token = csrf_token(client, "/business/questions/new")
    data = {"csrf_token": token, "submission_id": str(uuid.uuid4()), "business": asker[1], "topic": "transport",
            "agency": "0", "title": "Giấy phép xe tải vào phố", "body": "Xe tải 2,5 tấn giao hàng giờ nào được vào?",
            "anonymous": "y"}
    first = client.post("/business/questions/new", data=data)
    again = client.post("/business/questions/new", data=data)
    assert first.status_code == 303 and first.headers["Location"] == again.headers["Location"]
    with app.app_context():
        from app.places import services as places

        [question] = db.session.scalars(sa.select(BusinessQuestion)).all()
        assert question.unit_agency_id == places.agency_by_code("transport").id and question.anonymous


def test_another_accounts_business_cannot_be_used(app, client, asker, make_user, make_business, login):
    other = make_user()
    make_business(other, name="Công ty khác")
    login(client, other)
    token = csrf_token(client, "/business/questions/new")
    response = client.post("/business/questions/new", data={
        "csrf_token": token, "submission_id": str(uuid.uuid4()), "business": asker[1], "topic": "other",
        "agency": "0", "title": "Câu hỏi thử", "body": "Nội dung câu hỏi đủ dài để gửi."})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(BusinessQuestion.id))) == 0


def test_the_answer_desk_finds_an_answered_business_question(app, asker, make_user):
    """Issue 12, point 5: the desk draws on published official answers of business questions too,
    and only once they are answered."""
    from app.answers import services as desk

    question_id = _ask(app, asker, title="Giấy phép bán rượu vang nhập khẩu cho quán ăn",
                       body="Quán ăn nhỏ muốn bán rượu vang nhập khẩu thì cần giấy phép gì?")

    def found() -> list[tuple[str, int]]:
        with app.test_request_context():
            return [(h.document.source_type, h.document.source_id)
                    for h in desk.ask("giay phep ban ruou vang nhap khau").hits]

    assert ("business_question", question_id) not in found()
    official = make_user(role="agency_official", agency="health")
    with app.app_context():
        question = db.session.get(BusinessQuestion, question_id)
        cases.accept(question, _user(official), Level.NORMAL)
        cases.resolve(question, _user(official), "Cần giấy phép bán lẻ rượu do Phòng Kinh tế cấp.")
        db.session.commit()
    assert ("business_question", question_id) in found()


def test_the_asker_can_reopen_once_and_a_bad_rating_keeps_the_page(app, client, asker, make_user, login):
    official = make_user(role="agency_official", agency="health")
    question_id = _ask(app, asker)
    _answer(app, question_id, official)
    login(client, asker[0])
    client.set_cookie("lang", "en")
    page = client.get(f"/business/questions/{question_id}").get_data(as_text=True)
    assert f'action="/business/questions/{question_id}/reopen"' in page
    token = csrf_token(client, f"/business/questions/{question_id}")
    bad = client.post(f"/business/questions/{question_id}/rate", data={"csrf_token": token, "comment": "Chưa rõ"})
    assert bad.status_code == 422 and "Chưa rõ</textarea>" in bad.get_data(as_text=True)
    assert '<a href="#rate-satisfied">Choose whether you are satisfied.</a>' in bad.get_data(as_text=True)
    # The URL of a page sent back reloads (GET): the page with its forms, not a 405.
    reloaded = client.get(f"/business/questions/{question_id}/rate")
    assert reloaded.status_code == 200 and 'id="rate"' in reloaded.get_data(as_text=True)
    empty = client.post(f"/business/questions/{question_id}/reopen", data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 422
    assert '<a href="#reason">Tell the officials what is still wrong.</a>' in empty.get_data(as_text=True)
    assert client.get(f"/business/questions/{question_id}/reopen").status_code == 200
    sent = client.post(f"/business/questions/{question_id}/reopen", data={"csrf_token": token,
                                                                         "reason": "Chưa nói thời hạn"})
    assert sent.status_code == 303
    with app.app_context():
        question = db.session.get(BusinessQuestion, question_id)
        assert (question.status, question.reopened) == (Status.ACCEPTED, True)
    stranger = app.test_client()
    login(stranger, make_user())
    assert stranger.post(f"/business/questions/{question_id}/reopen",
                         data={"csrf_token": csrf_token(stranger, "/business/questions"),
                               "reason": "x"}).status_code in (403, 404)
