"""Measured quality (issue 6): run every benchmark and write bench/RESULTS.md.

    make bench                              # full scale, about 10 minutes on 2 cores
    .venv/bin/python bench/run.py --quick   # small scale for development (bench/out/RESULTS-quick.md)
    .venv/bin/python bench/run.py --only flat --output bench/out/RESULTS-flat.md   # one part

Goals (ratios against a baseline measured in the same run, since the machine is shared):
1. read throughput of /reports and /reports/<id> under gunicorn ≥ 30 % of a bare Flask
   "hello world" served the same way, p99 ≤ 50 ms at 8 connections, no errors (SQLite, PostgreSQL);
2. median latency of the main pages at 1,000,000 reports ≤ 1.5 × at 10,000, with query plans; the city
   admin's inbox also ≤ 100 ms (issue 15);
3. 16 concurrent clients filing reports for 30 s: no errors, no "database is locked", rows = successes;
4. kill -9 during the write load loses nothing acknowledged; 1,000 replays of one submission = 1 report;
5. every gunicorn worker under 150 MB resident after the read benchmark.

Nothing is installed here: wrk, gunicorn and a PostgreSQL server must be there already.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import alert_load
import common
import crash_check
import http_load
import latency
import lighthouse
import writes

# The threads per worker that gunicorn.conf.py gives (GUNICORN_THREADS, default 1).
GUNICORN_THREADS = int(os.environ.get("GUNICORN_THREADS", 1))

RATIO_GOAL = 0.30
P99_GOAL = 0.050
FLAT_GOAL = 1.5
ADMIN_INBOX_GOAL = 0.100  # seconds: the city admin's inbox at the large size, in-process
RSS_GOAL_MB = 150


PARTS = ("reads", "sweep", "flat", "writes", "crash", "alerts", "lighthouse", "profile")


@dataclass
class Scale:
    read_count: int
    flat_small: int
    flat_large: int
    read_seconds: float
    warmup_seconds: float
    flat_iterations: int
    write_seconds: float
    crash_load_seconds: float
    replays: int
    sweep_seconds: float
    flat_budget: float  # seconds per page pair at most (slow pages get fewer rounds)


FULL = Scale(100_000, 10_000, 1_000_000, 15, 5, 60, 30, 10, 1000, 6, 15)
QUICK = Scale(2_000, 2_000, 20_000, 3, 1, 10, 5, 4, 1000, 2, 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small scale: 2k/20k reports, 3 s loads")
    parser.add_argument("--output", type=Path, help="results file (default bench/RESULTS.md, or "
                        "bench/out/RESULTS-quick.md with --quick)")
    parser.add_argument("--skip", action="append", default=[], choices=PARTS,
                        help="leave out a part (repeatable); the results say so")
    parser.add_argument("--only", action="append", default=[], choices=PARTS,
                        help="run only this part (repeatable); the others count as left out")
    args = parser.parse_args()
    if args.only:
        args.skip = [part for part in PARTS if part not in args.only]
    scale = QUICK if args.quick else FULL
    output = (args.output or (common.OUT / "RESULTS-quick.md" if args.quick else common.BENCH / "RESULTS.md")).resolve()

    common.require_tools(wrk=bool({"reads", "sweep"} - set(args.skip)))
    started = time.time()
    machine_before = common.machine()
    timings: dict[str, float] = {}

    def stage(name: str):
        timings[name] = time.perf_counter()

    def done(name: str):
        timings[name] = time.perf_counter() - timings[name]
        common.log(f"{name}: {timings[name]:.0f} s")

    stage("databases")
    # The flat-cost part needs only its two SQLite sizes and PostgreSQL's plans.
    read_sqlite = common.dataset("sqlite", scale.read_count) if set(PARTS) - set(args.skip) - {"flat"} else None
    read_pg = common.dataset("postgresql", scale.read_count)
    flat_small = common.dataset("sqlite", scale.flat_small) if "flat" not in args.skip else None
    flat_large = common.dataset("sqlite", scale.flat_large) if "flat" not in args.skip else None
    done("databases")

    reads = flat = sweep = None
    write_runs: list[writes.WriteRun] = []
    crash_runs: list[tuple[crash_check.CrashRun, crash_check.ReplayRun]] = []
    if "reads" not in args.skip:
        stage("reads")
        reads = http_load.read_benchmarks([read_sqlite, read_pg], duration=scale.read_seconds,
                                          warmup=scale.warmup_seconds)
        done("reads")
    if "sweep" not in args.skip:
        stage("sweep")
        sweep = http_load.worker_sweep(read_sqlite, duration=scale.sweep_seconds, warmup=min(2, scale.warmup_seconds))
        done("sweep")
    if "flat" not in args.skip:
        stage("flat")
        flat = latency.flat_cost(flat_small, flat_large, iterations=scale.flat_iterations,
                                 budget=scale.flat_budget, postgres=read_pg)
        done("flat")
    if "writes" not in args.skip:
        stage("writes")
        write_runs = [writes.concurrent_writes(ds, duration=scale.write_seconds) for ds in (read_sqlite, read_pg)]
        done("writes")
    if "crash" not in args.skip:
        stage("crash")
        crash_runs = [crash_check.check_database(ds, scale.crash_load_seconds, scale.replays)
                      for ds in (read_sqlite, read_pg)]
        done("crash")

    sections = []
    if "alerts" not in args.skip:
        stage("alerts")
        sections.append(run_alert_load(read_pg, args.quick))
        done("alerts")
    if "lighthouse" not in args.skip:
        stage("lighthouse")
        sections.append(run_lighthouse(args.quick))
        done("lighthouse")
    text = render(args, scale, machine_before, common.machine(), started, timings, reads, flat, write_runs,
                  crash_runs, sweep, sections=sections)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    common.log(f"wrote {os.path.relpath(output, common.ROOT)} in {time.time() - started:.0f} s")
    if "profile" not in args.skip and output == (common.BENCH / "RESULTS.md").resolve():
        # Page profiles and budgets (issue 15, point 2): their own script adds its section to the file.
        stage("profile")
        subprocess.run([sys.executable, str(common.BENCH / "profile_pages.py"), "--label", "make bench",
                        "--cached", "--write"], check=True)
        done("profile")
    print(summary_lines(reads, flat, write_runs, crash_runs))
    return 0


# --- evaluation ----------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "PASS" if ok else "**MISS**"


def read_rows(reads: list[http_load.ServerRun]) -> list[dict]:
    hello = reads[0].loads["hello"]
    rows = []
    for run in reads[1:]:
        for label, load in run.loads.items():
            ratio = load.rps / hello.rps if hello.rps else 0.0
            status = run.status_checks.get(label)
            ok_ratio, ok_p99 = ratio >= RATIO_GOAL, load.p99 is not None and load.p99 <= P99_GOAL
            ok_errors = load.errors == 0 and status == 200
            why = []
            if not ok_ratio:
                why.append(f"{ratio:.1%} of hello world, {RATIO_GOAL - ratio:.1%} short")
            if not ok_p99:
                why.append(f"p99 {common.fmt_ms(load.p99)} is {load.p99 / P99_GOAL:.1f}× the 50 ms goal")
            if not ok_errors:
                why.append(f"{load.non_2xx} non-2xx, {load.socket_errors} socket errors, first answer {status}")
            rows.append({"db": run.database, "label": label, "load": load, "ratio": ratio, "status": status,
                         "ok": ok_ratio and ok_p99 and ok_errors, "why": "; ".join(why)})
    return rows


def memory_rows(reads: list[http_load.ServerRun]) -> list[dict]:
    rows = []
    for run in reads:
        peak = max(run.rss_peak_kb.values(), default=0) / 1024
        end = sorted(v / 1024 for v in run.rss_end_kb.values())
        boot = sorted(v / 1024 for v in run.rss_boot_kb.values())
        pss = sorted(v / 1024 for v in run.pss_end_kb.values())
        ok = peak < RSS_GOAL_MB and all(e < RSS_GOAL_MB for e in end)
        rows.append({"run": run, "peak": peak, "end": end, "boot": boot, "pss": pss, "ok": ok})
    return rows


def flat_ok(label: str, small, large) -> bool:
    """The flat-cost goal of a page; the city admin's inbox must also stay under 100 ms."""
    ratio = large.median / small.median if small.median else float("inf")
    ok = ratio <= FLAT_GOAL and small.status == large.status == 200
    if label == latency.ADMIN_INBOX:
        ok = ok and large.median <= ADMIN_INBOX_GOAL
    return ok


