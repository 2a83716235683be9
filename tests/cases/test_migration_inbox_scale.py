"""Migration 0013 counts the cases already there and rebuilds the inbox indexes, both ways.

Runs on SQLite and, in CI's second pass, PostgreSQL (``TEST_DATABASE_URL``).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.cases.test_migration import T0, _insert, old_database  # noqa: F401  (fixture)

BEFORE, AFTER = "0012_lookups", "0013_inbox_scale"
CASES = [
    # (id, status, unit, overdue)
    (1, "submitted", ("ward", 7), False),
    (2, "submitted", ("ward", 7), False),
    (3, "accepted", ("ward", 7), True),
    (4, "closed", ("ward", 7), False),
    (5, "accepted", ("agency", 3), False),
    (6, "submitted", ("city", None), True),
]


def _indexes(conn) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in sa.inspect(conn).get_indexes("cases")
            if ix["name"] in ("ix_cases_ward_inbox", "ix_cases_agency_inbox", "ix_cases_status_due")}


def test_upgrade_counts_existing_cases_and_downgrade_restores_the_indexes(old_database):  # noqa: F811
    from flask_migrate import downgrade, upgrade

    app = create_app({"APP_ENV": "test", "DATABASE_URL": old_database, "INSTANCE_PATH": None,
                      "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None})
    with app.app_context():
        upgrade(revision=BEFORE)
        tables: dict = {}
        with db.engine.begin() as conn:
            _insert(conn, tables, "wards", id=7, name="Phường Hoàn Kiếm", codename="phuong_hoan_kiem",
                    division_type="phường", search_name="phuong hoan kiem", active=True)
            _insert(conn, tables, "agencies", id=3, code="police", name="Công an Thành phố",
                    name_en="City Police", active=True)
            _insert(conn, tables, "users", id=1, full_name="Người 1", created_at=T0, identity_level=1,
                    active=True, session_token="token-1")
            for case_id, status, (unit_type, unit_id), overdue in CASES:
                _insert(conn, tables, "cases", id=case_id, kind="report", created_at=T0, updated_at=T0,
                        submitted_at=T0, submission_id=f"sub-{case_id}", source="web", requester_id=1,
                        status=status, level=None if status == "submitted" else "normal", unit_type=unit_type,
                        unit_ward_id=unit_id if unit_type == "ward" else None,
                        unit_agency_id=unit_id if unit_type == "agency" else None,
                        due_at=None if status == "closed" else T0 + timedelta(hours=case_id),
                        overdue_since=T0 if overdue else None, reopened=False)
            assert _indexes(conn)["ix_cases_ward_inbox"] == ["unit_ward_id", "status", "due_at"]

        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT unit_type, unit_id, kind, status, overdue, n FROM case_counts")).all()
            assert {(t, u, k, s, bool(o)): n for t, u, k, s, o, n in rows} == {
                ("ward", 7, "report", "submitted", False): 2,
                ("ward", 7, "report", "accepted", True): 1,
                ("ward", 7, "report", "closed", False): 1,
                ("agency", 3, "report", "accepted", False): 1,
                ("city", 0, "report", "submitted", True): 1,
            }
            assert _indexes(conn) == {"ix_cases_ward_inbox": ["unit_ward_id", "status", "due_at", "id"],
                                      "ix_cases_agency_inbox": ["unit_agency_id", "status", "due_at", "id"],
                                      "ix_cases_status_due": ["status", "due_at", "id"]}

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            assert "case_counts" not in sa.inspect(conn).get_table_names()
            assert _indexes(conn) == {"ix_cases_ward_inbox": ["unit_ward_id", "status", "due_at"],
                                      "ix_cases_agency_inbox": ["unit_agency_id", "status", "due_at"],
                                      "ix_cases_status_due": ["status", "due_at"]}

        upgrade()
        from app.cases.counts import fresh_counts
        from app.cases.models import CaseCount

        counted = {(c.unit_type, c.unit_id, c.kind, c.status, c.overdue): c.n
                   for c in db.session.scalars(sa.select(CaseCount))}
        assert counted == {tuple(r[:5]): r[5] for r in db.session.execute(fresh_counts())}
        assert sum(counted.values()) == len(CASES)
        db.session.remove()
        db.engine.dispose()
