"""Lighthouse (issue 15): mobile performance of the main pages, median of 3 runs each.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--page home --page feed ...]

Lighthouse (npm, pinned below) is installed once into ``bench/.node`` (git-ignored) with
``npm install --no-audit --no-fund``; it drives Debian Chromium (``CHROME_PATH``, default
``/usr/bin/chromium``) with its mobile defaults (emulated phone, simulated slow 4G and 4× CPU
slowdown). The server is gunicorn with ``gunicorn.conf.py`` in production mode on a free port,
on a fresh SQLite copy of the demo data (``flask demo seed``); the new-report form is loaded
with a logged-in citizen's session cookie (Lighthouse ``extraHeaders``).

Per page: the median performance score of the runs (goal ≥ 95), with LCP, TBT and CLS of the
median run, and the audits that cost it points. ``bench/run.py`` writes the section.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import common

LIGHTHOUSE_VERSION = "13.5.0"
NODE_DIR = common.BENCH / ".node"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update")
SCORE_GOAL = 95
# (key, label, path); a path of None is found in the data (the first public report).
PAGES = (
    ("home", "home", "/"),
    ("feed", "feed", "/reports"),
    ("report", "report page", None),
    ("new-report", "new-report form (logged in)", "/reports/new"),
    ("stats", "statistics", "/stats"),
    ("procedures", "procedures: complaints", "/procedures"),
    ("ask", "answers desk", "/ask"),
    ("reception", "reception", "/reception/"),
    ("business", "business", "/business/"),
    ("alerts", "alerts", "/alerts"),
    ("surveys", "surveys", "/surveys"),
    ("lookups", "lookups", "/lookups/"),
)
@dataclass
class Run:
    score: float
    lcp: float  # ms
    tbt: float  # ms
    cls: float
    findings: list[str] = field(default_factory=list)


@dataclass
class PageResult:
    key: str
    label: str
    path: str
    runs: list[Run] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> Run | None:
        if not self.runs:
            return None
        ordered = sorted(self.runs, key=lambda r: r.score)
        return ordered[len(ordered) // 2]

    @property
    def passed(self) -> bool:
        return self.median is not None and self.median.score >= SCORE_GOAL


@dataclass
class LighthouseResult:
    pages: list[PageResult]
    runs: int
    version: str = LIGHTHOUSE_VERSION
    chromium: str = ""
    load_before: str = ""
    load_after: str = ""


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse into bench/.node unless it is there already."""
    installed = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
    if installed.exists() and json.loads(installed.read_text()).get("version") == LIGHTHOUSE_VERSION:
        return
    if shutil.which("npm") is None:
        raise SystemExit("bench: npm is needed to install Lighthouse (apt-get install -y npm)")
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    argv = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR), f"lighthouse@{LIGHTHOUSE_VERSION}"]
    common.record_command(argv)
    common.log(f"installing lighthouse {LIGHTHOUSE_VERSION} into {NODE_DIR.relative_to(common.ROOT)}")
    subprocess.run(argv, check=True, capture_output=True)


def demo_dataset() -> common.Dataset:
    """A fresh SQLite database with the demo data (the pages of every service have content)."""
    folder = common.WORK / "lighthouse"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ds = common.Dataset("sqlite", 0, f"sqlite:///{folder / 'app.db'}", folder)
    env = {**os.environ, **ds.env(), "APP_ENV": "development", "FLASK_APP": "wsgi.py", "JOBS_IN_PROCESS": "false",
           "JOBS_IMMEDIATE": "true"}
    for argv in (["db", "upgrade"], ["demo", "seed"]):
        full = [str(common.VENV_BIN / "flask"), *argv]
        common.record_command(full, {"APP_ENV": "development"})
        subprocess.run(full, cwd=common.ROOT, env=env, check=True, capture_output=True)
    return ds


