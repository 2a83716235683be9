"""Engine tuning and the one-request-one-commit rule.

SQLite: WAL so readers never wait for the writer, a busy timeout so a writer waits for the
lock instead of failing, foreign keys on, and ``BEGIN IMMEDIATE`` for transactions that will
write. A deferred transaction that later tries to write can fail at once with "database is
locked" when another connection wrote in between (busy_timeout does not help there);
taking the write lock up front makes concurrent writers queue instead.

Reads (GET/HEAD without the :func:`writes` mark) begin deferred so they do not queue behind
writers.
"""

from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager

from flask import Flask, g, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.core.models import Base

# The one database handle; ``app.extensions`` re-exports it for the feature packages.
db = SQLAlchemy(model_class=Base)

_begin_mode: contextvars.ContextVar[str] = contextvars.ContextVar(
    "sqlite_begin_mode", default="IMMEDIATE"
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own would be deferred).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@event.listens_for(Engine, "begin")
def _on_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"BEGIN {_begin_mode.get()}")


@contextmanager
def read_only_transactions():
    token = _begin_mode.set("DEFERRED")
    try:
        yield
    finally:
        _begin_mode.reset(token)


def writes(view: Callable) -> Callable:
    """Mark a GET view that writes (e.g. an OAuth callback), so it begins IMMEDIATE."""
    view._writes_on_get = True
    return view


def after_commit(fn: Callable[[], None]) -> None:
    """Run ``fn`` once the current transaction has committed (queue jobs, notifications).

    Nothing runs if it rolls back. Works the same in requests, CLI commands and jobs.
    """
    db.session().info.setdefault("after_commit", []).append(fn)


def _outer_still_open(session) -> bool:
    """True when a savepoint ended but the real transaction goes on."""
    root = session.get_transaction()
    return root is not None and root.is_active


@event.listens_for(Session, "after_commit")
def _run_after_commit(session):
    if _outer_still_open(session):
        return
    for fn in session.info.pop("after_commit", []):
        fn()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session):
    if _outer_still_open(session):
        return
    session.info.pop("after_commit", None)


def init_app(app: Flask) -> None:
    @app.before_request
    def _choose_begin_mode():
        view = app.view_functions.get(request.endpoint or "")
        mode = "IMMEDIATE"
        if request.method in SAFE_METHODS and not getattr(view, "_writes_on_get", False):
            mode = "DEFERRED"
        g._begin_token = _begin_mode.set(mode)

    @app.after_request
    def _commit(response):
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _reset(exc):
        if exc is not None:
            db.session.rollback()
        token = g.pop("_begin_token", None)
        if token is not None:
            _begin_mode.reset(token)
