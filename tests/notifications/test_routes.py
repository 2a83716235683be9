"""The notification inbox and the unread badge."""

from __future__ import annotations

import re

from app.extensions import db
from app.reports import services
from app.reports.models import Report
from tests.conftest import csrf_token


def badge(html: str) -> str | None:
    match = re.search(r'<span class="count" id="unread-count"><span aria-hidden="true">[\d+]+</span>'
                      r'<span class="visually-hidden">(\d+) unread</span>', html)
    return match.group(1) if match else None


def accept(app, report_id: int, official_id: int) -> None:
    from app.auth.models import User

    with app.app_context():
        services.accept(db.session.get(Report, report_id), db.session.get(User, official_id), "urgent")
        db.session.commit()
        db.session.remove()


def test_reporter_and_followers_are_told_when_an_official_accepts(app, client, make_user, make_report, login):
    from app.auth.models import User

    reporter, follower, bystander = make_user(), make_user(), make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    with app.app_context():
        services.follow(db.session.get(Report, report_id), db.session.get(User, follower))
        db.session.commit()
        db.session.remove()
    accept(app, report_id, official)

    for user_id, count in ((reporter, "1"), (follower, "1"), (bystander, None), (official, None)):
        login(client, user_id)
        client.set_cookie("lang", "en")
        assert badge(client.get("/").get_data(as_text=True)) == count, user_id

    login(client, follower)
    html = client.get("/notifications").get_data(as_text=True)
    text = f"Report #{report_id} (Pothole 1) was accepted and is being handled."
    assert f'<a href="/reports/{report_id}">{text}</a>' in html


def test_mark_all_read_clears_the_badge(app, client, make_user, make_report, login):
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    first, second = make_report(reporter), make_report(reporter)
    accept(app, first, official)
    accept(app, second, official)
    login(client, reporter)
    client.set_cookie("lang", "en")
    html = client.get("/notifications").get_data(as_text=True)
    assert badge(html) == "2"
    assert html.count('class="unread"') == 2
    # Newest first.
    assert html.index(f"Report #{second} ") < html.index(f"Report #{first} ")

    response = client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/notifications")})
    assert response.status_code == 303
    html = client.get("/notifications").get_data(as_text=True)
    assert badge(html) is None
    assert 'class="unread"' not in html and "Mark all as read" not in html
    assert f"Report #{first} " in html


def test_notifications_are_in_the_readers_language(app, client, make_user, make_report, login):
    from app.auth.models import User

    reporter = make_user()
    report_id = make_report(reporter, status="accepted")
    login(client, reporter)
    client.set_cookie("lang", "en")
    assert "was accepted" in client.get("/notifications").get_data(as_text=True)
    with app.app_context():
        db.session.get(User, reporter).locale = "vi"
        db.session.commit()
        db.session.remove()
    html = client.get("/notifications").get_data(as_text=True)
    assert f"/reports/{report_id}" in html
    assert "Ổ gà 1" in html  # the category's Vietnamese name
    assert "was accepted" not in html


def test_inbox_needs_login_and_shows_only_ones_own(client, make_user, make_report, login):
    assert client.get("/notifications").status_code == 302
    make_report(make_user(), status="accepted")
    login(client, make_user())
    client.set_cookie("lang", "en")
    html = client.get("/notifications").get_data(as_text=True)
    assert "No notifications yet." in html


def test_visitors_see_no_notifications_link(client):
    html = client.get("/").get_data(as_text=True)
    assert "/notifications" not in html and 'id="unread-count"' not in html