def _citizen_cookie(ds: common.Dataset) -> str:
    import sqlalchemy as sa

    from app import create_app
    from app.auth.models import OidcIdentity, User
    from app.extensions import db

    app = create_app(ds.overrides())
    with app.app_context():
        user = db.session.scalar(sa.select(User).join(OidcIdentity, OidcIdentity.user_id == User.id)
                                 .where(OidcIdentity.subject == "demo-citizen-lan"))
        key = user.get_id()
        db.session.remove()
        db.engine.dispose()
    return f"{common.COOKIE_NAME}={common.session_cookie(ds, key)}"


def _first_report(ds: common.Dataset) -> int:
    import sqlalchemy as sa

    from app.reports.models import Report

    engine = common.db_engine(ds)
    with engine.connect() as conn:
        rid = conn.scalar(sa.select(Report.id).where(Report.hidden.is_(False)).order_by(Report.id.desc()))
    engine.dispose()
    return rid


def _findings(report: dict) -> list[str]:
    """The performance audits (Lighthouse 13: mostly "insights") that scored under 0.9, with the
    first few resources or elements each names."""
    out = []
    for ref in report["categories"]["performance"]["auditRefs"]:
        audit = report["audits"].get(ref["id"]) or {}
        if ref.get("group") == "metrics" or audit.get("score") is None or audit["score"] >= 0.9:
            continue
        shown = audit.get("displayValue") or ""
        items = (audit.get("details") or {}).get("items") or []
        if not isinstance(items, list):
            items = []
        # Insights nest their tables: {"type": "list", "items": [{"type": "table", "items": [...]}]}.
        items = [sub for item in items for sub in (item.get("items") or [] if isinstance(item, dict) and
                                                   item.get("type") == "table" else [item])]
        names = []
        for item in items[:3]:
            if isinstance(item, dict):
                name = item.get("url") or (item.get("node") or {}).get("selector") or item.get("label") or ""
                names.append(str(name).replace("http://127.0.0.1", "").split("?")[0][-60:])
        names = [n for n in names if n]
        out.append(f"{ref['id']}{' (' + shown + ')' if shown else ''}{': ' + ', '.join(names) if names else ''}")
    return out


def lighthouse_once(url: str, headers: dict | None, out: Path) -> Run:
    """One Lighthouse run; the full report stays in ``out`` (JSON)."""
    argv = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--only-categories=performance",
            "--quiet", f"--chrome-flags={CHROME_FLAGS}"]
    if headers:
        argv.append(f"--extra-headers={json.dumps(headers)}")
    shown = [a if not a.startswith("--extra-headers") else "--extra-headers='{\"Cookie\": …}'" for a in argv]
    common.record_command(shown, {"CHROME_PATH": CHROME})
    subprocess.run(argv, check=True, capture_output=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROME})
    report = json.loads(out.read_text())
    audits = report["audits"]
    return Run(score=round((report["categories"]["performance"]["score"] or 0) * 100),
               lcp=audits["largest-contentful-paint"]["numericValue"],
               tbt=audits["total-blocking-time"]["numericValue"],
               cls=audits["cumulative-layout-shift"]["numericValue"], findings=_findings(report))


