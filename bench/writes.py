"""Goal 3: concurrent writes never fail.

16 citizens (one thread and one keep-alive HTTP session each) file reports with a small photo
through ``POST /reports/new`` for a fixed time against gunicorn (several workers). A success is
the app's ``303`` to the new report's page; anything else is an error. Afterwards the rows are
counted, every acknowledged report is looked up, and the server log is searched for
"database is locked" and tracebacks.
"""

from __future__ import annotations

import collections
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import common

CLIENTS = 16


@dataclass
class LoadResult:
    """What the clients saw."""

    acknowledged: list[tuple[int, str]] = field(default_factory=list)  # (report id, submission id)
    errors: collections.Counter = field(default_factory=collections.Counter)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    in_flight: int = 0  # POSTs sent and not yet answered, live while the load runs


def file_reports(base: str, ds: common.Dataset, *, clients: int = CLIENTS, duration: float | None = None,
                 stop: threading.Event | None = None, ready: threading.Event | None = None,
                 result: LoadResult | None = None) -> LoadResult:
    """Run the clients until ``duration`` has passed or ``stop`` is set."""
    import requests

    stop = stop or threading.Event()
    photo = common.small_photo()
    citizens = [common.Citizen(base, key, ds, photo) for _uid, key in ds.meta["citizens"][:clients]]
    for c in citizens:
        c.login()
    result = result if result is not None else LoadResult()
    lock = threading.Lock()

    def client(citizen: common.Citizen) -> None:
        while not stop.is_set():
            with lock:
                result.in_flight += 1
            started = time.perf_counter()
            try:
                sid, response = citizen.file()
            except requests.RequestException as e:
                with lock:
                    result.in_flight -= 1
                    if not stop.is_set():
                        result.errors[f"{type(e).__name__}"] += 1
                if stop.is_set():
                    return
                time.sleep(0.05)
                continue
            elapsed = time.perf_counter() - started
            report_id = common.acknowledged_id(response)
            with lock:
                result.in_flight -= 1
                if report_id is not None:
                    result.acknowledged.append((report_id, sid))
                    result.latencies.append(elapsed)
                else:
                    result.errors[f"HTTP {response.status_code}"] += 1

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in citizens]
    started = time.perf_counter()
    for t in threads:
        t.start()
    if ready is not None:
        ready.set()
    if duration is not None:
        stop.wait(duration)
        stop.set()
    for t in threads:
        t.join(timeout=120)
    result.seconds = time.perf_counter() - started
    for c in citizens:
        c.http.close()
    return result


@dataclass
class Check:
    """What the database and the photo folder hold for the acknowledged reports."""

    rows: int = 0  # reports filed over HTTP (the generator's have source "bench")
    missing_reports: list[int] = field(default_factory=list)
    wrong_submission: list[int] = field(default_factory=list)
    missing_photos: list[int] = field(default_factory=list)
    bad_files: list[str] = field(default_factory=list)
    integrity: str | None = None  # PRAGMA integrity_check (SQLite)

    @property
    def all_present(self) -> bool:
        return not (self.missing_reports or self.wrong_submission or self.missing_photos or self.bad_files)


def verify(ds: common.Dataset, acknowledged: list[tuple[int, str]], *, files: bool = True,
           integrity: bool = True) -> Check:
    import sqlalchemy as sa
    from PIL import Image

    check = Check()
    engine = common.db_engine(ds)
    try:
        with engine.connect() as conn:
            check.rows = conn.execute(sa.text(
                "SELECT count(*) FROM cases WHERE kind = 'report' AND source = 'web'")).scalar_one()
            found: dict[int, str] = {}
            photos: dict[int, list[tuple[str, str]]] = collections.defaultdict(list)
            ids = [i for i, _ in acknowledged]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                rows = conn.execute(sa.text("SELECT id, submission_id FROM cases WHERE id IN :ids")
                                    .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk})
                found.update({r[0]: r[1] for r in rows})
                rows = conn.execute(sa.text("SELECT report_id, key, thumb_key FROM report_photos"
                                            " WHERE report_id IN :ids")
                                    .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk})
                for report_id, key, thumb in rows:
                    photos[report_id].append((key, thumb))
            if integrity and conn.dialect.name == "sqlite":
                check.integrity = "; ".join(r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check"))
    finally:
        engine.dispose()
    for report_id, sid in acknowledged:
        if report_id not in found:
            check.missing_reports.append(report_id)
        elif found[report_id] != sid:
            check.wrong_submission.append(report_id)
        elif not photos.get(report_id):
            check.missing_photos.append(report_id)
        elif files:
            for key in (k for pair in photos[report_id] for k in pair):
                path = ds.uploads / key
                try:
                    with Image.open(path) as img:
                        img.verify()
                except Exception as e:  # noqa: BLE001 - any unreadable file is a finding
                    check.bad_files.append(f"{key}: {type(e).__name__}")
    return check


_STATUS = re.compile(r'" (\d{3}) ')


def server_log_findings(path: Path) -> dict[str, int]:
    text = path.read_text(errors="replace") if path.exists() else ""
    found = {"database is locked": text.count("database is locked"), "Traceback": text.count("Traceback")}
    found["5xx in access log"] = sum(1 for m in _STATUS.finditer(text) if m.group(1).startswith("5"))
    return found


@dataclass
class WriteRun:
    kind: str
    count: int
    clients: int
    duration: float
    load: LoadResult
    check: Check
    log_findings: dict[str, int]
    workers: int
    log: str

    @property
    def successes(self) -> int:
        return len(self.load.acknowledged)

    @property
    def rate(self) -> float:
        return self.successes / self.load.seconds if self.load.seconds else 0.0

    @property
    def passed(self) -> bool:
        return (self.successes > 0 and not self.load.errors and self.log_findings["database is locked"] == 0
                and self.log_findings["Traceback"] == 0 and self.check.rows == self.successes
                and self.check.all_present and self.check.integrity in (None, "ok"))


def concurrent_writes(ds: common.Dataset, *, duration: float, clients: int = CLIENTS) -> WriteRun:
    copy = common.working_copy(ds, "writes")
    log_path = common.OUT / "logs" / f"writes-{ds.kind}.log"
    log_path.unlink(missing_ok=True)
    try:
        with common.Server("wsgi:app", {**copy.env(), **common.LOAD_ENV}, log_path) as server:
            workers = len(server.workers())
            common.log(f"writes {ds.kind}: {clients} clients for {duration:.0f} s, {workers} workers")
            load = file_reports(server.base, copy, clients=clients, duration=duration)
        check = verify(copy, load.acknowledged)
        run = WriteRun(ds.kind, ds.count, clients, duration, load, check, server_log_findings(log_path),
                       workers, str(log_path.relative_to(common.ROOT)))
        common.log(f"writes {ds.kind}: {run.successes} reports ({run.rate:.1f}/s), errors {dict(load.errors)}, "
                   f"rows {check.rows}, log {run.log_findings}")
        return run
    finally:
        common.drop_copy(copy)
