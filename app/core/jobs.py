"""Background jobs with huey: SQLite storage by default, Redis when ``REDIS_URL`` is set.

Tasks are declared with :func:`job`; each runs inside an application context. Tests run jobs
immediately (``JOBS_IMMEDIATE``). Run the consumer with ``flask jobs worker`` (``make worker``).
"""

from __future__ import annotations

import functools

from flask import Flask, current_app, has_app_context
from huey.api import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

huey = Huey("cdtd", immediate=True, storage_class=MemoryStorage)
_app: Flask | None = None


def init_app(app: Flask) -> None:
    global _app
    _app = app
    if app.config.get("REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": app.config["HUEY_SQLITE_PATH"]}
    huey.immediate = bool(app.config["JOBS_IMMEDIATE"])
    huey.storage = huey.create_storage()
    app.extensions["huey"] = huey


def _in_app_context(fn):
    """Run a job as its own unit of work: a fresh app context (so a fresh session) that
    commits on success, also when run immediately from inside a request (tests)."""

    @functools.wraps(fn)
    def in_context(*args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _app
        if app is None:
            raise RuntimeError("jobs.init_app() was not called")
        with app.app_context():
            from app.core.database import db

            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return in_context


def job(**task_options):
    """Declare a background task that runs inside an application context (commits on success)."""
    return lambda fn: huey.task(**task_options)(_in_app_context(fn))


def periodic_job(schedule, **task_options):
    """Declare a periodic task; ``schedule`` is a ``huey.crontab(...)``."""
    return lambda fn: huey.periodic_task(schedule, **task_options)(_in_app_context(fn))


def register_cli(app: Flask) -> None:
    import click

    @app.cli.group("jobs")
    def jobs_group():
        """Background jobs."""

    @jobs_group.command("worker")
    @click.option("--workers", default=2, show_default=True)
    def worker(workers: int):
        """Run the job consumer (periodic tasks included)."""
        from huey.consumer_options import ConsumerConfig

        config = ConsumerConfig(workers=workers, worker_type="thread", periodic=True)
        config.validate()
        config.setup_logger()
        consumer = huey.create_consumer(**config.values)
        current_app.logger.info("job consumer started with %d workers", workers)
        consumer.run()
