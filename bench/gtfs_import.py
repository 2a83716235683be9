"""Issue 14: import a generated city-size GTFS feed (about 250 routes, 7,000 stops, 1,000,000
stop times) and check it takes "a few minutes" at most (goal: under 300 s), then import it a
second time (the atomic replacement of a full feed).

    .venv/bin/python bench/gtfs_import.py [--stop-times 1000000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from lookups_common import fresh_app

GOAL_SECONDS = 300


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=250)
    parser.add_argument("--stops", type=int, default=7000)
    parser.add_argument("--stop-times", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app, folder = fresh_app(args.database_url)
    from app.extensions import db
    from app.lookups import gtfs, sample_feed, transit

    path = os.path.join(folder, "city.zip")
    started = time.perf_counter()
    sample_feed.write_city_feed(path, routes=args.routes, stops=args.stops, stop_times=args.stop_times)
    print(f"generated {path} ({os.path.getsize(path) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    results = []
    with app.app_context():
        for attempt in ("first import", "replacement"):
            started = time.perf_counter()
            feed = gtfs.import_feed(path, source_name="city.zip")
            db.session.commit()
            elapsed = time.perf_counter() - started
            results.append(elapsed)
            print(f"{attempt}: {elapsed:.1f} s — {feed.counts}")
        started = time.perf_counter()
        stops = transit.nearby(21.03, 105.83)
        journeys = transit.plan(20.98, 105.78, 21.08, 105.88)
        print(f"nearby ({len(stops)} stops) and a journey plan ({len(journeys)} options): "
              f"{time.perf_counter() - started:.2f} s (first, patterns cache cold)")
        db.session.remove()
    ok = max(results) < GOAL_SECONDS
    print(f"goal < {GOAL_SECONDS} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
