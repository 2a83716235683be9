"""Generate N field reports (up to 1,000,000) into a database of choice, for the performance work.

    .venv/bin/python bench/generate_reports.py --count 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database is migrated first; wards, agencies and categories are loaded; reports are spread
over Hanoi's wards, categories, statuses and the last two years, with coordinates, one photo
each (a few shared image files) and a submitted event, inserted in batches with SQLAlchemy Core.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

BATCH = 5000
STATUSES = ["submitted"] * 15 + ["accepted"] * 25 + ["resolved"] * 25 + ["closed"] * 30 + ["rejected"] * 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--instance", default=None, help="instance folder (photos go to its uploads/)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.count <= 1_000_000:
        parser.error("--count must be between 1 and 1,000,000")

    from app import create_app

    overrides = {"APP_ENV": "development"}
    if args.database_url:
        overrides["DATABASE_URL"] = args.database_url
    if args.instance:
        overrides["INSTANCE_PATH"] = args.instance
    app = create_app(overrides)
    with app.app_context():
        generate(app, args.count, random.Random(args.seed))  # noqa: S311


def generate(app, count: int, rng: random.Random) -> None:
    from flask_migrate import upgrade
    from PIL import Image

    from app.auth.services import new_user
    from app.cases.models import Case, CaseEvent
    from app.core import images
    from app.core.storage import get_storage
    from app.core.workcal import calendar
    from app.extensions import db
    from app.places import services as places
    from app.places.models import Ward
    from app.reports.models import Category, Report, ReportPhoto
    from app.reports.seed import load_categories

    upgrade()
    places.ensure_loaded()
    load_categories()
    reporters = [new_user(full_name=f"Bench {i}") for i in range(50)]
    db.session.commit()
    reporter_ids = [u.id for u in reporters]
    wards = db.session.scalars(sa.select(Ward.id)).all()
    categories = db.session.scalars(sa.select(Category)).all()
    storage = get_storage()
    shared = []
    for i in range(8):
        buf = io.BytesIO()
        Image.new("RGB", (640, 480), (40 * i, 90, 160)).save(buf, "JPEG")
        processed = images.process_photo(buf.getvalue())
        key = f"bench/shared-{i}.jpg"
        storage.save(key, processed.data, processed.content_type)
        storage.save(f"bench/shared-{i}-thumb.jpg", processed.thumb_data, processed.content_type)
        shared.append((key, processed))
    cal = calendar()
    start_id = (db.session.scalar(sa.select(sa.func.max(Case.id))) or 0) + 1
    case_columns = {c.name for c in Case.__table__.columns}
    report_columns = {c.name for c in Report.__table__.columns}
    now = datetime.now(UTC)
    began = time.perf_counter()
    conn = db.session.connection()
    for batch_start in range(0, count, BATCH):
        reports, photos, events = [], [], []
        for n in range(batch_start, min(count, batch_start + BATCH)):
            rid = start_id + n
            category = rng.choice(categories)
            ward = rng.choice(wards)
            created = now - timedelta(days=730 * (1 - n / count), minutes=rng.randrange(0, 600))
            # Later steps at their usual distance, squeezed for recent reports so none is after now.
            age = now - created
            accepted_at, resolved_at, closed_at = (
                created + min(step, age * share) for step, share in
                ((timedelta(hours=2), 0.25), (timedelta(days=3), 0.5), (timedelta(days=5), 0.75)))
            status = rng.choice(STATUSES)
            level = None if status == "submitted" else rng.choice(["normal", "normal", "urgent", "complex"])
            if status == "submitted":
                due = cal.add_working_time(created, timedelta(hours=category.accept_hours))
            elif status == "accepted":
                due = cal.add_working_time(created, timedelta(hours=category.resolve_hours(level)))
            else:
                due = None
            agency = category.unit_type == "agency"
            reports.append({
                "id": rid, "created_at": created, "updated_at": created, "submitted_at": created,
                "kind": "report", "submission_id": f"bench-{rid}", "source": "bench",
                "requester_id": rng.choice(reporter_ids),
                "category_id": category.id, "description": f"Phản ánh thử nghiệm số {rid}: ổ gà, rác thải.",
                "answers": {}, "ward_id": ward, "lat": 21.0 + rng.uniform(-0.15, 0.15),
                "lon": 105.85 + rng.uniform(-0.2, 0.2), "address": None, "show_name": False,
                "status": status, "level": level, "unit_type": "agency" if agency else "ward",
                "unit_ward_id": None if agency else ward, "unit_agency_id": category.agency_id if agency else None,
                "due_at": due, "overdue_since": due if due is not None and due < now else None,
                "accepted_at": accepted_at if level else None,
                "resolved_at": resolved_at if status in ("resolved", "closed", "rejected") else None,
                "closed_at": closed_at if status == "closed" else None,
                "reopened": False, "proof_flagged": False, "hidden": False, "followers_count": 0,
            })
            key, processed = shared[rid % len(shared)]
            photos.append({
                "created_at": created, "report_id": rid, "owner_id": reports[-1]["requester_id"],
                "token": f"bench-{rid}", "kind": "report", "position": 0, "key": key,
                "thumb_key": key.removesuffix(".jpg") + "-thumb.jpg", "width": processed.width,
                "height": processed.height, "thumb_width": processed.thumb_width,
                "thumb_height": processed.thumb_height, "sha256": processed.sha256, "hidden": False,
            })
            events.append({"case_id": rid, "created_at": created, "actor_id": reports[-1]["requester_id"],
                           "kind": "submitted", "public": True, "to_status": "submitted", "data": {}})
        conn.execute(sa.insert(Case.__table__), [{k: v for k, v in r.items() if k in case_columns} for r in reports])
        conn.execute(sa.insert(Report.__table__), [{k: v for k, v in r.items() if k in report_columns}
                                                   for r in reports])
        conn.execute(sa.insert(ReportPhoto.__table__), photos)
        conn.execute(sa.insert(CaseEvent.__table__), events)
        db.session.commit()
        conn = db.session.connection()
        done = min(count, batch_start + BATCH)
        rate = done / (time.perf_counter() - began)
        print(f"\r{done:,}/{count:,} reports ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
    # The inbox counters are kept by the ORM; rows inserted with Core are counted here.
    from app.cases.counts import recount

    recount()
    db.session.commit()
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        db.session.commit()
        conn = db.session.connection()
        conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        conn.exec_driver_sql("ANALYZE")
    else:
        conn.exec_driver_sql("ANALYZE")
    db.session.commit()
    print(f"\ngenerated {count:,} reports in {time.perf_counter() - began:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
