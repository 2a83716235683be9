import os
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db

SQLITE_ONLY = pytest.mark.skipif(
    (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="SQLite-specific behaviour",
)


@SQLITE_ONLY
def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(app_ctx):
    conn = db.session.connection()
    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@SQLITE_ONLY
def test_write_transactions_begin_immediate(app, app_ctx):
    """Concurrent read-then-write transactions queue instead of failing with 'database is locked'."""
    from app.auth.models import User
    from app.auth.services import new_user

    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def worker(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(5):
                    # Read first, then write: with deferred transactions this pattern fails
                    # when another writer commits in between.
                    db.session.scalar(sa.select(sa.func.count(User.id)))
                    new_user(full_name=f"worker {i}")
                    db.session.commit()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 40


@SQLITE_ONLY
def test_get_requests_begin_deferred_and_posts_immediate(app, client):
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "begin")
    def spy(conn):
        from app.core.database import _begin_mode

        seen.append(_begin_mode.get())

    try:
        client.get("/healthz")
        assert seen[-1] == "DEFERRED"
        client.post("/language", data={})  # refused by CSRF, but the mode is what we check
    finally:
        sa.event.remove(engine, "begin", spy)
    assert seen[0] == "DEFERRED"


def test_after_commit_waits_for_the_real_commit_not_a_savepoint(app_ctx):
    from app.core.database import after_commit

    ran: list[str] = []
    db.session.execute(sa.text("SELECT 1"))
    after_commit(lambda: ran.append("outer"))
    with db.session.begin_nested():
        after_commit(lambda: ran.append("inner"))
    assert ran == []
    db.session.commit()
    assert ran == ["outer", "inner"]
    db.session.execute(sa.text("SELECT 1"))
    after_commit(lambda: ran.append("rolled back"))
    db.session.rollback()
    db.session.commit()
    assert ran == ["outer", "inner"]
