"""The answer desk: diacritics-insensitive answers with sources, the index kept up to date,
questions sent to officials as cases, and the FAQ in the console."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.conftest import csrf_token


def _ask(app, query):
    from app.answers import services

    with app.test_request_context():
        answer = services.ask(query)
        return answer.confident, [(h.document.source_type, h.document.title) for h in answer.hits]


def test_with_or_without_diacritics_the_answer_is_the_same(app, desk):
    plain = _ask(app, "lam the can cuoc o dau")
    marked = _ask(app, "Làm thẻ CĂN CƯỚC ở đâu?")
    assert plain == marked and plain[0] and "căn cước" in plain[1][0][1]
    assert _ask(app, "dang ky khai sinh")[1][0][1].startswith("Đăng ký khai sinh")
    assert _ask(app, "   ")[1] == [] and not _ask(app, "o dau the nao")[0]


def test_the_index_follows_changes_of_its_sources(app, desk, make_user, make_report):
    from app.answers import services
    from app.answers.models import AnswerDocument, FaqEntry
    from app.auth.models import User
    from app.procedures import services as procedures
    from app.procedures.models import Procedure
    from app.reports.models import Report

    admin = make_user(role="city_admin")
    with app.test_request_context():
        editor = db.session.get(User, admin)
        faq = FaqEntry(published=True, sample=False)
        services.save_faq(faq, editor, question="Nuôi chó có phải đăng ký không?",
                          answer="Chó nuôi trong nội thành phải đăng ký và tiêm phòng dại hằng năm tại phường.",
                          agency_id=None, published=True)
        db.session.commit()
        assert services.ask("nuoi cho co phai dang ky").best.document.source_id == faq.id
        services.save_faq(faq, editor, question=faq.question, answer=faq.answer, agency_id=None, published=False)
        db.session.commit()
        assert all(h.document.source_type != "faq" or h.document.source_id != faq.id
                   for h in services.ask("nuoi cho co phai dang ky").hits)

        procedure = db.session.scalars(sa.select(Procedure).where(Procedure.code == "death")).one()
        procedures.save_procedure(procedure, editor, {"name": "Đăng ký khai tử và báo tử trực tuyến"})
        db.session.commit()
        document = db.session.scalars(sa.select(AnswerDocument).where(
            AnswerDocument.source_type == "procedure", AnswerDocument.source_id == procedure.id)).one()
        assert document.folded_title == "dang ky khai tu va bao tu truc tuyen"

    reporter = make_user()
    report_id = make_report(reporter, status="resolved", description="Cống thoát nước bị tắc gây ngập ngõ 12",
                            answer="Công ty thoát nước đã nạo vét cống ngõ 12, hết ngập.")
    with app.test_request_context():
        hits = services.ask("cong thoat nuoc bi tac gay ngap").hits
        assert hits[0].document.source_type == "report" and hits[0].document.source_id == report_id
        assert "nạo vét" in hits[0].document.body
        report = db.session.get(Report, report_id)
        report.hidden = True
        db.session.commit()
        assert all(h.document.source_type != "report" for h in services.ask("cong thoat nuoc bi tac").hits)


def test_the_ask_page_answers_with_sources_in_both_languages(client, desk):
    page = client.get("/ask", query_string={"q": "lam the can cuoc o dau"}).get_data(as_text=True)
    assert 'id="best-answer"' in page and "Đây là câu trả lời" in page and "căn cước" in page
    client.set_cookie("lang", "en")
    page = client.get("/ask", query_string={"q": "lam the can cuoc o dau"}).get_data(as_text=True)
    assert "Here is the answer" in page and "Read the source" in page


def test_no_good_answer_offers_an_official_by_level(app, client, desk, make_user, login):
    query = {"q": "gia vang hom nay bao nhieu"}
    page = client.get("/ask", query_string=query).get_data(as_text=True)
    assert 'id="no-answer"' in page and "Đăng nhập để gửi câu hỏi" in page and 'id="send-question"' not in page
    token = csrf_token(client, "/procedures")
    visitor = client.post("/ask/questions", data={"csrf_token": token, "question": "Giá vàng hôm nay?", "agency": "1"})
    assert visitor.status_code == 302 and "/auth/login" in visitor.headers["Location"]
    login(client, make_user(level=1))
    page = client.get("/ask", query_string=query).get_data(as_text=True)
    assert 'id="send-question"' in page


def test_a_question_is_a_case_in_its_agencys_queue(app, client, desk, make_user, login):
    from app.answers.models import CitizenQuestion
    from app.places.services import agency_by_code

    citizen = make_user(level=1)
    login(client, citizen)
    with app.app_context():
        police = agency_by_code("police").id
    token = csrf_token(client, "/ask?q=gia+vang")
    response = client.post("/ask/questions", data={
        "csrf_token": token, "submission_id": "question-0001", "agency": str(police),
        "question": "Nhà hàng xóm mở karaoke quá 22 giờ thì báo ai?"})
    assert response.status_code == 303
    with app.app_context():
        question = db.session.scalars(sa.select(CitizenQuestion)).one()
        assert (question.unit_type, question.unit_agency_id, question.requester_id) == ("agency", police, citizen)
        question_id = question.id
    assert client.get(f"/ask/questions/{question_id}").status_code == 200
    assert f"#{question_id}" in client.get("/ask/questions").get_data(as_text=True)
    login(client, make_user(level=2))
    assert client.get(f"/ask/questions/{question_id}").status_code == 404
    login(client, make_user(role="agency_official", agency="justice"))
    assert client.get(f"/ask/questions/{question_id}").status_code == 404
    login(client, make_user(role="agency_official", agency="police"))
    assert client.get(f"/ask/questions/{question_id}").status_code == 200
    assert "karaoke" in client.get(f"/console/reports/{question_id}").get_data(as_text=True)


def test_faq_is_kept_in_the_console_by_agency_officials(app, client, desk, make_user, login):
    from app.answers.models import FaqEntry
    from app.audit.models import AuditEntry
    from app.places.services import agency_by_code

    assert client.get("/console/faq").status_code == 302
    login(client, make_user(level=2))
    assert client.get("/console/faq").status_code == 403
    login(client, make_user(role="ward_official", ward="phuong_hoan_kiem"))
    assert client.get("/console/faq").status_code == 403

    login(client, make_user(role="agency_official", agency="police"))
    with app.app_context():
        police, justice = agency_by_code("police").id, agency_by_code("justice").id
        other = db.session.scalars(sa.select(FaqEntry).where(FaqEntry.agency_id == justice)).first().id
    assert client.get(f"/console/faq/{other}").status_code == 403
    token = csrf_token(client, "/console/faq/new")
    response = client.post("/console/faq/new", data={
        "csrf_token": token, "question": "Báo mất xe máy ở đâu?", "agency": str(police), "published": "y",
        "answer": "Báo ngay cho công an phường nơi mất xe, mang giấy đăng ký xe và căn cước."})
    assert response.status_code == 303
    # Not for another agency.
    refused = client.post("/console/faq/new", data={
        "csrf_token": token, "question": "Câu hỏi", "agency": str(justice), "answer": "Trả lời"})
    assert refused.status_code in (200, 422)
    with app.app_context():
        faq = db.session.scalars(sa.select(FaqEntry).where(FaqEntry.question == "Báo mất xe máy ở đâu?")).one()
        assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "faq.created",
                                                             AuditEntry.object_id == str(faq.id))) is not None
    assert _ask(app, "bao mat xe may o dau")[1][0][1] == "Báo mất xe máy ở đâu?"
    assert client.get(f"/ask/faq/{faq.id}").status_code == 200


def test_a_question_is_answered_rated_and_reopened_through_the_engine(app, client, desk, make_user, login):
    from app.answers import services
    from app.auth.models import User
    from app.cases import services as cases
    from app.cases.models import Level, Status
    from app.places.services import agency_by_code

    citizen = make_user(level=1)
    official = make_user(role="agency_official", agency="justice")
    with app.test_request_context():
        justice = agency_by_code("justice").id
        question, _created = services.send_question(db.session.get(User, citizen), "question-0002",
                                                    "Con nuôi có được khai sinh lại không?", justice)
        handler = db.session.get(User, official)
        cases.accept(question, handler, Level.NORMAL)
        cases.resolve(question, handler, "Được, liên hệ UBND phường nơi cư trú.")
        db.session.commit()
        question_id = question.id
    login(client, citizen)
    page = client.get(f"/ask/questions/{question_id}").get_data(as_text=True)
    assert "liên hệ UBND phường" in page and 'id="rate"' in page
    token = csrf_token(client, f"/ask/questions/{question_id}")
    assert client.post(f"/ask/questions/{question_id}/reopen",
                       data={"csrf_token": token, "reason": "Chưa rõ cần giấy gì"}).status_code == 303
    with app.app_context():
        from app.answers.models import CitizenQuestion

        question = db.session.get(CitizenQuestion, question_id)
        assert question.status == Status.ACCEPTED and question.reopened
    login(client, make_user(level=1))
    token = csrf_token(client, "/ask?q=gia+vang")
    assert client.post(f"/ask/questions/{question_id}/rate",
                       data={"csrf_token": token, "satisfied": "yes"}).status_code == 404


def test_the_desk_is_rate_limited(client, desk):
    statuses = {client.get("/ask", query_string={"q": f"khai sinh {n}"}).status_code for n in range(31)}
    assert 429 in statuses
