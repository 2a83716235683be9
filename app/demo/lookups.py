"""Demo data of the lookups, made by code and marked as sample: the sample bus network, airport
bus trips, parking lots, exam scores and schools."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.core.text import fold
from app.extensions import db
from app.lookups import gtfs, sample_feed
from app.lookups.models import AirportTrip, ExamScore, GtfsFeed, ParkingLot, ParkingOperator, School
from app.places import services as places

EXAM_YEAR = 2026
# A candidate anyone can try in the demo: 01000001, born 12/05/2008.
DEMO_CANDIDATE = ("01000001", "Nguyễn Minh Anh", date(2008, 5, 12))


def seed_lookups() -> dict[str, int]:
    counts = {"feeds": 0, "trips": 0, "lots": 0, "scores": 0, "schools": 0}
    if db.session.scalar(sa.select(GtfsFeed.id).where(GtfsFeed.active)) is None:
        gtfs.import_feed(io.BytesIO(sample_feed.sample_zip()), source_name="sample-gtfs.zip", sample=True)
        counts["feeds"] = 1
    counts["trips"] = _airport_trips()
    counts["lots"] = _parking()
    counts["scores"] = _exam_scores()
    counts["schools"] = _schools()
    db.session.flush()
    return counts


def _airport_trips() -> int:
    now = utcnow()
    if db.session.scalar(sa.select(sa.func.count()).select_from(AirportTrip).where(
            AirportTrip.sample, AirportTrip.departs_at > now)):
        return 0
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    made = 0
    for i in range(12):
        for route, origin, destination in (
                ("86", "Ga Hà Nội", "Sân bay Nội Bài (T1, T2)"),
                ("86", "Sân bay Nội Bài (T1, T2)", "Ga Hà Nội")):
            db.session.add(AirportTrip(route_name=route, origin=origin, destination=destination,
                                       departs_at=start + timedelta(hours=2 * i), seats_total=40,
                                       seats_taken=(i * 7) % 36, price_vnd=45000, sample=True))
            made += 1
    return made


LOTS = (
    ("Bãi đỗ xe Hàng Đào (mẫu)", "12 Hàng Đào", "phuong_hoan_kiem", 21.0345, 105.8510, 120, "motorbike,bicycle",
     "5.000 ₫/lượt xe máy", "06:00–23:00", 35, 10),
    ("Bãi đỗ xe Nhà hát Lớn (mẫu)", "1 Tràng Tiền", "phuong_hoan_kiem", 21.0245, 105.8575, 60, "car,motorbike",
     "30.000 ₫/giờ ô tô; 5.000 ₫/lượt xe máy", "00:00–24:00", 4, 5),
    ("Bãi đỗ xe Hàng Bông (mẫu)", "80 Hàng Bông", "phuong_hoan_kiem", 21.0300, 105.8470, 80, "motorbike",
     "5.000 ₫/lượt", "07:00–22:00", 20, 120),
    ("Bãi đỗ xe Cửa Nam (mẫu)", "5 Cửa Nam", "phuong_cua_nam", 21.0275, 105.8420, 150, "car,motorbike",
     "25.000 ₫/giờ ô tô", "06:00–22:00", None, None),
)


def _parking() -> int:
    if db.session.scalar(sa.select(sa.func.count()).select_from(ParkingLot).where(ParkingLot.sample)):
        return 0
    operator = ParkingOperator(name="Công ty Khai thác điểm đỗ xe (mẫu)")
    db.session.add(operator)
    now = utcnow()
    for name, address, ward, lat, lon, capacity, vehicles, prices, hours, free, minutes_ago in LOTS:
        db.session.add(ParkingLot(
            name=name, search_name=fold(name), address=address, ward_id=places.ward_by_codename(ward).id, lat=lat,
            lon=lon, capacity=capacity, vehicle_types=vehicles, prices=prices, opening_hours=hours,
            operator=operator, free_spaces=free,
            free_updated_at=None if minutes_ago is None else now - timedelta(minutes=minutes_ago), sample=True))
    return len(LOTS)


def _exam_scores() -> int:
    if db.session.scalar(sa.select(sa.func.count()).select_from(ExamScore).where(ExamScore.year == EXAM_YEAR)):
        return 0
    rng = random.Random(2026)  # noqa: S311 - sample data
    family = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ")
    given = ("Minh Anh", "Gia Huy", "Thu Trang", "Đức Minh", "Ngọc Hân", "Quang Khải", "Bảo Châu")
    rows = []
    for n in range(1, 201):
        number = f"01{n:06d}"
        if number == DEMO_CANDIDATE[0]:
            name, born = DEMO_CANDIDATE[1], DEMO_CANDIDATE[2]
        else:
            name = f"{rng.choice(family)} {rng.choice(given)}"
            born = date(2008, 1, 1) + timedelta(days=rng.randrange(365))
        scores = {s: rng.randrange(12, 41) / 4 for s in ("math", "literature", "foreign_language")}
        scores.update({s: rng.randrange(12, 41) / 4 for s in rng.sample(("physics", "chemistry", "history",
                                                                           "geography"), 2)})
        rows.append({"year": EXAM_YEAR, "candidate_number": number, "full_name": name, "birth_date": born,
                     "scores": scores})
    db.session.execute(sa.insert(ExamScore.__table__), rows)
    return len(rows)


SCHOOLS = (
    ("Trường Mầm non Hoa Sen (mẫu)", "kindergarten", "phuong_hoan_kiem", 120, ("phuong_hoan_kiem",)),
    ("Trường Tiểu học Điện Biên (mẫu)", "grade1", "phuong_cua_nam", 175, ("phuong_cua_nam",)),
    ("Trường Tiểu học Tràng An (mẫu)", "grade1", "phuong_hoan_kiem", 210, ("phuong_hoan_kiem", "phuong_cua_nam")),
    ("Trường THCS Trưng Vương (mẫu)", "grade6", "phuong_hoan_kiem", 360, ("phuong_hoan_kiem",)),
    ("Trường THCS Ngô Sĩ Liên (mẫu)", "grade6", "phuong_cua_nam", 315, ("phuong_cua_nam",)),
    ("Trường THPT Việt Đức (mẫu)", "grade10", "phuong_hoan_kiem", 675, ("phuong_hoan_kiem", "phuong_cua_nam")),
    ("Trường THPT Trần Phú (mẫu)", "grade10", "phuong_hoan_kiem", 630, ("phuong_hoan_kiem",)),
)


def _schools() -> int:
    if db.session.scalar(sa.select(sa.func.count()).select_from(School).where(School.sample)):
        return 0
    for name, level, ward, quota, catchment in SCHOOLS:
        db.session.add(School(name=name, level=level, ward_id=places.ward_by_codename(ward).id, quota=quota,
                              catchment_ward_ids=[places.ward_by_codename(c).id for c in catchment], sample=True))
    return len(SCHOOLS)