def flat_explanation(label: str, small, large, flat: latency.FlatResult) -> str:
    ratio = large.median / small.median
    added = large.median - small.median
    added_sql = (large.sql_median or 0) - (small.sql_median or 0)
    parts = [f"{ratio:.2f}× ({ratio - FLAT_GOAL:+.2f} over the goal)" if ratio > FLAT_GOAL else f"{ratio:.2f}×"]
    if label == latency.ADMIN_INBOX and large.median > ADMIN_INBOX_GOAL:
        parts.append(f"{common.fmt_ms(large.median)} at {flat.large.count:,}, over the 100 ms goal")
    parts.append(f"of the {common.fmt_ms(added)} added, {common.fmt_ms(added_sql)} is SQL "
                 f"({common.fmt_ms(small.sql_median)} → {common.fmt_ms(large.sql_median)}) and the rest Python")
    flags = sorted({f.removeprefix("⚠ ") for q in large.queries for f in q.flags})
    if flags:
        parts.append("plan at the large size: " + ", ".join(flags))
    if label == latency.OFFICIAL_INBOX:
        a, b = flat.small.meta["busiest_ward_open"], flat.large.meta["busiest_ward_open"]
        if min(a, 50) < min(b, 50):
            parts.append(f"the page itself grows: the busiest ward has {a:,} open reports at {flat.small.count:,} "
                         f"and {b:,} at {flat.large.count:,}, so the inbox lists {min(a, 50)} rows against "
                         f"{min(b, 50)} (a page holds 50; the Python part is rendering those rows)")
    return "; ".join(parts)


