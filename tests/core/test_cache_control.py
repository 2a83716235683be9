"""Nothing rendered for a logged-in user may be kept by a cache: one hook marks it all."""

from __future__ import annotations

import pytest

from app.core.security import PRIVATE

# Pages the service worker or a shared cache could otherwise keep.
CITIZEN_PAGES = ["/", "/account/", "/account/verify", "/reports/mine", "/reports/new", "/reports",
                 "/notifications", "/stats", "/stats/export.csv", "/this-page-does-not-exist"]
OFFICIAL_PAGES = ["/console/", "/console/stats", "/console/stats/export.csv",
                  "/console/stats/reports.csv", "/admin/", "/admin/users", "/admin/audit",
                  "/admin/categories", "/admin/places", "/admin/holidays", "/admin/api-keys"]


def test_every_page_of_a_logged_in_citizen_is_private(client, make_user, login):
    login(client, make_user())
    for path in CITIZEN_PAGES:
        response = client.get(path)
        response.close()  # a CSV streams within its request; end it before the next one
        assert response.headers.get("Cache-Control") == PRIVATE, path
        assert "Expires" not in response.headers, path


def test_every_console_and_admin_page_and_csv_is_private(client, make_user, login, make_report):
    admin = make_user(role="city_admin")
    report = make_report(make_user())
    login(client, admin)
    for path in [*OFFICIAL_PAGES, f"/console/reports/{report}", f"/admin/users/{admin}",
                 f"/reports/{report}"]:
        response = client.get(path)
        response.close()
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == PRIVATE, path


def test_fragments_json_and_errors_too(client, make_user, login):
    login(client, make_user())
    assert client.get("/reports", headers={"HX-Request": "true"}).headers["Cache-Control"] == PRIVATE
    assert client.get("/csrf-token").headers["Cache-Control"] == PRIVATE
    assert client.get("/nope", headers={"Accept": "application/json"}).headers["Cache-Control"] == PRIVATE


def test_every_get_route_without_parameters(app, client, make_user, login):
    """Whatever is added later is covered: each parameterless GET route, as a logged-in admin."""
    login(client, make_user(role="city_admin"))
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        response = client.get(rule.rule)
        response.close()
        cache_control = response.headers.get("Cache-Control", "")
        # Only what its view declares the same for everyone may be shared.
        assert cache_control == PRIVATE or "public" in cache_control, (rule.rule, cache_control)
        checked += 1
    assert checked > 30


def test_visitors_pages_are_not_marked(client):
    response = client.get("/")
    assert "private" not in response.headers.get("Cache-Control", "")


def test_public_photos_stay_shareable_for_a_logged_in_user(app, client, make_user, login,
                                                          make_report):
    from app.extensions import db
    from app.reports.models import Report

    report = make_report(make_user())
    with app.app_context():
        photo_id = db.session.get(Report, report).photos[0].id
        db.session.remove()
    login(client, make_user())
    response = client.get(f"/reports/photos/{photo_id}")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/static/css/app.css"])
def test_static_files_are_untouched(client, make_user, login, path):
    login(client, make_user())
    assert "private" not in client.get(path).headers.get("Cache-Control", "")
