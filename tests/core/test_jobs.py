from datetime import timedelta

import sqlalchemy as sa

from app.core import jobs


def test_jobs_run_immediately_in_tests_inside_an_app_context(app, app_ctx):
    from app.auth.models import OtpCode
    from app.auth.tasks import purge_expired_codes_job
    from app.core.models import utcnow
    from app.extensions import db

    now = utcnow()
    db.session.add_all([
        OtpCode(phone="+84912000001", code_hash="x", expires_at=now - timedelta(hours=2)),
        OtpCode(phone="+84912000001", code_hash="y", expires_at=now + timedelta(minutes=5)),
    ])
    db.session.commit()
    assert jobs.huey.immediate
    purge_expired_codes_job()
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(OtpCode.id))) == 1
    db.session.rollback()
    assert purge_expired_codes_job.call_local() == 0


def test_sqlite_queue_stores_and_consumer_runs_job(app, tmp_path, monkeypatch):
    """Outside tests the queue persists jobs in SQLite and a consumer executes them."""
    from huey.storage import SqliteStorage

    calls = []

    @jobs.job()
    def remember(x):
        calls.append(x)
        return x * 2

    monkeypatch.setattr(jobs.huey, "_immediate", False)
    monkeypatch.setattr(jobs.huey, "storage", SqliteStorage("test", filename=str(tmp_path / "q.db")))
    result = remember(21)
    assert calls == []
    assert jobs.huey.pending_count() == 1
    task = jobs.huey.dequeue()
    jobs.huey.execute(task)
    assert calls == [21]
    assert result.get() == 42


def test_redis_queue_when_redis_url_is_set(app, monkeypatch):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        import pytest

        pytest.skip("no Redis here")
    from huey.storage import RedisStorage

    monkeypatch.setattr(jobs.huey, "_immediate", False)
    storage = RedisStorage("cdtd-test", url="redis://127.0.0.1:6379/15")
    storage.flush_all()
    monkeypatch.setattr(jobs.huey, "storage", storage)

    @jobs.job()
    def double(x):
        return x * 2

    result = double(5)
    assert jobs.huey.pending_count() == 1
    jobs.huey.execute(jobs.huey.dequeue())
    assert result.get() == 10
    storage.flush_all()


def test_init_app_picks_redis_storage_when_configured(tmp_path):
    from huey.storage import RedisStorage, SqliteStorage

    from app import create_app

    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert isinstance(jobs.huey.storage, SqliteStorage) and not jobs.huey.immediate
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                      "REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert isinstance(jobs.huey.storage, RedisStorage)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