# --- the results file ----------------------------------------------------------------------

def run_alert_load(read_pg: common.Dataset, quick: bool):
    """Issue 15's alert under load on the PostgreSQL read database; returns its section writer."""
    result = alert_load.run(read_pg, subscribers=5_000 if quick else 50_000, seconds=15 if quick else 60,
                            drain_timeout=60 if quick else 600)
    return lambda w: alert_load.render(w, result)


def run_lighthouse(quick: bool):
    """Issue 15's Lighthouse runs (one run per page with --quick, else the median of 3)."""
    result = lighthouse.run(runs=1 if quick else 3)
    return lambda w: lighthouse.render(w, result)


def render(args, scale: Scale, m0: dict, m1: dict, started: float, timings: dict, reads, flat, write_runs,
           crash_runs, sweep, sections=()) -> str:
    out: list[str] = []
    w = out.append
    when = time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started))
    w("# Benchmark results (issue 6: measured quality)\n")
    w(f"- **Date**: {when}; total {time.time() - started:.0f} s "
      f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})")
    w(f"- **Machine**: {m0['cores']} cores ({m0['cpu']}), {m0['memory_gb']} GB memory, Linux {m0['kernel']}, "
      f"Python {m0['python']}; load average {m0['load']} at the start, {m1['load']} at the end "
      "(the machine is shared: ratios are taken against a baseline measured in the same run)")
    w(f"- **Scale**: {'QUICK (development numbers, not the goals’ scale)' if args.quick else 'full'}; "
      f"reads on {scale.read_count:,} reports, flat cost {scale.flat_small:,} vs {scale.flat_large:,}, "
      f"wrk {scale.read_seconds:.0f} s after a {scale.warmup_seconds:.0f} s warm-up, writes "
      f"{scale.write_seconds:.0f} s")
    w(f"- **Run**: `{'.venv/bin/python bench/run.py' + (' --quick' if args.quick else '')}` "
      "(`make bench` for the full scale); the crash/replay check alone: `.venv/bin/python bench/crash_check.py "
      "--quick` (SQLite, in `.ci/run`)")
    w("- **Server**: gunicorn with the repository's `gunicorn.conf.py`: `gthread` workers, "
      f"`workers = cores + 1` ({(m0['cores'] or 1) + 1} on this machine), {GUNICORN_THREADS} thread(s) each, "
      "`max_requests` 100,000 ± 10,000, access log on; "
      "`APP_ENV=production` with SECRET_KEY, DATA_KEY, DATABASE_URL, INSTANCE_PATH and UPLOAD_FOLDER "
      "pointing at the benchmark's copy. Why: the requests are CPU-bound Python (template rendering), so "
      "one process per core plus one keeps both cores busy while a worker waits on the database or the "
      "disk (photo fsyncs), and the threads of each worker cover those waits; more processes only add "
      "memory on 2 cores. Requests are sent without `Accept-Encoding` (no compression by the app).")
    w("")
    if reads:
        _render_reads(w, reads, flat)
    if sweep:
        _render_sweep(w, sweep, reads)
    if flat:
        _render_flat(w, flat)
    if write_runs:
        _render_writes(w, write_runs)
    if crash_runs:
        _render_crash(w, crash_runs)
    if reads:
        _render_memory(w, reads)
    for section in sections:
        section(w)
    skipped = ", ".join(args.skip)
    if skipped:
        w(f"\n_Not run this time_: {skipped}.\n")
    w("## Commands\n")
    w("Secrets are elided; `GUNICORN_BIND` is a free port chosen per run.\n")
    w("```")
    out.extend(common.COMMANDS)
    w("```\n")
    return "\n".join(out) + "\n"