def run(runs: int = 3, only: list[str] | None = None) -> LighthouseResult:
    """Lighthouse on every page of :data:`PAGES` (or ``only`` those keys), ``runs`` times each."""
    ensure_lighthouse()
    if not Path(CHROME).exists():
        raise SystemExit(f"bench: no Chromium at {CHROME} (apt-get install -y chromium)")
    version = subprocess.run([CHROME, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    result = LighthouseResult(pages=[], runs=runs, chromium=version, load_before=common.machine()["load"])
    common.log("lighthouse: seeding the demo data")
    ds = demo_dataset()
    cookie = _citizen_cookie(ds)
    report_path = f"/reports/{_first_report(ds)}"
    reports = common.OUT / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    with common.Server("wsgi:app", ds.env(), common.OUT / "logs" / "lighthouse-gunicorn.log") as server:
        for key, label, path in PAGES:
            if only and key not in only:
                continue
            page = PageResult(key, label, path or report_path)
            headers = {"Cookie": cookie} if key == "new-report" else None
            # One unmeasured load first: the server's first render of a page fills its caches.
            subprocess.run(["curl", "-s", "-o", "/dev/null", "-H", f"Cookie: {cookie}", server.base + page.path],
                           check=False)
            for i in range(runs):
                # Lighthouse now and then fails to record a trace (NO_NAVSTART): one more try.
                for attempt in (1, 2):
                    try:
                        page.runs.append(lighthouse_once(server.base + page.path, headers,
                                                         reports / f"{key}-{i + 1}.json"))
                        break
                    except (subprocess.SubprocessError, KeyError, ValueError, TypeError) as e:
                        stderr = getattr(e, "stderr", b"") or b""
                        page.error = (f"run {i + 1}, try {attempt}: {type(e).__name__} "
                                      f"{stderr.decode(errors='replace')[-200:]}").strip()
            m = page.median
            common.log(f"lighthouse {label}: " + (f"{m.score:.0f} (runs {[r.score for r in page.runs]})" if m
                                                  else "no run") + (f"; failed: {page.error}" if page.error else ""))
            result.pages.append(page)
    result.load_after = common.machine()["load"]
    return result


def render(w, r: LighthouseResult) -> None:
    """The RESULTS.md section (``w`` appends a line)."""
    w(f"## Lighthouse (goal: mobile performance ≥ {SCORE_GOAL}, median of {r.runs} runs)\n")
    w(f"Lighthouse {r.version} (npm, in `bench/.node`), {r.chromium or 'Chromium'} headless, mobile defaults "
      "(emulated phone, simulated slow 4G, 4× CPU slowdown), performance category only, against gunicorn "
      "(`gunicorn.conf.py`, production mode) on the demo data (`flask demo seed`, SQLite); one unmeasured load of "
      f"each page first. Load average of the shared machine: {r.load_before} before, {r.load_after} after: "
      "Lighthouse's simulated times scale with the CPU it gets, so a busy machine costs points.\n")
    w("| page | median score | runs | LCP | TBT | CLS | result |")
    w("|---|---:|---|---:|---:|---:|---|")
    for p in r.pages:
        m = p.median
        if m is None:
            w(f"| {p.label} (`{p.path}`) | – | – | – | – | – | **MISS** ({p.error}) |")
            continue
        w(f"| {p.label} (`{p.path}`) | {m.score:.0f} | {', '.join(f'{x.score:.0f}' for x in p.runs)} | "
          f"{m.lcp / 1000:.2f} s | {m.tbt:.0f} ms | {m.cls:.3f} | {'PASS' if p.passed else '**MISS**'} |")
    misses = [p for p in r.pages if not p.passed and p.median is not None]
    if misses:
        w("\n**What costs the points** (audits under 0.9 in the median run):\n")
        for p in misses:
            w(f"- {p.label}: " + ("; ".join(p.median.findings) or "no single audit stands out: the "
                                  "simulated CPU and network costs add up") + ".")
        moved = [p.label for p in r.pages if p.median and any(f.startswith("layout-shifts")
                                                                and "body > main#main" in f for f in p.median.findings)]
        if moved:
            w(f"\nOn {len(moved)} of {len(r.pages)} pages the whole `<main>` moves down after the first paint: "
              "something above it, in the header, grows late. The header's only late content is the install "
              "button that `pwa.js` shows when the browser offers the app (`beforeinstallprompt`), and "
              "headless Chromium offers it at a varying moment. The fix is in `base.html`/`app.css`: reserve "
              "the button's space (`visibility: hidden` instead of `hidden`) or show it out of the flow.")
    w("")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", action="append", choices=[k for k, _l, _p in PAGES], help="only this page")
    args = parser.parse_args()
    result = run(args.runs, args.page)
    lines: list[str] = []
    render(lines.append, result)
    print("\n".join(lines))
    return 0 if all(p.passed for p in result.pages) else 1


if __name__ == "__main__":
    sys.exit(main())
