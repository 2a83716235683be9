"""Goal 4: nothing acknowledged is lost, and a retried submission files one report.

1. Crash: 16 citizens file reports with a photo against gunicorn; in the middle of it the whole
   process group (master and workers) gets ``kill -9``. After a restart, every report whose POST
   got the app's 303 must be in the database with its photo rows and readable photo files,
   ``PRAGMA integrity_check`` must say ok (SQLite), and the restarted server must serve them.
2. Replay: one POST with one submission id sent 1,000 times by 16 threads at once must leave
   exactly one report, and every answer must be the 303 to that report.

    .venv/bin/python bench/crash_check.py --quick              # SQLite, small, < 60 s (.ci/run)
    .venv/bin/python bench/crash_check.py --database both      # also PostgreSQL

Exits non-zero when a check fails; the last line is a one-line summary.
"""

from __future__ import annotations

import argparse
import collections
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import common
import writes

REPLAYS = 1000
REPLAY_THREADS = 16


@dataclass
class CrashRun:
    kind: str
    load_seconds: float
    acknowledged: int = 0
    in_flight: int = 0
    killed: list[int] = field(default_factory=list)
    survivors: list[int] = field(default_factory=list)
    check: writes.Check | None = None
    served: int = 0
    served_errors: list[str] = field(default_factory=list)
    errors_before_kill: dict = field(default_factory=dict)
    log_findings: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return (self.acknowledged > 0 and not self.survivors and self.check is not None
                and self.check.all_present and self.check.integrity in (None, "ok") and not self.served_errors
                and not self.errors_before_kill)


@dataclass
class ReplayRun:
    kind: str
    posts: int
    reports: int = 0
    statuses: dict = field(default_factory=dict)
    locations: int = 0
    seconds: float = 0.0
    exceptions: int = 0

    @property
    def passed(self) -> bool:
        return (self.reports == 1 and set(self.statuses) == {303} and self.locations == 1
                and not self.exceptions)


def crash(server: common.Server, ds: common.Dataset, load_seconds: float) -> CrashRun:
    """Write for ``load_seconds``, kill -9 the process group mid-load, restart, verify."""
    run = CrashRun(ds.kind, load_seconds)
    stop, ready = threading.Event(), threading.Event()
    load = writes.LoadResult()
    loader = threading.Thread(target=writes.file_reports, args=(server.base, ds),
                              kwargs={"stop": stop, "ready": ready, "result": load}, daemon=True)
    loader.start()
    ready.wait(60)
    time.sleep(load_seconds)
    workers = server.workers()
    stop.set()  # errors from here on are the crash's, not the app's
    run.in_flight = load.in_flight
    argv = ["kill", "-9", f"-{server.pid}"]
    common.record_command(argv)
    run.killed = server.kill()
    common.log(f"crash {ds.kind}: killed master {server.pid} and workers {workers} "
               f"with {run.in_flight} POSTs in flight")
    loader.join(timeout=120)
    run.acknowledged = len(load.acknowledged)
    run.errors_before_kill = dict(load.errors)
    time.sleep(0.2)
    run.survivors = [pid for pid in run.killed if common.pid_alive(pid)]
    # Restart on the same files: recovery (SQLite's WAL) happens here.
    server.start()
    run.check = writes.verify(ds, load.acknowledged)
    _served(server, load.acknowledged, run)
    run.log_findings = writes.server_log_findings(server.log_path)
    common.log(f"crash {ds.kind}: {run.acknowledged} acknowledged, {run.in_flight} in flight at the kill, "
               f"missing {len(run.check.missing_reports)}, photos missing {len(run.check.missing_photos)}, "
               f"bad files {len(run.check.bad_files)}, integrity {run.check.integrity}")
    return run


def _served(server: common.Server, acknowledged: list[tuple[int, str]], run: CrashRun) -> None:
    """The restarted server shows the last acknowledged reports and their photo thumbnails."""
    import re

    import requests

    for report_id, _sid in acknowledged[-10:]:
        r = requests.get(f"{server.base}/reports/{report_id}", timeout=30)
        if r.status_code != 200:
            run.served_errors.append(f"/reports/{report_id}: {r.status_code}")
            continue
        thumbs = re.findall(r'/reports/photos/(\d+)/thumb', r.text)
        if not thumbs:
            run.served_errors.append(f"/reports/{report_id}: no photo on the page")
            continue
        p = requests.get(f"{server.base}/reports/photos/{thumbs[0]}/thumb", timeout=30)
        if p.status_code != 200 or p.headers.get("Content-Type") != "image/jpeg":
            run.served_errors.append(f"photo {thumbs[0]}: {p.status_code}")
        else:
            run.served += 1