def _render_reads(w, reads, flat) -> None:
    hello = reads[0].loads["hello"]
    w("## 1. Read throughput (goal: ≥ 30 % of hello world, p99 ≤ 50 ms at 8 connections, no errors)\n")
    w(f"Baseline: bare Flask hello world (`bench/hello.py`) under the same gunicorn settings: "
      f"**{hello.rps:,.0f} req/s**, p50 {common.fmt_ms(hello.p50)}, p99 {common.fmt_ms(hello.p99)}, "
      f"{hello.errors} errors. Load: `wrk -t2 -c8 -d<N>s --latency`; `/reports/<id>` asks for random ids of "
      f"the {reads[1].count:,} reports (a wrk script). wrk itself runs on the same 2 cores.\n")
    w("| database | page | req/s | vs hello | p50 | p99 | errors | result |")
    w("|---|---|---:|---:|---:|---:|---:|---|")
    for r in read_rows(reads):
        load = r["load"]
        w(f"| {r['db']} | `{r['label']}` | {load.rps:,.1f} | {r['ratio']:.1%} | {common.fmt_ms(load.p50)} | "
          f"{common.fmt_ms(load.p99)} | {load.errors} | {verdict(r['ok'])} |")
    misses = [r for r in read_rows(reads) if not r["ok"]]
    if misses:
        w("\n**Why it misses.** " + " ".join(f"{r['db']} `{r['label']}`: {r['why']}." for r in misses))
        text = ("\nVisitors' pages come from the page cache (`app/core/pagecache.py`: rendered once per URL, "
                "locale and version of what the page shows, in each worker's memory here as no `REDIS_URL` is "
                "set): a hit costs about a hello world plus compressing nothing (requests are sent without "
                "`Accept-Encoding`). The feed is one URL, so nearly every request is a hit; `/reports/<id>` asks "
                "for random ids among 100,000, so nearly every request is a miss that renders the page once per "
                "worker, which is why it stays far below the feed.")
        if flat:
            feed, page = flat.pages["feed, first page"][1], flat.pages["report page"][1]
            text += (f" Rendered (section 2, cache off), the feed costs {common.fmt_ms(feed.median)} "
                     f"of which {common.fmt_ms(feed.sql_median)} in SQLite, a report page "
                     f"{common.fmt_ms(page.median)} of which {common.fmt_ms(page.sql_median)}: the time is "
                     "Python rendering, not queries.")
        text += (" The p99 of a shared 2-core machine follows the other work on it: 8 connections share the "
                 "cores with wrk, so a request that meets a miss (a render) or another process waits for "
                 "several others; compare the hello world's own p99 in the same run.")
        w(text)
    w("")


def _render_sweep(w, sweep: list[http_load.SweepPoint], reads) -> None:
    w("### Worker class and count on 2 cores\n")
    w("The feed (`/reports`, SQLite) under other counts of `gthread` workers and threads "
      "(`GUNICORN_WORKERS`, `GUNICORN_THREADS`), same wrk load, shorter runs:\n")
    w("| workers × threads | req/s | p50 | p99 | errors | peak RSS per worker |")
    w("|---|---:|---:|---:|---:|---:|")
    for p in sweep:
        mark = " (gunicorn.conf.py)" if (p.workers, p.threads) == (3, GUNICORN_THREADS) else ""
        w(f"| {p.workers} × {p.threads}{mark} | {p.load.rps:,.1f} | {common.fmt_ms(p.load.p50)} | "
          f"{common.fmt_ms(p.load.p99)} | {p.load.errors} | {p.rss_peak_mb:.0f} MB |")
    best = max(sweep, key=lambda p: p.load.rps)
    w(f"\nBest throughput here: {best.workers} × {best.threads}. Differences of a few percent are within the "
      "noise of a shared machine; more processes cost a full worker of memory each.\n")


