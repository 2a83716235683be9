"""Factories for field-report tests, built on the real services.

``make_report(status=...)`` drives the real transitions (accept, resolve, reject, close), so
a report in any state has the timeline, photos and deadlines the app would have given it.
Factories return ids, like ``make_user``; load the objects inside an app context.
"""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from app.extensions import db

HOAN_KIEM = "phuong_hoan_kiem"
CUA_NAM = "phuong_cua_nam"
# Hoàn Kiếm Lake, near the Turtle Tower.
LAKE = (21.0287, 105.8524)


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 100)


def photo_bytes(size: tuple[int, int] = (640, 480), color=(200, 80, 40), *,
                gps: tuple[float, float] | None = None, taken_at: datetime | None = None,
                fmt: str = "JPEG") -> bytes:
    """A photo made with Pillow, optionally with EXIF GPS and capture time like a phone's."""
    im = Image.new("RGB", size, color)
    im.paste((30, 30, 30), (0, 0, size[0] // 3, size[1] // 3))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCamMaker"
    if taken_at is not None:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    if gps is not None:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N" if gps[0] >= 0 else "S"
        info[ExifTags.GPS.GPSLatitude] = _dms(gps[0])
        info[ExifTags.GPS.GPSLongitudeRef] = "E" if gps[1] >= 0 else "W"
        info[ExifTags.GPS.GPSLongitude] = _dms(gps[1])
    buf = io.BytesIO()
    im.save(buf, fmt, exif=exif)
    return buf.getvalue()


def offset_m(lat: float, lon: float, north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    """A point ``north_m`` metres north and ``east_m`` metres east of (lat, lon)."""
    import math

    return (lat + north_m / 111_320.0, lon + east_m / (111_320.0 * math.cos(math.radians(lat))))


@pytest.fixture
def make_category(app):
    """Factory: ``make_category(code=..., unit_type="ward"|"agency", agency="transport",
    questions=[{"code", "label", "label_en", "kind", "required", "options"}], ...)`` → id."""
    from app.places import services as places
    from app.reports.models import Category, CategoryQuestion

    counter = itertools.count(1)

    def factory(code: str | None = None, *, name: str | None = None, name_en: str | None = None,
                unit_type: str = "ward", agency: str | None = None, questions=(),
                result_photo_required: bool = True, active: bool = True, position: int = 0,
                **hours) -> int:
        n = next(counter)
        with app.app_context():
            category = Category(
                code=code or f"cat{n}", name=name or f"Ổ gà {n}", name_en=name_en or f"Pothole {n}",
                unit_type=unit_type, agency_id=places.agency_by_code(agency).id if agency else None,
                result_photo_required=result_photo_required, active=active, position=position,
                **hours,
            )
            for i, q in enumerate(questions):
                category.questions.append(CategoryQuestion(
                    code=q["code"], label=q.get("label", q["code"]), label_en=q.get("label_en", q["code"]),
                    kind=q.get("kind", "text"), required=q.get("required", False),
                    options=q.get("options", []), position=i))
            db.session.add(category)
            db.session.commit()
            category_id = category.id
            db.session.remove()
        return category_id

    return factory


@pytest.fixture
def make_report(app, make_user, make_category):
    """Factory: ``make_report(reporter_id, status="submitted"|"accepted"|"resolved"|"rejected"|
    "closed", ward=codename, lat=, lon=, category_id=, official_id=, ...)`` → report id.

    Transitions go through the real services with ``official_id`` as the actor (an official
    of the unit is created when none is given). ``created_at`` moves the filing time back;
    ``overdue=True`` puts the deadline in the past and flags the report overdue.
    """
    from app.auth.models import User
    from app.places import services as places
    from app.reports import services
    from app.reports.models import Category, Status

    counter = itertools.count(1)
    default_category: list[int] = []

    def factory(reporter_id: int, *, status: str = "submitted", category_id: int | None = None,
                ward: str = HOAN_KIEM, lat: float | None = None, lon: float | None = None,
                description: str | None = None, address: str | None = None, show_name: bool = False,
                answers: dict | None = None, photos: int = 1, level: str = "normal",
                official_id: int | None = None, hidden: bool = False,
                created_at: datetime | None = None, due_at: datetime | None = None,
                overdue: bool = False, answer: str = "Đã vá xong ổ gà.", result_photos: int = 1,
                reject_reason: str = "out_of_scope", reject_text: str = "Không thuộc thẩm quyền.",
                submission_id: str | None = None) -> int:
        n = next(counter)
        if category_id is None:
            if not default_category:
                default_category.append(make_category("road"))
            category_id = default_category[0]
        needs_official = status != "submitted" or hidden
        if needs_official and official_id is None:
            with app.app_context():
                category = db.session.get(Category, category_id)
                agency = category.agency.code if category.agency_id else None
                db.session.remove()
            official_id = (make_user(role="agency_official", agency=agency, name="Cán bộ Sở")
                           if agency else make_user(role="ward_official", ward=ward, name="Cán bộ phường"))
        with app.app_context():
            reporter = db.session.get(User, reporter_id)
            official = db.session.get(User, official_id) if official_id else None
            drafts = [services.store_photo(reporter, photo_bytes(color=(n * 7 % 255, 90, 40 + i)))
                      for i in range(photos)]
            report, _ = services.submit_report(reporter, submission_id or f"test-{n}", services.NewReport(
                category=db.session.get(Category, category_id),
                description=description or f"Ổ gà lớn giữa đường số {n}, xe máy dễ ngã.",
                ward=places.ward_by_codename(ward), lat=lat, lon=lon, address=address,
                show_name=show_name, answers=answers, photos=drafts))
            if created_at is not None:
                report.created_at = report.submitted_at = created_at
            if status in ("accepted", "resolved", "closed"):
                services.accept(report, official, level)
            if status in ("resolved", "closed"):
                results = [services.store_photo(official, photo_bytes(color=(40, 160, 60 + i)), kind="result")
                           for i in range(result_photos)]
                services.resolve(report, official, answer, results)
            if status == "rejected":
                services.reject(report, official, reject_reason, reject_text)
            if status == "closed":
                services.close(report, official)
            if hidden:
                services.set_hidden(report, official, True, "Nội dung không phù hợp")
            if overdue:
                report.due_at = due_at or (datetime.now(UTC) - timedelta(days=3))
                report.overdue_since = report.due_at
            elif due_at is not None:
                report.due_at = due_at
            assert report.status == Status(status)
            db.session.commit()
            report_id = report.id
            db.session.remove()
        return report_id

    return factory


@pytest.fixture
def report_of(app):
    """Load a report by id in a short app context, for assertions: ``report_of(id).status``."""
    from sqlalchemy.orm import selectinload

    from app.reports.models import Report

    def load(report_id: int) -> Report:
        with app.app_context():
            report = db.session.get(Report, report_id, options=[selectinload(Report.photos),
                                                                selectinload(Report.events)])
            db.session.expunge_all()
            db.session.remove()
        return report

    return load
