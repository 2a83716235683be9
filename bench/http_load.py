"""Goal 1 (read throughput against a bare Flask "hello world") and goal 5 (worker memory).

Each server runs under gunicorn with the repository's gunicorn.conf.py and is loaded with
``wrk -t2 -c8 -d<N>s --latency`` after a warm-up. The resident memory of every worker is sampled
four times a second during the load and read once more at the end (``/proc/<pid>/status``).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

import common

WRK_THREADS = 2
WRK_CONNECTIONS = 8

_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unparsable wrk time {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass
class WrkResult:
    url: str
    command: str
    rps: float = 0.0
    requests: int = 0
    p50: float | None = None
    p99: float | None = None
    non_2xx: int = 0  # wrk counts responses outside 2xx/3xx; 3xx are checked separately
    socket_errors: int = 0
    raw: str = ""

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def wrk(url: str, duration: float, *, script: str | None = None, record: bool = True) -> WrkResult:
    argv = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{max(1, round(duration))}s", "--latency"]
    if script:
        argv += ["-s", script]
    argv.append(url)
    if record:
        common.record_command(argv)
    out = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=duration + 60).stdout
    result = WrkResult(url=url, command=" ".join(argv), raw=out)
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result.rps = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result.requests = int(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", out, re.M):
        result.p50 = _seconds(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", out, re.M):
        result.p99 = _seconds(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result.non_2xx = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result.socket_errors = sum(int(x) for x in m.groups())
    return result


def report_ids_script(lo: int, hi: int) -> str:
    """A wrk script asking for random report pages, so the database cache is not one row."""
    path = common.OUT / f"report_ids_{lo}_{hi}.lua"
    common.OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"math.randomseed(42)\n"
        f"request = function()\n"
        f"  return wrk.format(\"GET\", \"/reports/\" .. math.random({lo}, {hi}))\n"
        f"end\n")
    return str(path)


@dataclass
class ServerRun:
    """One gunicorn server's read benchmark: one wrk result per endpoint, and its memory."""

    name: str
    database: str | None
    count: int
    loads: dict[str, WrkResult] = field(default_factory=dict)
    status_checks: dict[str, int] = field(default_factory=dict)
    rss_boot_kb: dict[int, int] = field(default_factory=dict)
    rss_end_kb: dict[int, int] = field(default_factory=dict)
    pss_end_kb: dict[int, int] = field(default_factory=dict)
    rss_peak_kb: dict[int, int] = field(default_factory=dict)
    workers_seen: int = 0
    workers_configured: int = 0
    log: str = ""


def _check_status(base: str, path: str) -> int:
    import requests

    return requests.get(base + path, allow_redirects=False, timeout=30).status_code


def run_server(name: str, target: str, env: dict, endpoints: dict[str, tuple[str, str, str | None]], *,
               duration: float, warmup: float, database: str | None = None, count: int = 0,
               pythonpath: str | None = None) -> ServerRun:
    """Start gunicorn, warm every endpoint up, load each in turn, sample worker memory."""
    run = ServerRun(name=name, database=database, count=count)
    log_path = common.OUT / "logs" / f"read-{name}.log"
    log_path.unlink(missing_ok=True)
    run.log = str(log_path.relative_to(common.ROOT))
    server = common.Server(target, env, log_path, pythonpath=pythonpath)
    with server:
        run.workers_configured = len(server.workers())
        run.rss_boot_kb = server.worker_rss_kb()
        for label, (path, probe, script) in endpoints.items():
            # A single request first: wrk counts 3xx as success, the goal wants 200s.
            run.status_checks[label] = _check_status(server.base, probe)
            common.log(f"{name}: warm-up {label} ({warmup:.0f} s)")
            wrk(server.base + path, warmup, script=script, record=False)
            common.log(f"{name}: load {label} ({duration:.0f} s)")
            result = wrk(server.base + path, duration, script=script)
            run.loads[label] = result
            common.log(f"{name}: {label}: {result.rps:,.0f} req/s, p99 {common.fmt_ms(result.p99)}, "
                       f"errors {result.errors}")
        run.rss_end_kb = server.worker_rss_kb()
        run.pss_end_kb = {pid: pss for pid in run.rss_end_kb if (pss := common.read_pss_kb(pid)) is not None}
        run.rss_peak_kb = dict(server.peak_rss_kb)
        run.workers_seen = len(server.seen_workers)
    return run


def read_benchmarks(datasets: list[common.Dataset], *, duration: float, warmup: float) -> list[ServerRun]:
    runs = [run_server("hello", "hello:app", {}, {"hello": ("/", "/", None)}, duration=duration, warmup=warmup,
                       pythonpath=str(common.BENCH))]
    for ds in datasets:
        lo, hi = ds.meta["min_id"], ds.meta["max_id"]
        script = report_ids_script(lo, hi)
        endpoints = {"/reports": ("/reports", "/reports", None),
                     "/reports/<id>": ("/reports/", f"/reports/{(lo + hi) // 2}", script)}
        runs.append(run_server(f"app-{ds.kind}", "wsgi:app", ds.env(), endpoints, duration=duration,
                               warmup=warmup, database=ds.kind, count=ds.count))
    return runs


@dataclass
class SweepPoint:
    workers: int
    threads: int
    load: WrkResult
    rss_peak_mb: float


SWEEP = ((2, 1), (3, 1), (3, 4), (5, 2))


def worker_sweep(ds: common.Dataset, *, duration: float, warmup: float) -> list[SweepPoint]:
    """The feed under other worker/thread counts (GUNICORN_WORKERS/THREADS), to back the choice."""
    points = []
    for workers, threads in SWEEP:
        name = f"sweep-{workers}x{threads}"
        log_path = common.OUT / "logs" / f"{name}.log"
        log_path.unlink(missing_ok=True)
        extra = {"GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)}
        with common.Server("wsgi:app", ds.env(), log_path, extra_env=extra) as server:
            wrk(server.base + "/reports", warmup, record=False)
            result = wrk(server.base + "/reports", duration)
            peak = max(server.peak_rss_kb.values(), default=0) / 1024
        common.log(f"sweep {workers} workers x {threads} threads: {result.rps:,.0f} req/s, "
                   f"p99 {common.fmt_ms(result.p99)}")
        points.append(SweepPoint(workers, threads, result, peak))
    return points
