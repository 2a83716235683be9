"""Background jobs with huey: SQLite storage by default, Redis when ``REDIS_URL`` is set.

Tasks are declared with :func:`job`; each runs inside an application context. Tests run jobs
immediately (``JOBS_IMMEDIATE``). Production runs the consumer on its own with ``flask jobs
worker`` (``make worker``); development (``JOBS_IN_PROCESS``) runs it in the server's process,
started by the first request, so that ``make run`` alone delivers notifications and runs the
periodic jobs.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import threading
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey.api import Huey
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger(__name__)

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
    if app.config.get("JOBS_IN_PROCESS") and not huey.immediate:
        @app.before_request
        def _start_consumer() -> None:
            start_in_process_consumer(app)


class _InProcessConsumer(Consumer):
    def _set_signal_handlers(self) -> None:
        """The server owns the process's signals, and this may not be its main thread."""


_consumer: _InProcessConsumer | None = None
_consumer_lock = threading.Lock()
_consumer_lock_file = None


def start_in_process_consumer(app: Flask) -> bool:
    """Start a consumer in threads of this process, once; False if one runs already (here, or
    in another process of the same instance, which holds the lock file)."""
    global _consumer, _consumer_lock_file
    if _consumer is not None:
        return False
    with _consumer_lock:
        if _consumer is not None or huey.immediate:
            return False
        lock_file = open(Path(app.instance_path) / "jobs-consumer.lock", "a")
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock_file.close()
            return False
        consumer = _InProcessConsumer(huey, workers=2, worker_type="thread", periodic=True, max_delay=1.0)
        consumer.start()
        _consumer, _consumer_lock_file = consumer, lock_file
        log.info("job consumer running in the server process")
        return True


def stop_in_process_consumer() -> None:
    global _consumer, _consumer_lock_file
    with _consumer_lock:
        if _consumer is None:
            return
        _consumer.stop(graceful=True)
        _consumer_lock_file.close()
        _consumer = _consumer_lock_file = None


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
