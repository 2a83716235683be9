"""The city's triage queue: a report with no known ward waits there until an official picks one;
the deadline runs from filing (issue 10, point 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.cases.models import Status, UnitType
from app.core.models import utcnow
from app.extensions import db
from tests.conftest import csrf_token
from tests.reports.conftest import photo_bytes


@pytest.fixture
def triaged(app, make_user, make_category):
    """A report filed without a ward (as Open311 may), by a citizen; returns its id."""
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Category

    citizen = make_user()
    category_id = make_category("road")
    with app.app_context():
        reporter = db.session.get(User, citizen)
        photo = services.store_photo(reporter, photo_bytes())
        report, _ = services.submit_report(reporter, "triage-1", services.NewReport(
            category=db.session.get(Category, category_id), description="Ổ gà ở ngõ không rõ phường",
            ward=None, address="Ngõ 5 Hàng Bạc", photos=[photo], source="open311"))
        db.session.commit()
        report_id = report.id
        db.session.remove()
    return report_id


def test_a_report_without_a_ward_waits_in_the_city_triage(app, triaged):
    from app.reports.models import Report

    with app.app_context():
        report = db.session.get(Report, triaged)
        assert (report.unit_type, report.unit_ward_id, report.ward_id) == (UnitType.CITY, None, None)
        assert report.status == Status.SUBMITTED and report.due_at is not None


def test_only_city_admins_see_triage_and_the_ward_they_pick_keeps_the_filing_deadline(
        app, client, make_user, login, triaged):
    from app.places import services as places
    from app.reports.models import Report

    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    admin = make_user(role="city_admin")
    with app.app_context():
        report = db.session.get(Report, triaged)
        # Filed long ago: moving it out of triage must not restart the clock.
        report.due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        due = report.due_at
        hk = places.ward_by_codename("phuong_hoan_kiem").id

    client.set_cookie("lang", "en")
    login(client, official)
    assert client.get(f"/console/reports/{triaged}").status_code == 403
    assert f"#{triaged}" not in client.get("/console/").get_data(as_text=True)

    login(client, admin)
    inbox = client.get("/console/").get_data(as_text=True)
    assert f"#{triaged}" in inbox and "Ward not chosen yet" in inbox
    page = client.get(f"/console/reports/{triaged}").get_data(as_text=True)
    assert "The city&#39;s triage (choosing the ward)" in page
    assert "Accept the report" not in page and "Transfer the report" in page
    token = csrf_token(client, f"/console/reports/{triaged}")
    # While no ward is chosen it cannot be accepted (nor then resolved): only transferred.
    refused = client.post(f"/console/reports/{triaged}/accept", data={"csrf_token": token, "level": "normal"},
                          follow_redirects=True)
    assert "Choose the ward in charge first" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Report, triaged).status == Status.SUBMITTED
    response = client.post(f"/console/reports/{triaged}/transfer",
                           data={"csrf_token": token, "ward_id": str(hk), "reason": "Hàng Bạc thuộc Hoàn Kiếm"})
    assert response.status_code == 303
    with app.app_context():
        report = db.session.get(Report, triaged)
        assert (report.unit_type, report.unit_ward_id, report.ward_id) == (UnitType.WARD, hk, hk)
        assert report.status == Status.SUBMITTED and report.due_at == due
        assert report.events[-1].data["from_unit"] == {"type": "city", "id": None}

    login(client, official)
    assert client.get(f"/console/reports/{triaged}").status_code == 200


def test_the_database_keeps_a_triage_case_without_a_unit(app, triaged):
    from app.cases.models import Case

    with app.app_context():
        db.session.execute(sa.text("SAVEPOINT s"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.update(Case).where(Case.id == triaged).values(unit_ward_id=1))
        db.session.rollback()


def test_the_public_list_of_reports_keeps_a_report_without_a_ward(app, client, triaged):
    import csv
    import io

    text = client.get("/stats/reports.csv").get_data(as_text=True).lstrip("\ufeff")
    ids = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert str(triaged) in ids
