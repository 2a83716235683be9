"""Procedure complaints: level 2 only, attachments checked by content, a case kind of the engine
routed to the procedure's agency, never public."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app.cases import services as cases
from app.cases.models import Level, Status
from app.extensions import db
from tests.conftest import csrf_token
from tests.procedures.conftest import pdf_bytes, photo_bytes

NEW = "/procedures/complaints/new"


def _post(client, procedure_id, files=(), **extra):
    token = csrf_token(client, NEW)
    data = {"csrf_token": token, "submission_id": extra.pop("submission_id", "sub-12345678"),
            "procedure": str(procedure_id), "file_number": "HS-2026-001",
            "description": "Cán bộ yêu cầu nộp thêm giấy xác nhận không có trong quy định.", **extra}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(NEW, data=data, content_type="multipart/form-data")


def test_identity_levels_gate_filing(client, procedures, make_user, login):
    response = client.get(NEW)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, make_user(level=1))
    response = client.get(NEW)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Liên kết tài khoản VNeID" in page and "/account/verify" in page
    client.set_cookie("lang", "en")
    page = client.get(NEW).get_data(as_text=True)
    assert "Your identity must be verified first" in page and "Link my VNeID account" in page
    # A level-1 account cannot post either.
    assert client.post(NEW, data={}).status_code in (400, 403)
    login(client, make_user(level=2))
    assert client.get(NEW).status_code == 200


def test_a_complaint_with_a_photo_and_a_pdf_goes_to_the_procedures_agency(app, client, procedures, make_user, login):
    from app.procedures.models import ProcedureComplaint

    citizen = make_user(level=2)
    login(client, citizen)
    response = _post(client, procedures["birth"], [("anh.jpg", photo_bytes()), ("bien-nhan.pdf", pdf_bytes(2))])
    assert response.status_code == 303
    with app.app_context():
        complaint = db.session.scalars(sa.select(ProcedureComplaint)).one()
        assert complaint.kind == "procedure_complaint" and complaint.status == Status.SUBMITTED
        assert (complaint.unit_type, complaint.unit_agency.code) == ("agency", "justice")
        assert complaint.due_at is not None
        assert [(a.content_type, a.pages) for a in complaint.attachments] == [("image/jpeg", None),
                                                                             ("application/pdf", 2)]
        complaint_id, pdf_id = complaint.id, complaint.attachments[1].id
    assert response.headers["Location"].endswith(f"/procedures/complaints/{complaint_id}")
    # A retried submission makes no second case.
    assert _post(client, procedures["birth"]).headers["Location"].endswith(f"/{complaint_id}")
    page = client.get(f"/procedures/complaints/{complaint_id}").get_data(as_text=True)
    assert "Sở Tư pháp" in page and "HS-2026-001" in page
    pdf = client.get(f"/procedures/complaints/attachments/{pdf_id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    # Never public: not in the public feed.
    client.get("/auth/logout")
    assert "nộp thêm giấy xác nhận" not in client.get("/reports").get_data(as_text=True)


def test_files_are_checked_by_their_content(app, client, procedures, make_user, login):
    from app.procedures.models import ProcedureComplaint

    login(client, make_user(level=2))
    response = _post(client, procedures["birth"], [("giay.pdf", b"just some text, not a PDF at all")])
    assert response.status_code in (200, 422)
    assert "không phải ảnh hay tài liệu PDF" in response.get_data(as_text=True)
    response = _post(client, procedures["birth"], [("hong.pdf", b"%PDF-1.7\n garbage without any objects")])
    assert "bị hỏng" in response.get_data(as_text=True)
    six = [(f"anh{i}.jpg", photo_bytes()) for i in range(6)]
    assert "tối đa 5" in _post(client, procedures["birth"], six).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProcedureComplaint)) == 0


def test_another_citizen_or_another_agency_cannot_see_a_complaint(app, client, procedures, make_user, login):
    from app.procedures.models import ProcedureComplaint

    login(client, make_user(level=2))
    _post(client, procedures["birth"], [("bien-nhan.pdf", pdf_bytes())])
    with app.app_context():
        complaint = db.session.scalars(sa.select(ProcedureComplaint)).one()
        complaint_id, attachment_id = complaint.id, complaint.attachments[0].id
    for other in (make_user(level=2), make_user(role="agency_official", agency="police")):
        login(client, other)
        assert client.get(f"/procedures/complaints/{complaint_id}").status_code == 404
        assert client.get(f"/procedures/complaints/attachments/{attachment_id}").status_code == 404
        assert client.get(f"/console/reports/{complaint_id}").status_code in (403, 404)
        token = csrf_token(client, "/procedures")
        assert client.post(f"/procedures/complaints/{complaint_id}/reopen",
                           data={"csrf_token": token, "reason": "x"}).status_code == 404
    login(client, make_user(role="agency_official", agency="justice"))
    assert client.get(f"/procedures/complaints/{complaint_id}").status_code == 200
    console = client.get(f"/console/reports/{complaint_id}")
    assert console.status_code == 200 and "HS-2026-001" in console.get_data(as_text=True)
    assert f"#{complaint_id}" in client.get("/console/").get_data(as_text=True)


def test_the_complaint_lives_its_life_through_the_engine(app, client, procedures, make_user, login):
    from app.auth.models import User
    from app.procedures.models import ProcedureComplaint

    citizen = make_user(level=2)
    official = make_user(role="agency_official", agency="justice")
    login(client, citizen)
    _post(client, procedures["marriage"])
    with app.app_context():
        complaint = db.session.scalars(sa.select(ProcedureComplaint)).one()
        handler = db.session.get(User, official)
        cases.accept(complaint, handler, Level.NORMAL)
        cases.resolve(complaint, handler, "Đã nhắc nhở cán bộ; hồ sơ được giải quyết ngay.")
        db.session.commit()
        complaint_id = complaint.id
    page = client.get(f"/procedures/complaints/{complaint_id}").get_data(as_text=True)
    assert "Đã nhắc nhở cán bộ" in page and 'id="rate"' in page
    token = csrf_token(client, f"/procedures/complaints/{complaint_id}")
    assert client.post(f"/procedures/complaints/{complaint_id}/rate",
                       data={"csrf_token": token, "satisfied": "no", "comment": "Chưa thỏa đáng"}).status_code == 303
    assert client.post(f"/procedures/complaints/{complaint_id}/reopen",
                       data={"csrf_token": token, "reason": "Vẫn bị đòi giấy"}).status_code == 303
    with app.app_context():
        complaint = db.session.get(ProcedureComplaint, complaint_id)
        assert complaint.status == Status.ACCEPTED and complaint.reopened
        cases.resolve(complaint, db.session.get(User, official), "Đã xử lý dứt điểm.")
        cases.rate(complaint, db.session.get(User, citizen), True)
        db.session.commit()
        assert complaint.status == Status.CLOSED
        assert [e.kind for e in complaint.events] == ["submitted", "accepted", "resolved", "rated", "reopened",
                                                      "resolved", "rated", "closed"]
        from app.notifications.models import Notification

        told = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == citizen)).all()
        assert "resolved" in told
    assert f"#{complaint_id}" in client.get("/procedures/complaints").get_data(as_text=True)


def test_health_book_is_level_two_and_stores_nothing(app, client, make_user, login):
    page = client.get("/health-book")
    assert page.status_code == 200 and "/auth/login" in page.get_data(as_text=True)
    login(client, make_user(level=1))
    page = client.get("/health-book")
    assert page.status_code == 403 and "Liên kết tài khoản VNeID" in page.get_data(as_text=True)
    login(client, make_user(level=2))
    page = client.get("/health-book").get_data(as_text=True)
    assert 'id="health-book-link"' in page and app.config["HEALTH_BOOK_URL"] in page
    client.set_cookie("lang", "en")
    assert "Open my electronic health book" in client.get("/health-book").get_data(as_text=True)
