"""Photo uploads are counted and size-checked before anything is stored, and rate-limited
per account, on every form that takes photos (the report form, the official's answer)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.reports.models import ReportPhoto
from tests.conftest import csrf_token
from tests.reports.conftest import HOAN_KIEM, photo_bytes


def files(n: int, size=(16, 16)) -> list:
    return [(io.BytesIO(photo_bytes(size, color=(i % 250, 20, 20))), f"p{i}.jpg", "image/jpeg") for i in range(n)]


def stored(app) -> tuple[int, int]:
    """(photo rows, files in the upload folder)."""
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count(ReportPhoto.id)))
        folder = Path(app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads"))
        db.session.remove()
    return rows, sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


@pytest.fixture
def citizen(client, make_user, login):
    user = make_user()
    login(client, user)
    client.set_cookie("lang", "en")
    return user


@pytest.fixture
def ward(app):
    from app.places import services as places

    with app.app_context():
        return places.ward_by_codename(HOAN_KIEM).id


def post_report(client, category, ward, photos, description="Ổ gà sâu giữa đường, xe máy dễ ngã."):
    return client.post("/reports/new", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/"), "category": category, "ward": ward,
        "description": description, "photos": photos})


def test_a_report_with_300_photos_stores_nothing(app, client, citizen, ward, make_category):
    before = stored(app)
    response = post_report(client, make_category("road"), ward, files(300))
    assert response.status_code == 422
    assert "A report can have at most 5 photos." in response.get_data(as_text=True)
    assert stored(app) == before


def test_an_answer_with_300_photos_stores_nothing(app, client, make_user, login, make_report):
    report_id = make_report(make_user(), status="accepted")
    login(client, make_user(role="ward_official", ward=HOAN_KIEM))
    client.set_cookie("lang", "en")
    before = stored(app)
    response = client.post(f"/console/reports/{report_id}/resolve", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client, "/"), "answer": "Đã sửa.", "photos": files(300)})
    assert response.status_code == 422
    assert "You can add at most 5 photos." in response.get_data(as_text=True)
    assert stored(app) == before


def test_an_oversized_photo_is_refused_unread_and_the_others_kept(app, client, citizen, ward, make_category,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 1024 * 1024)
    big = (io.BytesIO(b"\xff\xd8" + os.urandom(1024 * 1024)), "big.jpg", "image/jpeg")
    response = post_report(client, make_category("road"), ward, [big, *files(1)], description="")
    assert response.status_code == 422
    assert "big.jpg: This photo is larger than 1 MB." in response.get_data(as_text=True)
    assert stored(app)[0] == 1


def test_uploads_are_rate_limited_per_account_across_forms(app, client, citizen, ward, make_category, make_user,
                                                           login, make_report, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_UPLOAD_LIMIT", "4 per hour")
    road = make_category("road")
    # A form that fails for another reason keeps its photos: they count.
    assert post_report(client, road, ward, files(3), description="").status_code == 422
    assert stored(app)[0] == 3
    response = post_report(client, road, ward, files(2), description="")
    assert response.status_code == 422
    assert "You have sent many photos in a short time." in response.get_data(as_text=True)
    assert stored(app)[0] == 3

    # Someone else is not held back by it.
    other = app.test_client()
    login(other, make_user())
    assert post_report(other, road, ward, files(2), description="").status_code == 422
    assert stored(app)[0] == 5


def test_the_official_answer_shares_the_limit(app, client, make_user, login, make_report, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_UPLOAD_LIMIT", "2 per hour")
    report_id = make_report(make_user(), status="accepted")
    login(client, make_user(role="ward_official", ward=HOAN_KIEM))
    client.set_cookie("lang", "en")
    url = f"/console/reports/{report_id}/resolve"
    before = stored(app)[0]
    response = client.post(url, content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client, "/"), "answer": "", "photos": files(2)})
    assert response.status_code == 422 and stored(app)[0] == before + 2
    response = client.post(url, content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client, "/"), "answer": "Đã sửa.", "photos": files(1)})
    assert response.status_code == 422
    assert "You have sent many photos in a short time." in response.get_data(as_text=True)
    assert stored(app)[0] == before + 2