def replay(server: common.Server, ds: common.Dataset, posts: int = REPLAYS) -> ReplayRun:
    """One submission id, ``posts`` identical POSTs from 16 threads at once."""
    import sqlalchemy as sa

    run = ReplayRun(ds.kind, posts)
    user_id, key = ds.meta["citizens"][-1]
    photo = common.small_photo(7)
    citizens = [common.Citizen(server.base, key, ds, photo) for _ in range(REPLAY_THREADS)]
    for c in citizens:
        c.login()
    sid = str(uuid.uuid4())
    statuses: collections.Counter = collections.Counter()
    locations: set[str] = set()
    lock = threading.Lock()
    barrier = threading.Barrier(REPLAY_THREADS)

    def send(i: int) -> None:
        citizen = citizens[i % REPLAY_THREADS]
        if i < REPLAY_THREADS:
            barrier.wait()  # the first 16 leave together: the race the unique constraint settles
        try:
            _sid, r = citizen.file(sid)
        except Exception as e:  # noqa: BLE001 - counted as a failure
            with lock:
                statuses[type(e).__name__] += 1
                run.exceptions += 1
            return
        with lock:
            statuses[r.status_code] += 1
            if r.status_code == 303:
                locations.add(r.headers.get("Location", ""))

    started = time.perf_counter()
    with ThreadPoolExecutor(REPLAY_THREADS) as pool:
        list(pool.map(send, range(posts)))
    run.seconds = time.perf_counter() - started
    for c in citizens:
        c.http.close()
    run.statuses = dict(statuses)
    run.locations = len(locations)
    engine = common.db_engine(ds)
    try:
        with engine.connect() as conn:
            run.reports = conn.execute(sa.text(
                "SELECT count(*) FROM cases WHERE requester_id = :u AND submission_id = :s"),
                {"u": user_id, "s": sid}).scalar_one()
    finally:
        engine.dispose()
    common.log(f"replay {ds.kind}: {posts} POSTs in {run.seconds:.1f} s -> {run.reports} report(s), "
               f"answers {run.statuses}")
    return run


def check_database(ds: common.Dataset, load_seconds: float, posts: int) -> tuple[CrashRun, ReplayRun]:
    copy = common.working_copy(ds, "crash")
    log_path = common.OUT / "logs" / f"crash-{ds.kind}.log"
    log_path.unlink(missing_ok=True)
    server = common.Server("wsgi:app", {**copy.env(), **common.LOAD_ENV}, log_path)
    try:
        server.start()
        crash_run = crash(server, copy, load_seconds)
        replay_run = replay(server, copy, posts)
        return crash_run, replay_run
    finally:
        server.stop()
        common.drop_copy(copy)


def summary(results: list[tuple[CrashRun, ReplayRun]]) -> tuple[bool, str]:
    parts, ok = [], True
    for c, r in results:
        ok = ok and c.passed and r.passed
        check = c.check or writes.Check()
        lost = len(check.missing_reports) + len(check.wrong_submission) + len(check.missing_photos)
        parts.append(
            f"{c.kind}: kill -9 after {c.acknowledged} acknowledged reports -> {lost} lost, "
            f"{len(check.bad_files)} bad photo files, integrity {check.integrity or 'n/a'}"
            f"{', survivors ' + str(c.survivors) if c.survivors else ''}"
            f"{', errors before the kill ' + str(c.errors_before_kill) if c.errors_before_kill else ''}"
            f"{', restarted server: ' + '; '.join(c.served_errors) if c.served_errors else ''}; "
            f"{r.posts} replayed POSTs -> {r.reports} report(s), answers {r.statuses}")
    return ok, ("crash_check: PASS " if ok else "crash_check: FAIL ") + " | ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small database and short load (CI)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--count", type=int, help="reports in the database (default 2,000 quick, 100,000)")
    parser.add_argument("--load-seconds", type=float, help="write load before the kill (default 4 quick, 10)")
    parser.add_argument("--posts", type=int, default=REPLAYS, help="replayed POSTs (default 1,000)")
    args = parser.parse_args()
    common.require_tools(wrk=False, postgres=args.database != "sqlite")
    count = args.count or (2_000 if args.quick else 100_000)
    load_seconds = args.load_seconds or (4 if args.quick else 10)
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    try:
        for kind in kinds:
            results.append(check_database(common.dataset(kind, count), load_seconds, args.posts))
    except Exception as e:  # noqa: BLE001 - one line for CI, the traceback above it
        import traceback

        traceback.print_exc()
        print(f"crash_check: FAIL {type(e).__name__}: {e}")
        return 2
    ok, line = summary(results)
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
