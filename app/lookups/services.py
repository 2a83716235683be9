"""Filing the lookups' cases (bus pass, enrollment), their photos and QR codes, and schools."""

from __future__ import annotations

import uuid
from datetime import date

import segno
import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.cases import services as cases
from app.cases.models import Status
from app.core import crypto
from app.core.images import process_photo
from app.core.storage import get_storage, new_photo_key
from app.extensions import db
from app.lookups import kinds  # noqa: F401  (registers the kinds with the engine)
from app.lookups.models import BusPassApplication, EnrollmentApplication, School
from app.lookups.transit import hanoi_now

CHILD_ID_CONTEXT = b"enrollment.child_id"


def store_photo(data: bytes, prefix: str) -> str:
    """Re-encode (EXIF gone) and store a photo; raises ``PhotoError``. Returns its key."""
    return store_processed(process_photo(data), prefix)


def store_processed(photo, prefix: str) -> str:
    """Store a photo already checked and re-encoded by ``process_photo``; returns its key."""
    key = new_photo_key(prefix)
    get_storage().save(key, photo.data, photo.content_type)
    return key


def _submission(value: str | None) -> str:
    return value if value and 8 <= len(value) <= 64 else str(uuid.uuid4())


def file_bus_pass(user, *, pass_type: str, route_short_name: str | None, priority_group: str, pickup_point: str,
                  portrait_key: str, proof_key: str | None, submission_id: str | None = None):
    local = hanoi_now()
    month = date(local.year + (local.month == 12), local.month % 12 + 1, 1) if local.day > 20 \
        else date(local.year, local.month, 1)
    application = BusPassApplication(
        requester_id=user.id, submission_id=_submission(submission_id), pass_type=pass_type,
        route_short_name=route_short_name if pass_type == "single" else None, priority_group=priority_group,  # noqa: S105
        pickup_point=pickup_point, portrait_key=portrait_key, proof_photo_key=proof_key, month=month)
    return cases.file_case(application, user)


def is_approved(application: BusPassApplication) -> bool:
    return application.answer_text is not None and application.status in (Status.RESOLVED, Status.CLOSED)


def _pass_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="bus-pass")


def pass_code(application: BusPassApplication) -> str:
    return _pass_serializer().dumps({"p": application.id, "m": application.month.isoformat()})


def verify_pass_code(code: str) -> BusPassApplication | None:
    if not code or len(code) > 300:
        return None
    try:
        data = _pass_serializer().loads(code)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    application = db.session.get(BusPassApplication, data["p"])
    if application is None or not is_approved(application) or application.month.isoformat() != data.get("m"):
        return None
    return application


def qr_svg(payload: str) -> str:
    """An inline SVG QR code (segno), scaled by CSS."""
    return segno.make(payload, error="m").svg_inline(scale=4, border=2, dark="#111", omitsize=True)


# --- schools and enrollment ----------------------------------------------------------------

def schools(level: str | None = None, ward_id: int | None = None) -> list[School]:
    stmt = sa.select(School).order_by(School.name)
    if level:
        stmt = stmt.where(School.level == level)
    if ward_id:
        stmt = stmt.where(School.ward_id == ward_id)
    found = list(db.session.scalars(stmt))
    if ward_id:
        # Also schools elsewhere whose catchment takes this ward.
        others = db.session.scalars(sa.select(School).where(School.ward_id != ward_id, *(
            [School.level == level] if level else [])).order_by(School.name))
        found += [s for s in others if ward_id in (s.catchment_ward_ids or [])]
    return found


def file_enrollment(user, *, level: str, child_name: str, child_birth_date: date, child_id: str,
                    school_ids: list[int], submission_id: str | None = None):
    application = EnrollmentApplication(
        requester_id=user.id, submission_id=_submission(submission_id), school_level=level, child_name=child_name,
        child_birth_date=child_birth_date, child_id_encrypted=crypto.encrypt(child_id, CHILD_ID_CONTEXT),
        child_id_hash=crypto.lookup_hash(child_id, CHILD_ID_CONTEXT), school_ids=school_ids)
    return cases.file_case(application, user)


def child_id(application: EnrollmentApplication) -> str:
    return crypto.decrypt(application.child_id_encrypted, CHILD_ID_CONTEXT)


def masked_child_id(application: EnrollmentApplication) -> str:
    return "•" * 9 + child_id(application)[-3:]


def schools_by_id(ids: list[int]) -> list[School]:
    found = {s.id: s for s in db.session.scalars(sa.select(School).where(School.id.in_(ids or [0])))}
    return [found[i] for i in ids if i in found]
