"""Demo data: sandbox identities for every role, so a newcomer can try the whole app."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.auth import services as auth
from app.auth.models import OidcIdentity, Role, User
from app.devidp import store
from app.extensions import db
from app.places import services as places

# The CCCD numbers are made up but well-formed (province 001 = Hà Nội, gender/century digit,
# two digits of the birth year).
DEMO_PEOPLE: tuple[dict, ...] = (
    {"sub": "demo-citizen-lan", "name": "Nguyễn Thị Lan", "cccd": "001190012345",
     "birthdate": "1990-04-12", "gender": "female", "phone_number": "+84912000001",
     "label": "Công dân"},
    {"sub": "demo-citizen-minh", "name": "Trần Văn Minh", "cccd": "001085067890",
     "birthdate": "1985-09-30", "gender": "male", "phone_number": "+84912000002",
     "label": "Công dân"},
    {"sub": "demo-ward-hoankiem", "name": "Lê Văn Hùng", "cccd": "001080011111",
     "birthdate": "1980-01-15", "gender": "male", "phone_number": "+84912000003",
     "label": "Cán bộ UBND Phường Hoàn Kiếm",
     "role": (Role.WARD_OFFICIAL, "phuong_hoan_kiem")},
    {"sub": "demo-ward-cuanam", "name": "Phạm Thị Hoa", "cccd": "001187022222",
     "birthdate": "1987-06-02", "gender": "female", "phone_number": "+84912000004",
     "label": "Cán bộ UBND Phường Cửa Nam",
     "role": (Role.WARD_OFFICIAL, "phuong_cua_nam")},
    {"sub": "demo-police", "name": "Đỗ Quang Huy", "cccd": "001082033333",
     "birthdate": "1982-11-20", "gender": "male", "phone_number": "+84912000005",
     "label": "Cán bộ Công an Thành phố", "role": (Role.AGENCY_OFFICIAL, "police")},
    {"sub": "demo-admin", "name": "Vũ Thị Mai", "cccd": "001178044444",
     "birthdate": "1978-03-08", "gender": "female", "phone_number": "+84912000006",
     "label": "Quản trị viên thành phố", "role": (Role.CITY_ADMIN, None)},
    {"sub": "demo-transport", "name": "Bùi Văn Long", "cccd": "001083055555",
     "birthdate": "1983-05-19", "gender": "male", "phone_number": "+84912000007",
     "label": "Cán bộ Sở Xây dựng (Giao thông)", "role": (Role.AGENCY_OFFICIAL, "transport")},
    {"sub": "demo-education", "name": "Ngô Thị Thu", "cccd": "001186066666",
     "birthdate": "1986-10-04", "gender": "female", "phone_number": "+84912000008",
     "label": "Cán bộ Sở Giáo dục và Đào tạo", "role": (Role.AGENCY_OFFICIAL, "education")},
)


def seed() -> dict[str, int]:
    """Idempotent: running it twice changes nothing the second time."""
    from app.demo.reports import seed_reports
    from app.reports.seed import load_categories

    created = seed_people()
    seed_ward_centres()
    load_categories()
    reports = seed_reports()
    # Public services (issue 12): sample procedures, FAQ entries and the answer desk's index.
    from app.answers.seed import seed as seed_answers
    from app.procedures.seed import load_procedures, seed_demo_complaint

    procedures = load_procedures()
    answers = seed_answers()
    lan = db.session.scalar(sa.select(User).join(OidcIdentity, OidcIdentity.user_id == User.id).where(
        OidcIdentity.subject == "demo-citizen-lan"))
    seed_demo_complaint(lan)
    from app.demo.reception_business import seed_reception_and_business

    seed_reception_and_business()
    from app.demo.alerts_surveys import seed_alerts, seed_surveys

    seed_alerts()
    seed_surveys()
    from app.demo.lookups import seed_lookups

    seed_lookups()
    return {"users_created": created, "reports_created": reports, "procedures_created": procedures, **answers}


def seed_ward_centres() -> None:
    """Centres for the wards the demo reports are in, where an admin has not set one."""
    from app.demo.reports import WARDS

    for codename, (lat, lon) in WARDS.items():
        ward = places.ward_by_codename(codename)
        if ward is not None and ward.centre is None:
            places.set_centre(ward, lat, lon)
    db.session.flush()


def seed_people() -> int:
    """The demo identities in the sandbox and their accounts with roles; returns new accounts."""
    places.ensure_loaded()
    store.upsert_identities([{k: v for k, v in p.items() if k != "role"} for p in DEMO_PEOPLE])
    issuer = current_app.config.get("OIDC_ISSUER")
    created = 0
    for person in DEMO_PEOPLE:
        identity = db.session.scalar(sa.select(OidcIdentity).where(
            OidcIdentity.issuer == issuer, OidcIdentity.subject == person["sub"]))
        if identity is not None:
            user = identity.user
        else:
            user = db.session.scalar(sa.select(User).where(
                User.cccd_hmac == User.cccd_lookup(person["cccd"])))
            if user is None:
                user = auth.new_user(full_name=person["name"])
                auth.set_verified_identity(
                    user, cccd=person["cccd"], full_name=person["name"],
                    birth_date=date.fromisoformat(person["birthdate"]),
                    gender=person["gender"], source="vneid")
                created += 1
            db.session.add(OidcIdentity(user=user, issuer=issuer, subject=person["sub"]))
        role = person.get("role")
        if role:
            kind, scope = role
            ward_id = agency_id = None
            if kind == Role.WARD_OFFICIAL:
                ward_id = places.ward_by_codename(scope).id
            elif kind == Role.AGENCY_OFFICIAL:
                agency_id = places.agency_by_code(scope).id
            auth.grant_role(user, kind, ward_id=ward_id, agency_id=agency_id)
    db.session.flush()
    return created
