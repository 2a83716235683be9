"""Goal 2: the cost of the main pages stays flat as the number of reports grows.

Both databases (small and large) are opened in one process with the app in production mode and
asked in alternation through Flask's test client, so a busy moment of the shared machine hits
both sides alike; the median of each side is compared. The SQL of each page is captured with
SQLAlchemy's ``before_cursor_execute`` event and explained (``EXPLAIN QUERY PLAN`` on SQLite,
``EXPLAIN`` on PostgreSQL).
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from dataclasses import dataclass, field

import common

# Tables that grow with the number of reports: a full scan of one of them is a finding.
BIG_TABLES = ("cases", "reports", "report_photos", "case_events", "report_followers", "audit_log", "notifications")


def pages(ds: common.Dataset) -> dict[str, tuple[str, str | None]]:
    """label -> (path, user key of the logged-in user or None)."""
    m = ds.meta
    lo, hi = m["min_id"], m["max_id"]
    return {
        "feed, first page": ("/reports", None),
        "feed, deep page (keyset cursor)": (f"/reports?before={lo + (hi - lo) // 10}", None),
        "report page": (f"/reports/{(lo + hi) // 2}", None),
        "nearby suggestion": (f"/reports/nearby?category={m['category']}&lat=21.0&lon=105.85", None),
        OFFICIAL_INBOX: ("/console/", m["official"][1]),
        # The inbox of a city admin covers every open case (issue 15: ≤ 1.5× and ≤ 100 ms).
        ADMIN_INBOX: ("/console/", m["admin"][1]),
    }


OFFICIAL_INBOX = "official inbox (busiest ward)"
ADMIN_INBOX = "city admin inbox (all wards)"
INBOXES = (OFFICIAL_INBOX, ADMIN_INBOX)


@dataclass
class Query:
    sql: str
    params: object
    plan: str = ""
    flags: list[str] = field(default_factory=list)


@dataclass
class PageResult:
    label: str
    path: str
    status: int = 0
    samples: list[float] = field(default_factory=list)
    sql_samples: list[float] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def sql_median(self) -> float | None:
        return statistics.median(self.sql_samples) if self.sql_samples else None


class Site:
    """One database opened in-process with the production settings."""

    def __init__(self, ds: common.Dataset):
        from app import create_app

        self.ds = ds
        # The page cache off: a cached page costs the same at any size, which would hide how the
        # rendering and its queries grow with the data (what this goal measures).
        self.app = create_app({**ds.overrides(), "PAGE_CACHE_ENABLED": False})
        # Without a cookie jar, or the client would drop the Cookie header given per request.
        self.client = self.app.test_client(use_cookies=False)
        self.pages = pages(ds)
        self.sql_seconds = 0.0
        self._watch_sql()
        self.cookies = {}
        for label, (_path, user) in self.pages.items():
            if user:
                self.cookies[label] = f"{common.COOKIE_NAME}={common.session_cookie(ds, user)}"

    def _watch_sql(self) -> None:
        """Add up the time spent in the database driver (to tell query cost from rendering)."""
        from sqlalchemy import event

        from app.extensions import db

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            self.sql_seconds += time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())

        with self.app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)

    def get(self, label: str) -> tuple[int, float, float]:
        """(status, seconds, of which in the database)"""
        path, _user = self.pages[label]
        headers = {"Cookie": self.cookies[label]} if label in self.cookies else {}
        self.sql_seconds = 0.0
        started = time.perf_counter()
        response = self.client.get(path, headers=headers)
        response.get_data()
        return response.status_code, time.perf_counter() - started, self.sql_seconds

    def capture(self, label: str) -> tuple[int, list[Query]]:
        from sqlalchemy import event

        from app.extensions import db

        seen: list[Query] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                seen.append(Query(statement, parameters))

        with self.app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            status = self.get(label)[0]
        finally:
            event.remove(engine, "before_cursor_execute", before)
        unique: dict[str, Query] = {}
        for q in seen:
            unique.setdefault(q.sql, q)
        queries = list(unique.values())
        self.explain(queries)
        return status, queries

    def explain(self, queries: list[Query]) -> None:
        from app.extensions import db

        with self.app.app_context():
            with db.engine.connect() as conn:
                sqlite = conn.dialect.name == "sqlite"
                for q in queries:
                    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
                    rows = conn.exec_driver_sql(prefix + q.sql, q.params).all()
                    if sqlite:
                        q.plan = _sqlite_tree(rows)
                        q.flags = _sqlite_flags(q.plan)
                    else:
                        q.plan = "\n".join(r[0] for r in rows)
                        q.flags = _pg_flags(q.plan)
                conn.rollback()

    def close(self) -> None:
        from app.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def _sqlite_tree(rows) -> str:
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return "\n".join(lines)


def _sqlite_flags(plan: str) -> list[str]:
    """Full scans of a growing table (⚠), and sorts in a temporary B-tree (a note: harmless when the
    rows sorted are bounded, like one page's photos; not when they grow with the data)."""
    flags = []
    big = any(f" {t} " in f" {line.strip()} " for line in plan.splitlines() for t in BIG_TABLES)
    for line in plan.splitlines():
        text = line.strip()
        for table in BIG_TABLES:
            if text == f"SCAN {table}" or (text.startswith(f"SCAN {table} ") and "INDEX" not in text):
                flags.append(f"⚠ full scan of {table}")
            elif text.startswith(f"SCAN {table} USING"):
                flags.append(f"⚠ reads all of {table} through an index")
        if "TEMP B-TREE" in text and big:
            flags.append("sort: " + text.lower())
    return list(dict.fromkeys(flags))


def _pg_flags(plan: str) -> list[str]:
    flags = []
    big = any(f" {t} " in plan for t in BIG_TABLES)
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        for table in BIG_TABLES:
            if text.startswith(f"Seq Scan on {table} "):
                flags.append(f"⚠ sequential scan of {table}")
        if re.match(r"(Incremental )?Sort\s+\(", text) and big:
            flags.append("sort: " + text.split("  (")[0].lower())
    return list(dict.fromkeys(flags))


@dataclass
class FlatResult:
    small: common.Dataset
    large: common.Dataset
    pages: dict[str, tuple[PageResult, PageResult]]
    pg: dict[str, PageResult] | None = None
    pg_count: int = 0
    iterations: int = 0


def flat_cost(small: common.Dataset, large: common.Dataset, *, iterations: int, budget: float,
              postgres: common.Dataset | None = None) -> FlatResult:
    """``iterations`` rounds per page, fewer (at least 5) when a page pair takes over ``budget`` s."""
    common.log(f"flat cost: {small.count:,} vs {large.count:,} reports, {iterations} rounds")
    common.record_command([common.PYTHON, "bench/run.py"], note="flat cost: in-process, Flask test client "
                          "(bench/latency.py), no command line of its own")
    a, b = Site(small), Site(large)
    results: dict[str, tuple[PageResult, PageResult]] = {}
    try:
        for label in a.pages:
            ra, rb = PageResult(label, a.pages[label][0]), PageResult(label, b.pages[label][0])
            ra.status, ra.queries = a.capture(label)
            rb.status, rb.queries = b.capture(label)
            for _ in range(3):  # warm-up: templates compiled, pages in the cache
                a.get(label)
                b.get(label)
            began = time.perf_counter()
            for i in range(iterations):
                if i >= 5 and time.perf_counter() - began > budget:
                    break
                first, second = (a, ra), (b, rb)
                if i % 2:
                    first, second = second, first
                for site, result in (first, second):
                    status, seconds, sql = site.get(label)
                    result.status = status if result.status == 200 else result.status
                    result.samples.append(seconds)
                    result.sql_samples.append(sql)
            results[label] = (ra, rb)
            common.log(f"flat cost: {label}: {common.fmt_ms(ra.median)} vs {common.fmt_ms(rb.median)}")
    finally:
        a.close()
        b.close()
    flat = FlatResult(small, large, results, iterations=iterations)
    if postgres is not None:
        flat.pg, flat.pg_count = _postgres_plans(postgres, iterations, budget), postgres.count
    print_inbox_plans(flat)
    return flat


def print_inbox_plans(flat: FlatResult) -> None:
    """The inboxes' queries and plans on stderr, so a run shows them without opening the results."""
    for label in INBOXES:
        if label not in flat.pages:
            continue
        sides = [(f"SQLite, {flat.large.count:,} reports", flat.pages[label][1])]
        if flat.pg and label in flat.pg:
            sides.append((f"PostgreSQL, {flat.pg_count:,} reports", flat.pg[label]))
        for where, result in sides:
            common.log(f"EXPLAIN {label} ({where}): {len(result.queries)} queries")
            for q in result.queries:
                print(" ".join(q.sql.split())[:300], file=sys.stderr)
                print("  " + q.plan.replace("\n", "\n  ") + ("\n  " + ", ".join(q.flags) if q.flags else ""),
                      file=sys.stderr)


def _postgres_plans(ds: common.Dataset, iterations: int, budget: float) -> dict[str, PageResult]:
    common.log(f"flat cost: PostgreSQL plans and medians at {ds.count:,} reports")
    site = Site(ds)
    out = {}
    try:
        for label in site.pages:
            r = PageResult(label, site.pages[label][0])
            r.status, r.queries = site.capture(label)
            for _ in range(3):
                site.get(label)
            began = time.perf_counter()
            for i in range(max(5, iterations // 2)):
                if i >= 5 and time.perf_counter() - began > budget / 2:
                    break
                _status, seconds, sql = site.get(label)
                r.samples.append(seconds)
                r.sql_samples.append(sql)
            out[label] = r
    finally:
        site.close()
    return out