def _render_memory(w, reads) -> None:
    w(f"## 5. Memory (goal: each gunicorn worker < {RSS_GOAL_MB} MB resident after the read benchmark)\n")
    w("VmRSS from `/proc/<pid>/status` of every worker: right after boot, sampled 4×/s during the load (peak) "
      "and at the end; PSS (`/proc/<pid>/smaps_rollup`, shared pages split between the processes sharing "
      "them) at the end for the memory the workers really add up to. Workers recycled by `max_requests` "
      "during the run are counted in \"seen\".\n")
    w("| server | workers (seen) | RSS after boot | peak RSS | RSS at the end | PSS at the end | result |")
    w("|---|---:|---|---:|---|---|---|")

    def mbs(values):
        return ", ".join(f"{v:.0f}" for v in values) + " MB" if values else "–"

    for r in memory_rows(reads):
        run = r["run"]
        w(f"| {run.name} | {run.workers_configured} ({run.workers_seen}) | {mbs(r['boot'])} | {r['peak']:.0f} MB | "
          f"{mbs(r['end'])} | {mbs(r['pss'])} | {verdict(r['ok']) if run.name != 'hello' else 'baseline'} |")
    app_rows = [r for r in memory_rows(reads) if r["run"].name != "hello"]
    if app_rows:
        boot = max((b for r in app_rows for b in r["boot"]), default=0)
        peak = max(r["peak"] for r in app_rows)
        w(f"\nMost of a worker is the imported code: {boot:.0f} MB right after boot, before any request "
          f"(Flask, SQLAlchemy, Alembic via Flask-Migrate, Authlib, pywebpush/cryptography, Pillow, huey, "
          f"redis, Babel); serving adds {peak - boot:.0f} MB at most. "
          + ("That leaves little room under 150 MB: a heavier page or a new dependency can cross it."
             if peak > RSS_GOAL_MB * 0.9 else ""))
    w("")


def _render_flat(w, flat: latency.FlatResult) -> None:
    s, big = flat.small.count, flat.large.count
    w(f"## 2. Flat cost (goal: median at {big:,} reports ≤ {FLAT_GOAL}× the median at {s:,}; the city admin's "
      f"inbox also ≤ {ADMIN_INBOX_GOAL * 1000:.0f} ms)\n")
    w(f"In-process (Flask test client, production settings with the page cache off so that every request "
      f"renders, SQLite), both databases open in the same process "
      f"and asked in alternation, up to {flat.iterations} rounds after a warm-up (fewer, at least 5, for a page "
      f"that takes long). \"SQL\" is the part of the median spent in the database driver (SQLAlchemy cursor "
      f"events). The official is a ward official of the ward with the most reports "
      f"(#{flat.large.meta['busiest_ward']}, {flat.large.meta['busiest_ward_reports']:,} reports at {big:,}, "
      f"{flat.large.meta['busiest_ward_open']:,} of them open; {flat.small.meta['busiest_ward_open']:,} open "
      f"at {s:,}).\n")
    w(f"| page | median at {s:,} (SQL) | median at {big:,} (SQL) | rounds | ratio | result |")
    w("|---|---:|---:|---:|---:|---|")
    misses = []
    for label, (a, b) in flat.pages.items():
        ratio = b.median / a.median if a.median else float("inf")
        ok = flat_ok(label, a, b)
        if not ok:
            misses.append((label, a, b))
        result = verdict(ok)
        w(f"| {label} (`{a.path}`) | {common.fmt_ms(a.median)} ({common.fmt_ms(a.sql_median)}) | "
          f"{common.fmt_ms(b.median)} ({common.fmt_ms(b.sql_median)}) | {len(b.samples)} | {ratio:.2f}× | "
          f"{result} |")
    for label, a, b in misses:
        status = "" if a.status == b.status == 200 else f" (answers {a.status}/{b.status})"
        w(f"\n- **{label}** misses{status}: {flat_explanation(label, a, b, flat)}.")
    w("\nThe inboxes (issue 15): a page is read by keyset, one query per unit and status, each taking at most "
      "a page's rows from an inbox index in deadline order (`ix_cases_ward_inbox`, `ix_cases_agency_inbox`, "
      "`ix_cases_status_due`, all ending in `due_at, id`); the status counts are summed from the `case_counts` "
      "counters kept by the engine (`app/cases/counts.py`), not counted over the cases. The plans below show "
      "no sort and no scan of the open cases.")
    if flat.pg:
        w(f"\nPostgreSQL at {flat.pg_count:,} reports, for reference (no goal): " + ", ".join(
            f"{label} {common.fmt_ms(r.median)} (SQL {common.fmt_ms(r.sql_median)})" for label, r in flat.pg.items())
          + ".")
    w(f"\n### Query plans\n\nEvery SELECT a page runs, with SQLite's `EXPLAIN QUERY PLAN` at {big:,} reports"
      + (f" and PostgreSQL's `EXPLAIN` at {flat.pg_count:,}" if flat.pg else "") + ". Findings (full scans or "
      "sorts of a table that grows with the reports) are marked ⚠.\n")
    for label, (_a, b) in flat.pages.items():
        pg = flat.pg.get(label) if flat.pg else None
        warn = any(f.startswith("⚠") for q in [*b.queries, *(pg.queries if pg else [])] for f in q.flags)
        w(f"<details><summary>{label} — {len(b.queries)} queries{' ⚠' if warn else ''}</summary>\n")
        for i, q in enumerate(b.queries):
            w(f"**{i + 1}.** {', '.join(q.flags)}\n")
            w("```sql\n" + _short_sql(q.sql) + "\n```")
            w("SQLite:\n```\n" + q.plan + "\n```")
            pq = _matching(pg, i, q) if pg else None
            if pq is not None:
                w(f"PostgreSQL{': ' + ', '.join(pq.flags) if pq.flags else ''}:\n```\n" + pq.plan + "\n```")
        w("</details>\n")


