"""Every page of the utilities renders over the demo data, in both languages, without JavaScript."""

from __future__ import annotations

import pytest

from app.extensions import db


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    from app.lookups.models import GtfsFeed

    with app.app_context():
        assert db.session.query(GtfsFeed).filter(GtfsFeed.active, GtfsFeed.sample).count() == 1
        db.session.remove()


PAGES = ("/lookups/", "/lookups/bus", "/lookups/bus?q=kim+ma", "/lookups/bus/nearby",
         "/lookups/bus/nearby?place=21.02,105.8", "/lookups/bus/journey",
         "/lookups/bus/journey?from_place=21.004,105.832&to_place=21.044,105.8655", "/lookups/airport",
         "/lookups/parking", "/lookups/parking?lat=21.03&lon=105.85", "/lookups/exams", "/lookups/schools",
         "/lookups/schools?level=grade10", "/lookups/schools/rules/grade6", "/lookups/airport/verify",
         "/lookups/bus-pass/new", "/lookups/enrollment/new", "/lookups/mine", "/lookups/manage/")


def test_every_page_renders_for_an_admin_in_both_languages(app, client, demo, login):
    """One test, as the demo seed is slow."""
    import sqlalchemy as sa

    from app.auth.models import OidcIdentity
    from tests.conftest import csrf_token

    with app.app_context():
        admin = db.session.scalar(sa.select(OidcIdentity.user_id).where(OidcIdentity.subject == "demo-admin"))
    login(client, admin)
    for lang, title in (("vi", "Tiện ích"), ("en", "Utilities")):
        client.set_cookie("lang", lang)
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
        assert title in client.get("/lookups/").get_data(as_text=True)

    token = csrf_token(client, "/lookups/exams")
    page = client.post("/lookups/exams", data={"csrf_token": token, "candidate_number": "01000001",
                                               "birth_date": "2008-05-12"}).get_data(as_text=True)
    assert "Nguyễn Minh Anh" in page
