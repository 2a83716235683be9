"""The inbox at city scale: counters kept by every change of a case, keyset pages, the plans.

The counters (``case_counts``) must always equal a fresh ``COUNT`` over ``cases``, whatever
sequence of transitions, sweeps and rollbacks came before; the keyset pages must list every
matching case once, in the inbox order, under every filter.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.reports.conftest import CUA_NAM, HOAN_KIEM


def counters() -> dict:
    from app.cases.models import CaseCount

    return {(c.unit_type, c.unit_id, c.kind, c.status, bool(c.overdue)): c.n
            for c in db.session.scalars(sa.select(CaseCount)) if c.n}


def fresh() -> dict:
    from app.cases.counts import fresh_counts

    return {(t, u, k, s, bool(o)): n for t, u, k, s, o, n in db.session.execute(fresh_counts())}


@pytest.fixture
def people(make_user):
    return {
        "citizen": make_user(name="Người dân"),
        "hk": make_user(role="ward_official", ward=HOAN_KIEM),
        "cn": make_user(role="ward_official", ward=CUA_NAM),
        "police": make_user(role="agency_official", agency="police"),
        "admin": make_user(role="city_admin"),
    }


@pytest.fixture
def plain_category(make_category):
    return make_category("plain", result_photo_required=False)


def test_counters_equal_a_fresh_count_after_random_transitions(app, people, plain_category, make_report):
    from app.auth.models import User
    from app.cases import services
    from app.cases.models import Case
    from app.cases.workflow import WorkflowError
    from app.places import services as places

    ids = [make_report(people["citizen"], category_id=plain_category, photos=0,
                       ward=HOAN_KIEM if i % 2 else CUA_NAM) for i in range(8)]
    rng = random.Random(15)
    with app.app_context():
        assert counters() == fresh() and sum(counters().values()) == len(ids)
        admin, citizen = db.session.get(User, people["admin"]), db.session.get(User, people["citizen"])
        hk, cn = places.ward_by_codename(HOAN_KIEM), places.ward_by_codename(CUA_NAM)
        police = places.agency_by_code("police")
        steps = {
            "accept": lambda c: services.accept(c, admin, rng.choice(["urgent", "normal", "complex"])),
            "transfer_ward": lambda c: services.transfer(c, admin, ward=rng.choice([hk, cn]), reason="Đúng địa bàn"),
            "transfer_agency": lambda c: services.transfer(c, admin, agency=police, reason="Việc của công an"),
            "reject": lambda c: services.reject(c, admin, "out_of_scope", "Không thuộc thẩm quyền"),
            "resolve": lambda c: services.resolve(c, admin, "Đã xử lý xong."),
            "close": lambda c: services.close(c, admin),
            "reopen": lambda c: services.request_reopen(c, citizen, "Chưa xử lý xong"),
            "overdue": lambda c: services.mark_overdue(datetime.now(UTC) + timedelta(days=rng.randint(1, 60))),
            "deadlines": lambda c: services.recompute_deadlines(),
        }
        done = set()
        for _ in range(120):
            case = db.session.get(Case, rng.choice(ids))
            name = rng.choice(list(steps))
            try:
                steps[name](case)
            except WorkflowError:
                db.session.rollback()
                continue
            if rng.random() < 0.2:
                db.session.rollback()  # a failed request: the counters go back with the case
            else:
                db.session.commit()
                done.add(name)
            assert counters() == fresh(), name
        db.session.expire_all()
        assert counters() == fresh()
        assert {"accept", "transfer_ward", "transfer_agency", "reject", "resolve", "close", "overdue"} <= done
        db.session.remove()


def test_recount_repairs_counters(app, people, plain_category, make_report):
    from app.cases.models import CaseCount

    make_report(people["citizen"], category_id=plain_category, photos=0)
    make_report(people["citizen"], category_id=plain_category, photos=0, status="accepted", overdue=True)
    with app.app_context():
        expected = fresh()
        db.session.execute(sa.update(CaseCount).values(n=CaseCount.n + 5))
        db.session.commit()
        assert counters() != expected
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["cases", "recount"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert counters() == expected
        db.session.remove()


def test_counts_come_from_the_counters_in_the_users_scope(app, people, plain_category, make_report):
    from app.auth.models import User
    from app.cases import queries

    make_report(people["citizen"], category_id=plain_category, photos=0)
    make_report(people["citizen"], category_id=plain_category, photos=0, status="accepted", overdue=True)
    make_report(people["citizen"], category_id=plain_category, photos=0, status="closed")
    make_report(people["citizen"], category_id=plain_category, photos=0, ward=CUA_NAM, status="rejected")
    with app.app_context():
        hk, cn = db.session.get(User, people["hk"]), db.session.get(User, people["cn"])
        admin, citizen = db.session.get(User, people["admin"]), db.session.get(User, people["citizen"])
        assert queries.inbox_counts(hk) == {"submitted": 1, "accepted": 1, "resolved": 0, "rejected": 0,
                                            "closed": 1, "overdue": 1}
        assert queries.inbox_counts(cn)["rejected"] == 1 and queries.inbox_counts(cn)["submitted"] == 0
        assert sum(queries.inbox_counts(admin).values()) == 4 + 1
        assert queries.inbox_counts(admin, kind="business_question")["submitted"] == 0
        assert set(queries.inbox_counts(citizen).values()) == {0}
        db.session.remove()


def walk(user, filters, size: int) -> list[int]:
    """Every page of the inbox the way the console asks for them: ``size`` rows and one more."""
    from app.cases import queries

    seen, after = [], None
    for _ in range(50):
        page = queries.inbox(user, filters, limit=size + 1, after=after)
        seen.extend(c.id for c in page[:size])
        if len(page) <= size:
            return seen
        after = queries.Cursor.parse(str(queries.Cursor.of(page[size - 1])))
    raise AssertionError("the pages never end")


def test_keyset_pages_list_every_case_once_in_inbox_order(app, people, make_category, make_report):
    from app.auth.models import User
    from app.cases.models import Case
    from app.cases.queries import InboxFilters

    roads = make_category("roads", result_photo_required=False)
    lights = make_category("lights", result_photo_required=False)
    police = make_category("security", unit_type="agency", agency="police", result_photo_required=False)
    base = datetime.now(UTC) + timedelta(days=2)
    same = base + timedelta(hours=5)  # ties on the deadline are broken by the number
    for i in range(14):
        make_report(people["citizen"], photos=0, ward=HOAN_KIEM if i % 4 < 2 else CUA_NAM,
                    category_id=[roads, lights, police][i % 3], status=["submitted", "accepted"][i % 2],
                    level=["urgent", "normal"][i // 7],
                    due_at=same if i in (4, 5, 8, 9) else base + timedelta(hours=i * 7 % 11),
                    overdue=i in (4, 6, 7))
    for i in range(5):
        make_report(people["citizen"], photos=0, category_id=roads, status=["closed", "resolved"][i % 2])

    def expected(user, pick) -> list[int]:
        from app.cases.permissions import scope_clause

        cases = db.session.scalars(sa.select(Case).where(scope_clause(user))).all()
        chosen = [c for c in cases if pick(c)]
        if all(c.is_open for c in chosen):
            return [c.id for c in sorted(chosen, key=lambda c: (c.due_at, c.id))]
        return sorted(c.id for c in chosen)

    with app.app_context():
        hk, admin = db.session.get(User, people["hk"]), db.session.get(User, people["admin"])
        cases = {c.id: c for c in db.session.scalars(sa.select(Case))}
        category = {i: getattr(c, "category_id", None) for i, c in cases.items()}
        for user in (hk, admin):
            for filters, pick in [
                (InboxFilters(), lambda c: c.is_open),
                (InboxFilters(status="accepted"), lambda c: c.status == "accepted"),
                (InboxFilters(level="urgent"), lambda c: c.is_open and c.level == "urgent"),
                (InboxFilters(overdue=True), lambda c: c.is_open and c.overdue_since is not None),
                (InboxFilters(status="closed"), lambda c: c.status == "closed"),
                (InboxFilters(kind="report", where=[lambda m: m.category_id == roads]),
                 lambda c: c.is_open and category[c.id] == roads),
            ]:
                want = expected(user, pick)
                assert want, filters
                for size in (1, 2, 3, 50):
                    assert walk(user, filters, size) == want, (user.id, filters, size)
        db.session.remove()


def test_a_ward_official_with_two_wards_gets_one_merged_order(app, make_user, people, plain_category, make_report):
    from app.auth import services as auth
    from app.auth.models import Role, User
    from app.cases.queries import InboxFilters
    from app.places import services as places

    base = datetime.now(UTC) + timedelta(days=1)
    ids = [make_report(people["citizen"], category_id=plain_category, photos=0,
                       ward=HOAN_KIEM if i % 2 else CUA_NAM, due_at=base + timedelta(hours=i)) for i in range(6)]
    with app.app_context():
        both = db.session.get(User, people["hk"])
        auth.grant_role(both, Role.WARD_OFFICIAL, ward_id=places.ward_by_codename(CUA_NAM).id)
        db.session.commit()
        assert walk(both, InboxFilters(), 4) == ids
        assert walk(db.session.get(User, people["police"]), InboxFilters(), 4) == []
        db.session.remove()


@pytest.mark.parametrize("text", ["", "abc", "12.x", "-5", "1.2.3", "9" * 41, "99999999999999999999.1"])
def test_a_malformed_cursor_means_the_first_page(text):
    from app.cases.queries import Cursor

    assert Cursor.parse(text) is None


def test_a_cursor_survives_the_url():
    from app.cases.queries import Cursor

    due = datetime(2026, 11, 30, 8, 15, 1, 123456, tzinfo=UTC)
    assert Cursor.parse(str(Cursor(due, 42))) == Cursor(due, 42)
    assert Cursor.parse("42") == Cursor(None, 42)


def test_sqlite_reads_an_inbox_page_from_the_index_without_sorting(app, people, plain_category, make_report):
    """The plans behind the flat inbox (the benchmark shows them at 1,000,000 cases)."""
    from app.auth.models import User
    from app.cases.queries import Cursor, InboxFilters, inbox

    make_report(people["citizen"], category_id=plain_category, photos=0)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's EXPLAIN QUERY PLAN")
        seen: list[tuple[str, object]] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if "ORDER BY cases.due_at, cases.id" in statement:
                seen.append((statement, parameters))

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            after = Cursor(datetime.now(UTC), 1)
            for key in ("hk", "admin"):
                user = db.session.get(User, people[key])
                inbox(user, InboxFilters(), limit=51)
                inbox(user, InboxFilters(), limit=51, after=after)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert len(seen) == 8
        conn = db.session.connection()
        for statement, parameters in seen:
            plan = " / ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "TEMP B-TREE" not in plan, plan
            assert "ix_cases_ward_inbox" in plan or "ix_cases_status_due" in plan, plan
        db.session.remove()
