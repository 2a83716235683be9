"""Ward centres: set and cleared (audited), the nearest ward to a point, and pins far from
their ward's centre."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db
from app.places import services
from app.places.models import Ward

HOAN_KIEM = (21.0287, 105.8524)
CUA_NAM = (21.0245, 105.8412)


def _ward(codename: str) -> Ward:
    return services.ward_by_codename(codename)


def test_set_and_clear_a_centre_is_audited(app_ctx):
    ward = _ward("phuong_hoan_kiem")
    assert ward.centre is None
    assert services.set_centre(ward, 21.02871234, 105.8524)
    assert ward.centre == (21.028712, 105.8524)
    assert not services.set_centre(ward, 21.028712, 105.8524)
    assert services.set_centre(ward, None, None)
    assert ward.centre is None
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["ward.centre_set", "ward.centre_cleared"]
    assert entries[0].object_type == "wards" and entries[0].object_id == str(ward.id)
    assert entries[0].details["after"] == [21.028712, 105.8524]
    assert entries[1].details["before"] == [21.028712, 105.8524]


def test_a_centre_must_be_in_hanoi_and_complete(app_ctx):
    ward = _ward("phuong_hoan_kiem")
    with pytest.raises(services.CentreOutsideHanoi):
        services.set_centre(ward, 21.1861, 106.0763)
    with pytest.raises(ValueError):
        services.set_centre(ward, 21.0287, None)
    assert ward.centre is None


def test_the_database_refuses_half_a_centre(app_ctx):
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Ward).where(Ward.id == 70).values(centre_lat=21.0))
    db.session.rollback()


def test_nearest_ward_among_those_with_a_centre(app_ctx):
    assert services.nearest_ward(*HOAN_KIEM) is None
    hoan_kiem, cua_nam = _ward("phuong_hoan_kiem"), _ward("phuong_cua_nam")
    services.set_centre(hoan_kiem, *HOAN_KIEM)
    # With one centre known, every point is nearest to it.
    assert services.nearest_ward(*CUA_NAM) == hoan_kiem
    services.set_centre(cua_nam, *CUA_NAM)
    assert services.nearest_ward(21.0250, 105.8420) == cua_nam
    assert services.nearest_ward(21.0290, 105.8520) == hoan_kiem
    cua_nam.active = False
    assert services.nearest_ward(21.0250, 105.8420) == hoan_kiem


def test_distance_from_centre(app_ctx):
    ward = _ward("phuong_hoan_kiem")
    assert services.distance_from_centre(ward, *CUA_NAM) is None
    services.set_centre(ward, *HOAN_KIEM)
    assert services.distance_from_centre(ward, *HOAN_KIEM) == 0
    assert services.distance_from_centre(ward, *CUA_NAM) == pytest.approx(1253, abs=5)
    assert services.distance_from_centre(ward, None, None) is None
    assert services.distance_from_centre(None, *CUA_NAM) is None


def test_far_from_ward_centre(app_ctx, make_user, make_report):
    ward = _ward("phuong_hoan_kiem")
    near = SimpleNamespace(ward=ward, lat=21.0400, lon=105.8524)         # 1.3 km north
    far = SimpleNamespace(ward=ward, lat=21.0600, lon=105.8524)          # 3.5 km north
    nowhere = SimpleNamespace(ward=ward, lat=None, lon=None)
    assert services.far_from_ward_centre(far) is None   # no centre known yet
    services.set_centre(ward, *HOAN_KIEM)
    assert services.far_from_ward_centre(near) is None
    assert services.far_from_ward_centre(far) == pytest.approx(3480, abs=10)
    assert services.far_from_ward_centre(nowhere) is None
    assert services.far_from_ward_centre(SimpleNamespace(ward=None, ward_id=ward.id, lat=21.06, lon=105.8524))
    assert services.far_from_ward_centre(SimpleNamespace(ward=None, ward_id=None, lat=21.06, lon=105.8524)) is None


def test_far_from_ward_centre_of_a_report(app, make_user, make_report):
    from app.reports.models import Report

    pinned_far = make_report(make_user(), ward="phuong_hoan_kiem", lat=21.0600, lon=105.8524)
    with app.app_context():
        services.set_centre(_ward("phuong_hoan_kiem"), *HOAN_KIEM)
        report = db.session.get(Report, pinned_far)
        assert services.far_from_ward_centre(report) == pytest.approx(3480, abs=10)
        db.session.remove()


def test_the_console_flags_a_pin_far_from_the_ward_centre(app, client, make_user, make_report, login):
    """Issue 10, point 10: once a ward has a centre, a pin more than 3 km away is flagged."""
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    far = make_report(make_user(), lat=21.06, lon=105.8524)
    near = make_report(make_user(), lat=21.0290, lon=105.8524)
    login(client, official)
    client.set_cookie("lang", "en")
    assert "The pin is far from the ward" not in client.get(f"/console/reports/{far}").get_data(as_text=True)
    with app.app_context():
        ward = db.session.scalar(sa.select(Ward).where(Ward.codename == "phuong_hoan_kiem"))
        services.set_centre(ward, 21.0287, 105.8524)
        db.session.commit()
    page = client.get(f"/console/reports/{far}").get_data(as_text=True)
    assert "The pin is far from the ward" in page and "3.5 km from the centre of Phường Hoàn Kiếm" in page
    assert "The pin is far from the ward" not in client.get(f"/console/reports/{near}").get_data(as_text=True)
