"""Where a page's time goes (issue 15, point 2): pyinstrument on the feed, a report page and an
official's inbox, in-process, with the page cache off (every request renders).

    .venv/bin/python bench/profile_pages.py --label before      # measure, keep the medians
    .venv/bin/python bench/profile_pages.py --label after --write
                                                                # …and write the section of RESULTS.md

The database is the benchmark's cached SQLite database (``--count`` reports, generated once by
``generate_reports.py``). Each page gets a warm-up, then ``--rounds`` timed requests (median),
then the same number under pyinstrument; the frames of our own code with the most time are listed.
Medians of every ``--label`` run are kept in ``bench/out/profile_pages.json`` so the section
shows them side by side. With ``--cached``, the visitors' pages are also timed with the page cache
on (a hit: no rendering, no query). Only this section of RESULTS.md is rewritten.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict

import common

SECTION = "## Page profiles (issue 15: cheaper rendering)"
STORE = common.OUT / "profile_pages.json"
TOP = 15

# What the profiles showed and what was done about it (kept by hand: update with the code).
FINDINGS = """\
What the profiles showed, and what was done (issue 15, point 2):

- **The feed's filter form** loaded and escaped all 126 wards and every category with its questions on every
  page (3 queries, ~10 % of the feed under the profiler). Now `ward_options()` (`app/places/services.py`) and
  `category_options()` (`app/reports/filters.py`) render the `<option>`s once per process, per locale and per
  version of the `places`/`categories` topic (`app.core.pagecache`: any ORM change of a ward or category bumps it);
  the feed runs 3 queries instead of 6.
- **Photo addresses**: `url_for` ran for every thumbnail; now once per request and kind (`photo_url`).
- **N+1**: none on the feed or the report page; `tests/reports/test_rendering.py` fails if the number of queries
  grows with the rows shown.
- **Still per row** (owned elsewhere, left as they are): `time_left` (working-calendar arithmetic per open report,
  `app/cases/display.py`), `status_label` (a lazy gettext per badge), `date_text` (Babel per date,
  `app/core/i18n.py`), the report query itself (`services.feed`, ~30 % of the feed: 21 reports with their case
  columns, category, ward and photos). The official inbox is `app/cases/queries.py` and console templates.
- On this shared machine (load ~10 on 2 cores) the in-process medians move by ±20 % between runs of unchanged
  code (compare the inbox): the gain of the filter lists is within that noise. The page cache is what changes the
  order of magnitude for visitors (rows "from the page cache").
