"""Hanoi's wards (from the official list in ``vietnam-provinces``), their centres, and the
city's agencies."""

from __future__ import annotations

import sqlalchemy as sa
from markupsafe import Markup, escape
from vietnam_provinces import ProvinceCode
from vietnam_provinces import Ward as OfficialWard

from app.audit import services as audit
from app.core import pagecache
from app.core.text import fold
from app.extensions import db
from app.places.geo import distance_m, in_hanoi
from app.places.models import Agency, Ward

HANOI = ProvinceCode(1)
# A pin farther than this from its ward's centre is likely in another ward: flagged for officials.
FAR_FROM_CENTRE_METRES = 3000

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


# The <option>s of every active ward, by the version of the "places" topic (app.core.pagecache):
# the feed's filter renders 126 of them on every page.
_ward_options: dict[str, str] = {}


def ward_options(selected: int | None = None) -> Markup:
    """``<option value="id">name</option>`` of every active ward by name, ``selected`` marked.

    Rendered once per process and per version of the ``places`` topic (any change of a ward
    through the ORM bumps it), instead of loading and escaping 126 wards on every page.
    """
    version = pagecache.current_versions(["places"])[0]
    html = _ward_options.get(version)
    if html is None:
        rows = db.session.execute(sa.select(Ward.id, Ward.name).where(Ward.active).order_by(Ward.name)).all()
        html = "".join(f'<option value="{ward_id}">{escape(name)}</option>\n' for ward_id, name in rows)
        _ward_options.clear()
        _ward_options[version] = html
    if selected is not None:
        html = html.replace(f'<option value="{int(selected)}">', f'<option value="{int(selected)}" selected>', 1)
    return Markup(html)  # noqa: S704 - built above from escaped names and integer ids


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


# --- ward centres ----------------------------------------------------------------------------

class CentreOutsideHanoi(ValueError):
    """A centre must be a point in Hanoi."""


def set_centre(ward: Ward, lat: float | None, lon: float | None, *, actor=None) -> bool:
    """Set (or with ``None, None`` clear) a ward's centre, audited; False when nothing changed."""
    if (lat is None) != (lon is None):
        raise ValueError("give both lat and lon, or neither")
    if lat is not None and lon is not None:
        if not in_hanoi(lat, lon):
            raise CentreOutsideHanoi(f"{lat}, {lon} is not in Hanoi")
        lat, lon = round(lat, 6), round(lon, 6)
    if (ward.centre_lat, ward.centre_lon) == (lat, lon):
        return False
    before = ward.centre
    ward.centre_lat, ward.centre_lon = lat, lon
    audit.record("ward.centre_set" if lat is not None else "ward.centre_cleared", ward, actor=actor,
                 codename=ward.codename, before=list(before) if before else None,
                 after=[lat, lon] if lat is not None else None)
    return True


def distance_from_centre(ward: Ward | None, lat: float | None, lon: float | None) -> float | None:
    """Metres from the ward's centre to (lat, lon); None if either is unknown."""
    if ward is None or ward.centre is None or lat is None or lon is None:
        return None
    return distance_m(ward.centre_lat, ward.centre_lon, lat, lon)


# Without every ward's centre a point can lie in a ward whose centre is unknown, while the
# nearest known centre is that of its neighbour: only a point this close to a known centre is
# taken to be in that ward (central wards are about 1–2 km across).
PARTIAL_CENTRES_METRES = 800


def ward_of_point(lat: float, lon: float) -> Ward | None:
    """The ward a point is taken to be in, from the wards' centres (no boundaries exist offline):
    the nearest centre within 3 km when every active ward has one, else only a centre within
    800 m. None sends the request to the city's triage, where an official picks the ward."""
    missing = db.session.scalar(sa.select(sa.func.count(Ward.id)).where(
        Ward.active, sa.or_(Ward.centre_lat.is_(None), Ward.centre_lon.is_(None))))
    radius = FAR_FROM_CENTRE_METRES if not missing else PARTIAL_CENTRES_METRES
    return nearest_ward(lat, lon, within=radius)


def nearest_ward(lat: float, lon: float, *, within: float | None = None) -> Ward | None:
    """The active ward whose centre is nearest to (lat, lon), among wards that have one, and
    only if it is at most ``within`` metres away when that is given."""
    wards = db.session.scalars(sa.select(Ward).where(
        Ward.active, Ward.centre_lat.is_not(None), Ward.centre_lon.is_not(None)))
    scored = [(distance_m(w.centre_lat, w.centre_lon, lat, lon), w.id, w) for w in wards]
    if not scored:
        return None
    distance, _id, ward = min(scored)
    return ward if within is None or distance <= within else None


def far_from_ward_centre(report_like) -> float | None:
    """How many metres a report's pin is from its ward's centre, when that is more than
    ``FAR_FROM_CENTRE_METRES``; None when it is closer or nothing is known to compare.

    ``report_like`` has ``lat``, ``lon`` and ``ward`` (or ``ward_id``).
    """
    ward = getattr(report_like, "ward", None)
    if ward is None and getattr(report_like, "ward_id", None) is not None:
        ward = db.session.get(Ward, report_like.ward_id)
    distance = distance_from_centre(ward, getattr(report_like, "lat", None), getattr(report_like, "lon", None))
    if distance is None or distance <= FAR_FROM_CENTRE_METRES:
        return None
    return distance
