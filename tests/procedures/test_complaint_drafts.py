"""A complaint form that fails validation keeps what was typed and the files chosen: they are
stored as drafts owned by the citizen, listed back with “Remove”, filed with the complaint
once the form is valid, and purged after a day when never sent."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.core.storage import get_storage
from app.extensions import db
from tests.conftest import csrf_token
from tests.procedures.conftest import pdf_bytes, photo_bytes

NEW = "/procedures/complaints/new"
DESCRIPTION = "Cán bộ yêu cầu nộp thêm giấy xác nhận không có trong quy định."


def _post(client, procedure_id, files=(), *, description=DESCRIPTION, tokens=(), remove=(), submission="sub-draft-1"):
    data = {"csrf_token": csrf_token(client, NEW), "submission_id": submission, "procedure": str(procedure_id),
            "file_number": "HS-2026-042", "description": description,
            "files": [(io.BytesIO(content), name) for name, content in files],
            "file_token": list(tokens), "remove_file": list(remove)}
    return client.post(NEW, data=data, content_type="multipart/form-data")


def _tokens(page: str) -> list[str]:
    return re.findall(r'name="file_token" value="([^"]+)"', page)


def _attachments(app):
    from app.procedures.models import ComplaintAttachment

    with app.app_context():
        return [(a.complaint_id, a.owner_id, a.content_type, a.key) for a in db.session.scalars(
            sa.select(ComplaintAttachment).order_by(ComplaintAttachment.id))]


def _complaints(app) -> int:
    from app.procedures.models import ProcedureComplaint

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(ProcedureComplaint))


def test_a_failed_form_keeps_a_pdf_and_a_photo_and_the_valid_submit_files_them(app, client, procedures, make_user,
                                                                                login):
    from app.procedures.models import ProcedureComplaint

    citizen = make_user(level=2)
    login(client, citizen)
    response = _post(client, procedures["birth"], [("bien-nhan.pdf", pdf_bytes(2)), ("anh.jpg", photo_bytes())],
                     description="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "HS-2026-042" in page  # what was typed is kept
    assert "Các tệp bạn đã thêm vẫn được giữ lại" in page and "Tài liệu PDF (2 trang" in page and "Ảnh (" in page
    assert "Vui lòng chọn lại các tệp" not in page
    tokens = _tokens(page)
    assert len(tokens) == 2 and len(set(tokens)) == 2
    drafts = _attachments(app)
    assert [(c, o, t) for c, o, t, _k in drafts] == [(None, citizen, "application/pdf"), (None, citizen, "image/jpeg")]
    # A draft is served to no one, not even its owner.
    from app.procedures.models import ComplaintAttachment

    with app.app_context():
        draft_id = db.session.scalars(sa.select(ComplaintAttachment.id)).first()
    assert client.get(f"/procedures/complaints/attachments/{draft_id}").status_code == 404
    client.set_cookie("lang", "en")
    page = _post(client, procedures["birth"], tokens=tokens, description="").get_data(as_text=True)
    assert "The files you added are kept" in page and "PDF document (2 pages" in page and "Remove" in page
    assert _tokens(page) == tokens

    response = _post(client, procedures["birth"], tokens=tokens)
    assert response.status_code == 303
    with app.app_context():
        complaint = db.session.scalars(sa.select(ProcedureComplaint)).one()
        assert [(a.content_type, a.pages, a.position) for a in complaint.attachments] == [
            ("application/pdf", 2, 0), ("image/jpeg", None, 1)]
        complaint_id = complaint.id
    assert client.get(f"/procedures/complaints/attachments/{draft_id}").status_code == 200
    # A retried submission creates no second complaint and attaches nothing twice.
    assert _post(client, procedures["birth"], tokens=tokens).headers["Location"].endswith(f"/{complaint_id}")
    assert _complaints(app) == 1 and len(_attachments(app)) == 2


def test_another_users_draft_token_is_ignored(app, client, procedures, make_user, login):
    from app.procedures.models import ProcedureComplaint

    login(client, make_user(level=2))
    stolen = _tokens(_post(client, procedures["birth"], [("bien-nhan.pdf", pdf_bytes())], description="")
                     .get_data(as_text=True))
    assert len(stolen) == 1
    thief = make_user(level=2)
    login(client, thief)
    page = _post(client, procedures["birth"], tokens=stolen, description="").get_data(as_text=True)
    assert stolen[0] not in page and "Tài liệu PDF" not in page
    assert _post(client, procedures["birth"], tokens=stolen, submission="sub-thief-1").status_code == 303
    with app.app_context():
        complaint = db.session.scalars(sa.select(ProcedureComplaint)).one()
        assert complaint.requester_id == thief and complaint.attachments == []
    assert [c for c, *_ in _attachments(app)] == [None]  # still the first citizen's draft


def test_remove_drops_a_kept_file(app, client, procedures, make_user, login):
    from app.procedures.models import ProcedureComplaint

    login(client, make_user(level=2))
    page = _post(client, procedures["birth"], [("bien-nhan.pdf", pdf_bytes()), ("anh.jpg", photo_bytes())],
                 description="").get_data(as_text=True)
    pdf_token, photo_token = _tokens(page)
    removed_key = _attachments(app)[0][3]
    page = _post(client, procedures["birth"], tokens=[pdf_token, photo_token], remove=[pdf_token],
                 description="").get_data(as_text=True)
    assert _tokens(page) == [photo_token] and "Tài liệu PDF" not in page
    with app.app_context():
        assert not get_storage().exists(removed_key)
    # Ticked “Remove” on the valid submit too: filed without it.
    assert _post(client, procedures["birth"], tokens=[pdf_token, photo_token], remove=[pdf_token]).status_code == 303
    with app.app_context():
        complaint = db.session.scalars(sa.select(ProcedureComplaint)).one()
        assert [a.content_type for a in complaint.attachments] == ["image/jpeg"]


def test_too_many_files_store_nothing(app, client, procedures, make_user, login):
    login(client, make_user(level=2))
    six = [(f"anh{i}.jpg", photo_bytes()) for i in range(6)]
    page = _post(client, procedures["birth"], six).get_data(as_text=True)
    assert "tối đa 5" in page and _attachments(app) == []
    # Kept files count too: four kept plus two new is too many, and the two are not stored.
    tokens = _tokens(_post(client, procedures["birth"], six[:4], description="").get_data(as_text=True))
    assert len(tokens) == 4
    page = _post(client, procedures["birth"], six[:2], tokens=tokens).get_data(as_text=True)
    assert "tối đa 5" in page and _tokens(page) == tokens and len(_attachments(app)) == 4
    assert _complaints(app) == 0


def test_the_purge_job_removes_stale_drafts_and_their_files(app, client, procedures, make_user, login):
    from app.procedures import tasks
    from app.procedures.models import ComplaintAttachment

    login(client, make_user(level=2))
    _post(client, procedures["birth"], [("bien-nhan.pdf", pdf_bytes()), ("anh.jpg", photo_bytes())],
          description="")
    assert _post(client, procedures["birth"], [("anh.jpg", photo_bytes())],
                 submission="sub-filed-1").status_code == 303
    with app.app_context():
        drafts = db.session.scalars(sa.select(ComplaintAttachment).where(
            ComplaintAttachment.complaint_id.is_(None)).order_by(ComplaintAttachment.id)).all()
        stale, fresh = drafts
        stale.created_at = datetime.now(UTC) - timedelta(hours=25)
        filed = db.session.scalars(sa.select(ComplaintAttachment).where(
            ComplaintAttachment.complaint_id.is_not(None))).one()
        filed.created_at = datetime.now(UTC) - timedelta(days=3)
        stale_key, fresh_key, filed_key = stale.key, fresh.key, filed.key
        db.session.commit()
        db.session.remove()
    assert tasks.purge_draft_attachments.call_local() == 1
    with app.app_context():
        storage = get_storage()
        assert not storage.exists(stale_key) and storage.exists(fresh_key) and storage.exists(filed_key)
        assert {a.key for a in db.session.scalars(sa.select(ComplaintAttachment))} == {fresh_key, filed_key}


def test_ids_out_of_range_are_ignored(client, procedures, make_user, login):
    assert client.get("/procedures?agency=99999999999999999999").status_code == 200
    login(client, make_user(level=2))
    assert client.get(f"{NEW}?procedure=99999999999999").status_code == 200
