"""Publishing an alert to many subscribers: the request returns at once, the job queue delivers.

    .venv/bin/python bench/alerts_fanout.py --subscribers 50000 [--database-url URL]

Makes N accounts subscribed to scam alerts city-wide (bulk inserts), publishes an alert the way
the officials' page does (service + commit, which only queues the fan-out job) and times it;
then runs the queued jobs in this process (a stand-in for ``flask jobs worker``) until the queue
is empty and times the delivery: one fan-out job, N / 1,000 batch jobs and the Web Push job
of every notification. Last, the fan-out runs a second time, as after a retry, and the count of
notifications must not change. A fresh SQLite database in a temporary folder by default.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

INSERT_BATCH = 5000


def drain(huey) -> Counter:
    done: Counter = Counter()
    while True:
        task = huey.dequeue()
        if task is None:
            return done
        huey.execute(task)
        done[task.name] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="bench-alerts-")
    from app import create_app

    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": instance, "JOBS_IN_PROCESS": False,
                      "JOBS_IMMEDIATE": False, "REDIS_URL": None,
                      "DATABASE_URL": args.database_url or f"sqlite:///{instance}/bench.db"})
    from flask_migrate import upgrade

    from app.alerts import services
    from app.alerts.models import AlertSubscription
    from app.auth.models import User
    from app.core.jobs import huey
    from app.core.models import utcnow
    from app.extensions import db
    from app.notifications.models import Notification
    from app.places import services as places

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        places.ensure_loaded()
        db.session.commit()
        began = time.perf_counter()
        first = (db.session.scalar(sa.select(sa.func.max(User.id))) or 0) + 1
        for start in range(0, args.subscribers, INSERT_BATCH):
            ids = range(first + start, first + min(args.subscribers, start + INSERT_BATCH))
            db.session.execute(sa.insert(User), [{"id": i, "full_name": f"Bench {i}", "phone": f"+8490{i:07d}",
                                                  "session_token": f"t{i}"} for i in ids])
            db.session.execute(sa.insert(AlertSubscription), [{"user_id": i, "kind": "scam", "area": "city"}
                                                              for i in ids])
        db.session.commit()
        print(f"{args.subscribers:,} subscribers made in {time.perf_counter() - began:.1f} s")
        officer = db.session.get(User, first)
        police = places.agency_by_code("police").id
        now = utcnow()
        data = services.AlertData(kind="scam", severity="severe", urgency="Immediate", certainty="Observed",
                                  title="Bench", summary="Bench", valid_from=now,
                                  valid_until=now.replace(year=now.year + 1))
        alert = services.create_draft(officer, police, data)
        db.session.commit()
        alert_id = alert.id

        began = time.perf_counter()
        services.publish(alert, officer)
        db.session.commit()
        publish_ms = (time.perf_counter() - began) * 1000
        print(f"publish + commit (queues the fan-out): {publish_ms:.0f} ms")
        db.session.remove()

    began = time.perf_counter()
    done = drain(huey)
    delivery = time.perf_counter() - began
    with app.app_context():
        told = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.subject_type == "alert", Notification.subject_id == alert_id))
    print(f"delivered in {delivery:.1f} s: {dict(done)}; notifications: {told:,}")

    from app.alerts.tasks import fan_out

    fan_out(alert_id)
    began = time.perf_counter()
    again = drain(huey)
    with app.app_context():
        after = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.subject_type == "alert", Notification.subject_id == alert_id))
    print(f"fan-out run again in {time.perf_counter() - began:.1f} s: {dict(again)}; notifications: {after:,}")
    ok = publish_ms < 1000 and told == after == args.subscribers
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
