"""Hanoi's wards (from the official list in ``vietnam-provinces``) and the city's agencies."""

from __future__ import annotations

import sqlalchemy as sa
from vietnam_provinces import ProvinceCode
from vietnam_provinces import Ward as OfficialWard

from app.core.text import fold
from app.extensions import db
from app.places.models import Agency, Ward

HANOI = ProvinceCode(1)

# code, Vietnamese name, English name
AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("transport", "Sở Xây dựng (Giao thông vận tải)", "Department of Construction (Transport)"),
    ("police", "Công an Thành phố Hà Nội", "Hanoi City Police"),
    ("education", "Sở Giáo dục và Đào tạo", "Department of Education and Training"),
    ("health", "Sở Y tế", "Department of Health"),
    ("construction", "Sở Quy hoạch - Kiến trúc", "Department of Planning and Architecture"),
    ("environment", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    ("utilities", "Công ty Nước sạch và Chiếu sáng đô thị", "Water and Street Lighting Utilities"),
    ("culture", "Sở Văn hóa và Thể thao", "Department of Culture and Sports"),
    ("industry", "Sở Công Thương", "Department of Industry and Trade"),
)


def hanoi_wards() -> list[OfficialWard]:
    return sorted(OfficialWard.iter_by_province(HANOI), key=lambda w: int(w.code))


def load_wards() -> int:
    """Insert or update Hanoi's wards; returns how many rows were added."""
    existing = {w.id: w for w in db.session.scalars(sa.select(Ward))}
    added = 0
    for official in hanoi_wards():
        code = int(official.code)
        ward = existing.get(code)
        if ward is None:
            ward = Ward(id=code)
            db.session.add(ward)
            added += 1
        ward.name = official.name
        ward.division_type = official.division_type.value
        ward.codename = official.codename
        ward.search_name = fold(official.name)
        ward.active = True
    db.session.flush()
    return added


def load_agencies() -> int:
    existing = {a.code: a for a in db.session.scalars(sa.select(Agency))}
    added = 0
    for code, name, name_en in AGENCIES:
        agency = existing.get(code)
        if agency is None:
            agency = Agency(code=code)
            db.session.add(agency)
            added += 1
        agency.name, agency.name_en = name, name_en
    db.session.flush()
    return added


def ensure_loaded() -> None:
    load_wards()
    load_agencies()


def search_wards(query: str, limit: int = 20) -> list[Ward]:
    """Diacritics-insensitive: "cua nam" finds "Phường Cửa Nam"."""
    stmt = sa.select(Ward).where(Ward.active).order_by(Ward.name).limit(limit)
    for word in fold(query).split():
        stmt = stmt.where(Ward.search_name.contains(word, autoescape=True))
    return list(db.session.scalars(stmt))


def ward_by_codename(codename: str) -> Ward | None:
    return db.session.scalar(sa.select(Ward).where(Ward.codename == codename))


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))
