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


def test_development_runs_queued_jobs_without_a_separate_worker(tmp_path, monkeypatch):
    """`make run` alone: the first request starts a consumer in the server's process."""
    import threading

    from app import create_app

    for name in ("JOBS_IMMEDIATE", "JOBS_IN_PROCESS", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path}/dev.db"})
    assert app.config["JOBS_IN_PROCESS"] and not jobs.huey.immediate
    ran = threading.Event()

    @jobs.job()
    def deliver(value):
        assert value == "xin chào"
        ran.set()

    deliver("xin chào")  # queued (e.g. by `flask demo seed`) before the server starts
    assert jobs.huey.pending_count() == 1
    assert app.test_client().get("/healthz").status_code in (200, 404)
    assert ran.wait(timeout=10), "the queued job did not run"
    ran.clear()
    deliver("xin chào")  # and one queued while serving
    assert ran.wait(timeout=10)
    assert jobs._consumer is not None and jobs._consumer.periodic
    # A second server process of the same instance leaves the jobs to the first one.
    assert jobs.start_in_process_consumer(app) is False


def test_tests_and_production_do_not_start_a_consumer_in_the_server(app, client):
    assert client.get("/").status_code == 200
    assert jobs._consumer is None
    from app.config import ProductionConfig, TestConfig

    assert not ProductionConfig.JOBS_IN_PROCESS and not TestConfig.JOBS_IN_PROCESS


def test_periodic_jobs_are_registered_for_the_consumer(app):
    names = {task.name for task in jobs.huey._registry.periodic_tasks}
    assert any("mark_overdue" in name for name in names), names