"""


# The budget of each page (issue 15, point 2): CPU milliseconds of one rendering in-process, the page cache
# off. CPU time, not wall clock: the other users of this shared machine disturb it least. Set at about the
# medians measured after the work on rendering (feed 12.6, report page 7.6, inbox 40.3 ms CPU under load
# ~10), so a change that makes a page dearer shows as a MISS in the next `make bench`.
BUDGETS_CPU_MS = {
    "feed (`/reports`)": 15.0,
    "report page (`/reports/<id>`)": 9.0,
    "official inbox (`/console/`)": 45.0,
}


def pages(ds: common.Dataset) -> dict[str, tuple[str, str | None]]:
    m = ds.meta
    return {
        "feed (`/reports`)": ("/reports", None),
        "report page (`/reports/<id>`)": (f"/reports/{(m['min_id'] + m['max_id']) // 2}", None),
        "official inbox (`/console/`)": ("/console/", m["official"][1]),
    }


class Site:
    def __init__(self, ds: common.Dataset, *, cache: bool):
        from app import create_app

        self.app = create_app({**ds.overrides(), "PAGE_CACHE_ENABLED": cache})
        self.client = self.app.test_client(use_cookies=False)
        self.pages = pages(ds)
        self.cookies = {label: f"{common.COOKIE_NAME}={common.session_cookie(ds, user)}"
                        for label, (_path, user) in self.pages.items() if user}

    def get(self, label: str) -> tuple[float, float]:
        """(wall seconds, CPU seconds of this process) of one request."""
        path, _user = self.pages[label]
        headers = {"Cookie": self.cookies[label]} if label in self.cookies else {}
        started, cpu = time.perf_counter(), time.process_time()
        response = self.client.get(path, headers=headers)
        response.get_data()
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        return time.perf_counter() - started, time.process_time() - cpu

    def close(self) -> None:
        from app.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def median_ms(site: Site, label: str, rounds: int) -> tuple[float, float]:
    """Median (wall ms, CPU ms): CPU time is steadier on a shared machine."""
    for _ in range(3):
        site.get(label)
    samples = [site.get(label) for _ in range(rounds)]
    return (statistics.median(s[0] for s in samples) * 1000, statistics.median(s[1] for s in samples) * 1000)


def top_frames(site: Site, label: str, rounds: int) -> tuple[list[tuple[str, float, float]], float]:
    """The frames of our own code (``app/``: views, helpers, templates) with the most time,
    children included: [(frame, ms per request, share of the request)], and the total ms per
    request under pyinstrument. Library frames count inside the app frame that called them."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(rounds):
        site.get(label)
    session = profiler.stop()
    spent: dict[str, float] = defaultdict(float)

    def walk(frame, inside: frozenset):
        path = frame.file_path_short or ""
        name = f"{frame.function} ({path}:{frame.line_no})"
        ours = path.startswith("app/") and not frame.function.startswith("[")
        if ours and name not in inside:  # a recursive frame counts once
            spent[name] += frame.time
            inside = inside | {name}
        for child in frame.children:
            walk(child, inside)

    root = session.root_frame()
    total = root.time if root else 0.0
    if root:
        walk(root, frozenset())
    ranked = sorted(spent.items(), key=lambda kv: kv[1], reverse=True)[:TOP]
    return [(name, t / rounds * 1000, t / total if total else 0.0) for name, t in ranked], total / rounds * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="reports in the database (default 10,000)")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--label", default="now", help="name of this run's medians (before, after, …)")
    parser.add_argument("--cached", action="store_true", help="also time visitors' pages from the page cache")
    parser.add_argument("--write", action="store_true", help="rewrite the section of bench/RESULTS.md")
    args = parser.parse_args()

    ds = common.dataset("sqlite", args.count)
    site = Site(ds, cache=False)
    medians, profiles = {}, {}
    try:
        for label in site.pages:
            medians[label] = median_ms(site, label, args.rounds)
            profiles[label] = top_frames(site, label, args.rounds)
            common.log(f"{label}: median {medians[label][0]:.1f} ms (CPU {medians[label][1]:.1f} ms)")
    finally:
        site.close()
    cached = {}
    if args.cached:
        site = Site(ds, cache=True)
        try:
            for label, (_path, user) in site.pages.items():
                if user is None:
                    cached[label] = median_ms(site, label, args.rounds)
        finally:
            site.close()

    store = json.loads(STORE.read_text()) if STORE.exists() else {}
    store[args.label] = {"medians": medians, "cached": cached, "count": args.count, "rounds": args.rounds,
                         "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    STORE.parent.mkdir(parents=True, exist_ok=True)
    STORE.write_text(json.dumps(store, indent=1, ensure_ascii=False))
    if args.write:
        write_section(render(store, profiles, args))
    return 0


def render(store: dict, profiles: dict, args) -> str:
    machine = common.machine()
    runs = list(store)
    lines = [SECTION, "",
             f"In-process (Flask test client, production settings, SQLite with {args.count:,} reports, the page "
             f"cache off so every request renders), median of {args.rounds} requests after a warm-up, wall clock "
             f"and (in brackets) CPU time of the process, which the other users of the machine disturb less; "
             f"{machine['cores']} cores, load {machine['load']}. Run: `.venv/bin/python bench/profile_pages.py "
             f"--label <name> [--cached] --write` (this section only; the rest of the file is `make bench`).", "",
             "| page | " + " | ".join(f"{r} ({store[r]['when']})" for r in runs) + " |",
             "|---|" + "---:|" * len(runs)]
    for label in profiles:
        cells = [_cell(store[r]["medians"].get(label)) for r in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for r in runs:
        for label, value in store[r].get("cached", {}).items():
            lines.append(f"| {label}, visitor, from the page cache ({r}) | " + " | ".join(
                _cell(value) if other == r else "" for other in runs) + " |")
    latest = runs[-1]
    lines += ["", f"Budgets (CPU time of one rendering, run “{latest}”):", "",
              "| page | budget | measured | result |", "|---|---:|---:|---|"]
    for label, budget in BUDGETS_CPU_MS.items():
        value = store[latest]["medians"].get(label)
        if value is None:
            continue
        verdict = "PASS" if value[1] <= budget else f"**MISS** ({value[1] / budget:.2f}× the budget)"
        lines.append(f"| {label} | {budget:.1f} ms | {value[1]:.1f} ms | {verdict} |")
    lines += ["", "Runs are taken one after the other on a shared machine: a page whose code did not change "
              "between two runs shows how much of a difference is noise."]
    lines += ["", FINDINGS.rstrip()]
    lines += ["", "Where the time goes under pyinstrument (this run): frames of our code (views, helpers, "
              "templates) with the most time, what they call included; ms per request and share of the request.", ""]
    for label, (frames, total) in profiles.items():
        lines += [f"<details><summary>{label}: {total:.1f} ms per request under the profiler</summary>", "",
                  "| frame | ms | share |", "|---|---:|---:|"]
        lines += [f"| `{name}` | {ms:.2f} | {share:.0%} |" for name, ms, share in frames]
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def _cell(value) -> str:
    if value is None:
        return "–"
    wall, cpu = value
    return f"{wall:.1f} ms (CPU {cpu:.1f} ms)"


def write_section(text: str) -> None:
    path = common.BENCH / "RESULTS.md"
    current = path.read_text()
    if SECTION in current:
        start = current.index(SECTION)
        end = current.find("\n## ", start + len(SECTION))
        current = current[:start] + text + ("\n" + current[end + 1:] if end != -1 else "")
    elif "\n## Commands" in current:
        at = current.index("\n## Commands") + 1
        current = current[:at] + text + "\n" + current[at:]
    else:
        current = current.rstrip() + "\n\n" + text
    path.write_text(current)
    common.log(f"wrote the section to {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
