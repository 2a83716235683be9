"""Migration 0005 moves field reports into the case engine without losing or renumbering anything.

A database at the last revision before the engine (0004) is filled with reports in every state
— with timelines, ratings, a duplicate, a reopening, followers, photos and notifications — then
upgraded; every value must be where the engine expects it, under the same numbers, and the
schema must match the models exactly. Runs on SQLite and, in CI's second pass, PostgreSQL.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

BEFORE = "0004_report_timings"
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hanoi


@pytest.fixture
def old_database(tmp_path):
    """A database URL of its own: a SQLite file, or a fresh PostgreSQL database beside the tests' one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    base = make_url(url)
    name = f"{base.database}_migration"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _filler(column: sa.Column):
    """A value for a NOT NULL column the test does not care about."""
    kind = column.type.python_type if not isinstance(column.type, sa.JSON) else dict
    return {int: 0, str: "x", bool: False, datetime: T0, dict: {}, float: 0.0}.get(kind, "x")


def _insert(conn, tables: dict, table_name: str, **values) -> None:
    table = tables.get(table_name)
    if table is None:
        table = tables[table_name] = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        row[column.name] = _filler(column)
    conn.execute(table.insert().values(**row))


REPORTS = {
    # id: (status, level, extra lifecycle values)
    5: ("submitted", None, {"due_at": T0 + timedelta(hours=8)}),
    9: ("accepted", "urgent", {"accepted_at": T0 + timedelta(hours=1), "accept_working_seconds": 3600,
                               "due_at": T0 + timedelta(hours=5), "overdue_since": T0 + timedelta(hours=6)}),
    12: ("resolved", "normal", {"accepted_at": T0 + timedelta(hours=1), "resolved_at": T0 + timedelta(hours=3),
                                "answer_text": "Đã vá ổ gà", "resolve_due_at": T0 + timedelta(days=5),
                                "resolved_on_time": True, "resolve_working_seconds": 7200,
                                "satisfied": False, "rating_comment": "Vá chưa kỹ", "rated_at": T0 + timedelta(hours=4),
                                "proof_flagged": True}),
    13: ("rejected", None, {"resolved_at": T0 + timedelta(hours=2), "reject_reason": "duplicate",
                            "reject_text": "Trùng", "duplicate_of_id": 5}),
    20: ("closed", "complex", {"accepted_at": T0, "resolved_at": T0 + timedelta(hours=9), "answer_text": "Xong",
                               "closed_at": T0 + timedelta(days=1), "satisfied": True,
                               "rated_at": T0 + timedelta(hours=10)}),
    21: ("accepted", "normal", {"accepted_at": T0 + timedelta(hours=12), "reopened": True, "satisfied": False,
                                "rated_at": T0 + timedelta(hours=11), "hidden": True, "followers_count": 1,
                                "due_at": T0 + timedelta(days=6)}),
}


