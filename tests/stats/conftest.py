"""The statistics tests build reports with the field-report factories and a fixed data set."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.models import as_of
from app.extensions import db
from tests.reports.conftest import make_category, make_report, photo_bytes, report_of  # noqa: F401

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HOAN_KIEM = "phuong_hoan_kiem"
CUA_NAM = "phuong_cua_nam"
BA_DINH = "phuong_ba_dinh"


@pytest.fixture(autouse=True)
def _fresh_statistics():
    """Every test sees its own data, not figures cached by the one before."""
    from app.stats import services

    services.clear_cache()
    yield
    services.clear_cache()


@pytest.fixture
def bulk_reports(app, make_user, make_category):  # noqa: F811
    """Insert finished reports directly, fast: ``bulk_reports(ward, n, on_time=k, filed=...)``.

    For counts that need many rows (the league table), not for timings: the timing columns
    are filled in as the services would, with a fixed one working hour each.
    """
    from app.places import services as places
    from app.reports.models import Report, Status

    reporter: list[int] = []
    category: list[int] = []
    counter = itertools.count(1)

    def factory(ward: str, n: int, *, on_time: int, filed: datetime, rejected: int = 0) -> None:
        if not reporter:
            reporter.append(make_user(name="Người phản ánh"))
            category.append(make_category("bulk", result_photo_required=False))
        with app.app_context():
            ward_id = places.ward_by_codename(ward).id
            for i in range(n):
                is_rejected = i < rejected
                resolved_at = filed + timedelta(hours=2)
                db.session.add(Report(
                    submission_id=f"bulk-{next(counter)}", reporter_id=reporter[0], category_id=category[0],
                    description="Báo cáo mẫu", ward_id=ward_id, unit_type="ward", unit_ward_id=ward_id,
                    status=Status.REJECTED if is_rejected else Status.RESOLVED,
                    level=None if is_rejected else "normal",
                    reject_reason="out_of_scope" if is_rejected else None,
                    created_at=filed, submitted_at=filed, accepted_at=None if is_rejected else filed,
                    resolved_at=resolved_at, resolve_due_at=resolved_at,
                    resolved_on_time=(i - rejected) < on_time if not is_rejected else True,
                    accept_working_seconds=None if is_rejected else 3600, resolve_working_seconds=3600,
                ))
            db.session.commit()
            db.session.remove()

    return factory


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of 2026 in Hanoi time."""
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def data_set(app, make_user, make_category):  # noqa: F811
    """The fixed data set described in tests/stats/test_services.py; returns ids."""
    from app.auth.models import User
    from app.places import services as places
    from app.reports import services
    from app.reports.models import Category, Report

    cat_a = make_category("road", name="Đường hỏng", name_en="Broken road", result_photo_required=False)
    cat_b = make_category("light", name="Đèn hỏng", name_en="Broken light", result_photo_required=False)
    reporter_id = make_user(name="Người dân")
    hk_official_id = make_user(role="ward_official", ward=HOAN_KIEM)
    cn_official_id = make_user(role="ward_official", ward=CUA_NAM)

    with app.app_context():
        reporter = db.session.get(User, reporter_id)
        hk = db.session.get(User, hk_official_id)
        a, b = db.session.get(Category, cat_a), db.session.get(Category, cat_b)
        ids: dict[str, int] = {}

        def file(name: str, when: datetime, category=a, ward: str = HOAN_KIEM) -> Report:
            with as_of(when):
                report, _ = services.submit_report(reporter, name, services.NewReport(
                    category=category, description=f"Phản ánh {name}", ward=places.ward_by_codename(ward)))
            ids[name] = report.id
            return report

        def step(when: datetime, action, *args):
            with as_of(when):
                action(*args)

        r = {name: file(name, at(3, 2, 8)) for name in ("R1", "R2", "R3", "R4", "R5")}
        r["R6"] = file("R6", at(3, 2, 8), b, CUA_NAM)
        step(at(3, 2, 9), services.accept, r["R1"], hk, "urgent")
        step(at(3, 2, 9), services.reject, r["R5"], hk, "out_of_scope", "")
        step(at(3, 2, 10), services.accept, r["R2"], hk, "urgent")
        step(at(3, 2, 11), services.accept, r["R3"], hk, "normal")
        step(at(3, 2, 11), services.resolve, r["R1"], hk, "Đã sửa.", [])
        step(at(3, 2, 16), services.resolve, r["R2"], hk, "Đã sửa.", [])
        step(at(3, 2, 18), services.mark_overdue, at(3, 2, 18))
        step(at(3, 3, 10), services.accept, r["R4"], hk, "normal")
        step(at(3, 3, 11), services.resolve, r["R3"], hk, "Đã sửa.", [])
        step(at(3, 3, 11), services.resolve, r["R4"], hk, "Đã sửa.", [])
        step(at(3, 4, 9), services.rate, r["R1"], reporter, True)
        step(at(3, 4, 9), services.rate, r["R2"], reporter, False)
        step(at(3, 4, 9), services.rate, r["R3"], reporter, True)
        file("R7", at(4, 1, 6), b, CUA_NAM)
        file("R8", at(2, 28, 23, 30))
        db.session.commit()
        db.session.remove()
    return {"ids": ids, "road": cat_a, "light": cat_b,
            "hk_official": hk_official_id, "cn_official": cn_official_id}