def _short_sql(sql: str) -> str:
    """The column list of an ORM SELECT is long and says nothing about the plan."""
    import re

    return re.sub(r"^SELECT (.{120}).*? FROM ", lambda m: f"SELECT {m.group(1)}… FROM ", " ".join(sql.split()),
                  count=1)


def _matching(pg: latency.PageResult, index: int, q: latency.Query):
    """The PostgreSQL query in the same place of the page (the texts differ by dialect)."""
    def table(sql: str) -> str | None:
        sql = " ".join(sql.split())
        return sql.split(" FROM ", 1)[1].split()[0] if " FROM " in sql else None

    candidates = [p for p in pg.queries if table(q.sql) and table(p.sql) == table(q.sql)]
    if index < len(pg.queries) and pg.queries[index] in candidates:
        return pg.queries[index]
    return candidates[0] if candidates else None


def _render_writes(w, runs: list[writes.WriteRun]) -> None:
    w("## 3. Concurrent writes (goal: no errors, no \"database is locked\", rows = successful responses)\n")
    w(f"{runs[0].clients} threads, one logged-in citizen and one keep-alive `requests` session each, `POST "
      "/reports/new` (multipart: category, description, ward, a 400×300 JPEG, submission id, CSRF token) in a "
      "loop against gunicorn; success = the app's 303 to the new report. Then the rows filed over HTTP are "
      "counted, every acknowledged report is looked up with its photo files, and the server log is searched. "
      "Each thread files a report about every half second, far past a real person's photo quota "
      "(`PHOTO_UPLOAD_LIMIT`, 60 an hour per account, answered with 422): the quota is lifted for this run, "
      "which is about the database under concurrent writes.\n")
    w("| database | workers | seconds | successes | reports/s | p50 / max latency | errors | \"database is "
      "locked\" | tracebacks | rows | result |")
    w("|---|---:|---:|---:|---:|---|---|---:|---:|---:|---|")
    for r in runs:
        lat = sorted(r.load.latencies)
        p50 = lat[len(lat) // 2] if lat else None
        errors = ", ".join(f"{k}: {v}" for k, v in r.load.errors.items()) or "0"
        w(f"| {r.kind} | {r.workers} | {r.load.seconds:.0f} | {r.successes:,} | {r.rate:.1f} | "
          f"{common.fmt_ms(p50)} / {common.fmt_ms(lat[-1] if lat else None)} | {errors} | "
          f"{r.log_findings['database is locked']} | {r.log_findings['Traceback']} | {r.check.rows:,} | "
          f"{verdict(r.passed)} |")
    for r in runs:
        if not r.passed:
            w(f"\n- **{r.kind}** misses: errors {dict(r.load.errors)}, log {r.log_findings}, rows {r.check.rows} "
              f"vs {r.successes} successes, missing {r.check.missing_reports[:10]}, photos missing "
              f"{r.check.missing_photos[:10]}, bad files {r.check.bad_files[:5]}, integrity {r.check.integrity}; "
              f"see `{r.log}`.")
    w("")


def _render_crash(w, runs) -> None:
    w("## 4. Crash safety (goal: nothing acknowledged is lost; one report per submission id)\n")
    w("The same write load as in section 3 on a fresh copy; after a few seconds `kill -9` goes to gunicorn's "
      "process group (master and every worker) while POSTs are in flight, gunicorn is started again on the "
      "same files, and every report whose POST got the 303 is looked up with its photo rows and photo files "
      "(each opened and verified with Pillow); the restarted server must show the last ten with their "
      "thumbnails. Then one POST with one submission id is sent 1,000 times by 16 threads (the first 16 "
      "released together).\n")
    w("| database | acknowledged before the kill | in flight at the kill | lost | photo problems | "
      "integrity_check | processes left | restarted server | result |")
    w("|---|---:|---:|---:|---:|---|---:|---|---|")
    for c, _r in runs:
        ch = c.check or writes.Check()
        lost = len(ch.missing_reports) + len(ch.wrong_submission)
        served = f"{c.served} reports and thumbnails served" + (f"; {c.served_errors}" if c.served_errors else "")
        w(f"| {c.kind} | {c.acknowledged:,} | {c.in_flight} | {lost} | {len(ch.missing_photos) + len(ch.bad_files)} | "
          f"{ch.integrity or 'n/a (PostgreSQL)'} | {len(c.survivors)} | {served} | {verdict(c.passed)} |")
    w("\n| database | replayed POSTs | seconds | answers | reports with that submission id | result |")
    w("|---|---:|---:|---|---:|---|")
    for _c, r in runs:
        answers = ", ".join(f"{k}: {v}" for k, v in r.statuses.items())
        w(f"| {r.kind} | {r.posts:,} | {r.seconds:.1f} | {answers} | {r.reports} | {verdict(r.passed)} |")
    for c, r in runs:
        if not (c.passed and r.passed):
            w(f"\n- **{c.kind}** misses: {crash_check.summary([(c, r)])[1]}")
    w("\nWhat this does not cover: `kill -9` ends processes, not the machine, so what the operating system "
      "had accepted survives. A power cut is stricter: photos are fsynced before the 303 "
      "(`LocalStorage.save`), but SQLite runs with `journal_mode=WAL` and `synchronous=NORMAL` "
      "(`app/core/database.py`), with which SQLite documents that the last transactions committed before a "
      "power loss may roll back; `synchronous=FULL` would make every acknowledged report durable at the cost "
      "of one more fsync per commit. PostgreSQL's defaults (`fsync`, `synchronous_commit=on`) are durable.")
    w("")


def summary_lines(reads, flat, write_runs, crash_runs) -> str:
    lines = []
    if reads:
        for r in read_rows(reads):
            lines.append(f"goal 1 {r['db']} {r['label']}: {r['load'].rps:,.0f} req/s = {r['ratio']:.1%} of hello, "
                         f"p99 {common.fmt_ms(r['load'].p99)}, errors {r['load'].errors}: "
                         f"{'PASS' if r['ok'] else 'MISS'}")
    if flat:
        for label, (a, b) in flat.pages.items():
            ratio = b.median / a.median
            verdict_text = "PASS" if flat_ok(label, a, b) else "MISS"
            lines.append(f"goal 2 {label}: {common.fmt_ms(a.median)} -> {common.fmt_ms(b.median)} = {ratio:.2f}x: "
                         f"{verdict_text}")
    for r in write_runs:
        lines.append(f"goal 3 {r.kind}: {r.successes} reports, {r.rate:.1f}/s, errors {dict(r.load.errors)}, "
                     f"locked {r.log_findings['database is locked']}, rows {r.check.rows}: "
                     f"{'PASS' if r.passed else 'MISS'}")
    if crash_runs:
        lines.append("goal 4 " + crash_check.summary(crash_runs)[1])
    if reads:
        for r in memory_rows(reads):
            lines.append(f"goal 5 {r['run'].name}: peak {r['peak']:.0f} MB: {'PASS' if r['ok'] else 'MISS'}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