def _seed_old_schema(app) -> dict:
    """Rows written the way revision 0004 stored them (raw inserts: today's models may differ)."""
    hk, police = 7, 3
    with app.app_context():
        tables: dict = {}
        with db.engine.begin() as conn:
            _insert(conn, tables, "wards", id=hk, name="Phường Hoàn Kiếm", codename="phuong_hoan_kiem",
                    division_type="phường", search_name="phuong hoan kiem", active=True)
            _insert(conn, tables, "agencies", id=police, code="police", name="Công an Thành phố",
                    name_en="City Police", active=True)
            for user_id in (1, 2, 3):
                _insert(conn, tables, "users", id=user_id, full_name=f"Người {user_id}", created_at=T0,
                        identity_level=1, active=True, session_token=f"token-{user_id}")
            _insert(conn, tables, "categories", id=1, code="road_damage", name="Hư hỏng đường", name_en="Road damage",
                    unit_type="ward", accept_hours=8, resolve_urgent_hours=4, resolve_normal_hours=40,
                    resolve_complex_hours=80, result_photo_required=True, position=0, active=True)
            for report_id, (status, level, extra) in REPORTS.items():
                unit = ({"unit_type": "agency", "unit_agency_id": police} if report_id == 20
                        else {"unit_type": "ward", "unit_ward_id": hk})
                values = {"reopened": False, "proof_flagged": False, "hidden": False, "followers_count": 0, **extra}
                _insert(conn, tables, "reports", id=report_id, created_at=T0, updated_at=T0, submitted_at=T0,
                        submission_id=f"sub-{report_id}", source="web", reporter_id=1, category_id=1,
                        description=f"Ổ gà số {report_id}", answers={"size": "large"}, ward_id=hk,
                        lat=21.0287, lon=105.8524, address="Phố Huế", show_name=report_id == 9,
                        status=status, level=level, **unit, **values)
                _insert(conn, tables, "report_events", report_id=report_id, created_at=T0, actor_id=1,
                        kind="submitted", public=True, to_status="submitted", data={"unit": {"type": "ward", "id": hk}})
            _insert(conn, tables, "report_events", report_id=12, created_at=T0 + timedelta(hours=3), actor_id=2,
                    kind="note", public=False, data={"text": "Nội bộ"})
            _insert(conn, tables, "report_followers", report_id=21, user_id=3, created_at=T0)
            _insert(conn, tables, "report_photos", report_id=12, owner_id=1, token="tok-12", kind="report",
                    position=0, key="reports/a.jpg", thumb_key="reports/a-thumb.jpg", width=10, height=10,
                    thumb_width=5, thumb_height=5, sha256="0" * 64, hidden=False, created_at=T0)
            _insert(conn, tables, "notifications", user_id=1, created_at=T0, kind="accepted", report_id=9,
                    data={"status": "accepted"})
            _insert(conn, tables, "notifications", user_id=1, created_at=T0, kind="welcome", data={})
            event_count = conn.execute(sa.text("SELECT COUNT(*) FROM report_events")).scalar_one()
        db.session.remove()
    return {"hk": hk, "police": police, "events": event_count}


def test_upgrade_moves_every_report_into_the_case_engine(old_database):
    from flask_migrate import upgrade

    app = create_app({"APP_ENV": "test", "DATABASE_URL": old_database, "INSTANCE_PATH": None,
                      "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None})
    with app.app_context():
        upgrade(revision=BEFORE)
    seeded = _seed_old_schema(app)
    with app.app_context():
        upgrade()

        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        unmapped = db.metadata.info.get("unmapped_objects", ())  # full-text index tables made by migrations

        def include(obj, name, type_, reflected, compare_to):
            return name not in unmapped

        with db.engine.connect() as conn:
            opts = {"compare_type": True, "include_object": include}
            assert compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata) == []

        from app.cases.models import Case, CaseEvent
        from app.notifications.models import Notification
        from app.reports.models import Report, ReportFollower

        reports = {r.id: r for r in db.session.scalars(sa.select(Report))}
        assert sorted(reports) == sorted(REPORTS)
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == len(REPORTS)
        for report_id, (status, level, extra) in REPORTS.items():
            report = reports[report_id]
            assert (report.kind, report.status, report.level, report.reporter_id) == ("report", status, level, 1)
            assert report.description == f"Ổ gà số {report_id}" and report.answers == {"size": "large"}
            assert report.submission_id == f"sub-{report_id}" and report.submitted_at == T0
            for name, value in extra.items():
                assert getattr(report, name) == value, (report_id, name)
        assert (reports[20].unit_type, reports[20].unit_agency_id) == ("agency", seeded["police"])
        assert (reports[9].unit_type, reports[9].unit_ward_id, reports[9].show_name) == ("ward", seeded["hk"], True)
        assert reports[13].duplicate_of_id == 5
        events = db.session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id)).all()
        assert len(events) == seeded["events"]
        assert [(e.case_id, e.kind, e.public) for e in events if e.kind == "note"] == [(12, "note", False)]
        assert [e.kind for e in reports[12].events] == ["submitted", "note"]
        assert db.session.get(ReportFollower, (21, 3)) is not None
        assert [p.token for p in reports[12].photos] == ["tok-12"]
        notes = {n.kind: n for n in db.session.scalars(sa.select(Notification))}
        assert (notes["accepted"].subject_type, notes["accepted"].subject_id) == ("case", 9)
        assert (notes["welcome"].subject_type, notes["welcome"].subject_id) == (None, None)

        # New cases and events continue after the moved ones, on every engine.
        from app.auth.models import User
        from app.reports import services as report_services

        new, created = report_services.submit_report(
            db.session.get(User, 1), "after-upgrade", report_services.NewReport(
                category=reports[5].category, description="Đèn đường hỏng", ward=reports[5].ward))
        assert created and new.id > max(REPORTS)
        assert new.events[0].id > max(e.id for e in events)
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
