"""The citizen side of field reports, through HTTP: file, see, follow, rate, reopen; feed and map."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from PIL import Image

from app.extensions import db
from app.reports import services
from app.reports.models import Report, ReportPhoto
from tests.conftest import csrf_token
from tests.reports.conftest import CUA_NAM, HOAN_KIEM, LAKE, offset_m, photo_bytes


@pytest.fixture(autouse=True)
def english(client):
    """These tests assert English text; the Vietnamese default has its own test."""
    client.set_cookie("lang", "en")


@pytest.fixture
def wards(app):
    from app.places import services as places

    with app.app_context():
        ids = {name: places.ward_by_codename(name).id for name in (HOAN_KIEM, CUA_NAM)}
        db.session.remove()
    return ids


@pytest.fixture
def citizen(client, make_user, login):
    user_id = make_user(name="Trần Thị Dân", phone="+84912345678")
    login(client, user_id)
    return user_id


def _hidden(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


def open_form(client) -> dict:
    html = client.get("/reports/new").get_data(as_text=True)
    return {"csrf_token": _hidden(html, "csrf_token")[0], "submission_id": _hidden(html, "submission_id")[0]}


def post_report(client, base: dict, *, photos=(), **fields):
    data = {**base, **fields}
    if photos:
        data["photos"] = [(io.BytesIO(content), name, "image/jpeg") for name, content in photos]
    return client.post("/reports/new", data=data, content_type="multipart/form-data")


def report_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Report.id)))
        db.session.remove()
    return count


def report_id_from(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r"/reports/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


# --- filing -------------------------------------------------------------------------------

def test_visitors_are_sent_to_login(client):
    response = client.get("/reports/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/reports/new")


def test_form_preselects_the_ward_of_the_last_report(client, citizen, make_report, wards):
    make_report(citizen, ward=CUA_NAM)
    html = client.get("/reports/new").get_data(as_text=True)
    assert f'<option value="{wards[CUA_NAM]}" selected>' in html
    assert len(re.findall(r"<option value=\"\d+\"", html)) == 126
    assert 'capture="environment"' in html and 'accept="image/*"' in html


def test_a_boosted_link_gets_a_full_page_load_for_the_form_script(client, citizen):
    response = client.get("/reports/new", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.headers["HX-Redirect"] == "/reports/new"


def test_filing_with_a_photo_end_to_end(app, client, citizen, make_category, wards):
    road = make_category("road")
    original = photo_bytes((2400, 1800), gps=LAKE, taken_at=datetime(2026, 11, 2, 9, 0))
    response = post_report(client, open_form(client), category=road, ward=wards[HOAN_KIEM],
                           description="Ổ gà rất sâu trước số 12 Hàng Bài", address="12 Hàng Bài",
                           lat="21.0287", lon="105.8524", photos=[("IMG_0001.JPG", original)])
    report_id = report_id_from(response)

    with app.app_context():
        from app.core.storage import get_storage

        report = db.session.get(Report, report_id)
        assert (report.reporter_id, report.category_id, report.ward_id) == (citizen, road, wards[HOAN_KIEM])
        assert report.description == "Ổ gà rất sâu trước số 12 Hàng Bài"
        assert (report.lat, report.lon, report.address) == (21.0287, 105.8524, "12 Hàng Bài")
        assert report.show_name is False
        assert report.status == "submitted" and report.due_at is not None
        [photo] = report.photos
        stored = get_storage().open(photo.key)
        db.session.remove()
    assert stored != original
    with Image.open(io.BytesIO(stored)) as im:
        assert max(im.size) == 1600
        assert not im.getexif()
    assert photo.gps_lat == pytest.approx(LAKE[0], abs=1e-3)

    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert f"Your report #{report_id} was sent to Phường Hoàn Kiếm." in page
    assert "Ổ gà rất sâu trước số 12 Hàng Bài" in page


def test_a_failed_form_keeps_everything_including_the_photo(app, client, citizen, make_category, wards):
    road = make_category("road")
    base = open_form(client)
    response = post_report(client, base, category=road, ward=wards[CUA_NAM], description="ngắn",
                           address="Ngõ 5", photos=[("a.jpg", photo_bytes())])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Describe the problem in 10 to 4000 characters." in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert ">ngắn</textarea>" in html
    assert 'value="Ngõ 5"' in html
    assert f'<option value="{wards[CUA_NAM]}" selected>' in html
    assert f'name="category" value="{road}" checked' in html
    [token] = _hidden(html, "photo_token")
    assert _hidden(html, "submission_id") == [base["submission_id"]]
    assert report_count(app) == 0

    # The thumbnail of the kept photo is shown to its owner.
    thumb = re.search(r'<img src="(/reports/photos/\d+/thumb)"', html).group(1)
    assert client.get(thumb).status_code == 200

    response = post_report(client, base, category=road, ward=wards[CUA_NAM],
                           description="Ổ gà rất sâu ở đầu ngõ 5", photo_token=token)
    report_id = report_id_from(response)
    with app.app_context():
        assert [p.token for p in db.session.get(Report, report_id).photos] == [token]
        db.session.remove()


def test_a_bad_file_is_explained_and_the_rest_is_kept(client, citizen, make_category, wards):
    road = make_category("road")
    response = post_report(client, open_form(client), category=road, ward=wards[HOAN_KIEM],
                           description="Ổ gà rất sâu trước cổng chợ",
                           photos=[("notes.jpg", b"just some text, not a photo"), ("good.jpg", photo_bytes())])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "notes.jpg: This file is not a photo. Please choose a JPEG, PNG or WebP image." in html
    assert "Ổ gà rất sâu trước cổng chợ" in html
    assert len(_hidden(html, "photo_token")) == 1


def test_a_report_needs_a_photo(client, citizen, make_category, wards):
    road = make_category("road")
    response = post_report(client, open_form(client), category=road, ward=wards[HOAN_KIEM],
                           description="Ổ gà rất sâu trước cổng chợ")
    assert response.status_code == 422
    assert "Add at least one photo of the problem." in response.get_data(as_text=True)


def photo_rows(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(ReportPhoto.id)))
        db.session.remove()
    return count


def test_too_many_photos_are_refused_then_some_removed(app, client, citizen, make_category, wards):
    road = make_category("road")
    base = open_form(client)
    fields = {"category": road, "ward": wards[HOAN_KIEM], "description": "Rác thải đổ trộm cả tuần nay"}
    photos = [(f"p{i}.jpg", photo_bytes((64, 48), color=(i * 30, 10, 10))) for i in range(6)]
    response = post_report(client, base, photos=photos, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "A report can have at most 5 photos." in html
    assert _hidden(html, "photo_token") == [] and photo_rows(app) == 0  # counted before storing

    # Three kept from an attempt that failed for another reason, three more: still too many.
    response = post_report(client, base, photos=photos[:3], **{**fields, "description": ""})
    tokens = _hidden(response.get_data(as_text=True), "photo_token")
    assert len(tokens) == 3
    response = post_report(client, base, photos=photos[3:], photo_token=tokens, **fields)
    assert response.status_code == 422
    assert "A report can have at most 5 photos." in response.get_data(as_text=True)
    assert photo_rows(app) == 3

    response = post_report(client, base, photos=photos[3:5], photo_token=tokens,
                           remove_photo=[tokens[2]], **fields)
    report_id = report_id_from(response)
    with app.app_context():
        kept = [p.token for p in db.session.get(Report, report_id).photos]
        assert kept[:2] == tokens[:2] and len(kept) == 4
        db.session.remove()


def test_a_retried_submission_returns_the_same_report(app, client, citizen, make_category, wards):
    road = make_category("road")
    base = open_form(client)
    fields = {"category": road, "ward": wards[HOAN_KIEM], "description": "Đèn đường hỏng cả dãy phố"}
    first = report_id_from(post_report(client, base, photos=[("a.jpg", photo_bytes())], **fields))
    again = report_id_from(post_report(client, base, photos=[("a.jpg", photo_bytes())], **fields))
    assert again == first
    assert report_count(app) == 1
    with app.app_context():
        # The retry did not even store its photo again.
        assert db.session.scalar(sa.select(sa.func.count(ReportPhoto.id))) == 1
        db.session.remove()


def test_someone_elses_draft_photo_is_ignored(app, client, citizen, make_user, make_category, wards):
    from app.auth.models import User

    road = make_category("road")
    other = make_user()
    with app.app_context():
        token = services.store_photo(db.session.get(User, other), photo_bytes()).token
        db.session.commit()
        db.session.remove()
    response = post_report(client, open_form(client), category=road, ward=wards[HOAN_KIEM],
                           description="Cây đổ chắn ngang đường", photo_token=token)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Add at least one photo of the problem." in html
    assert token not in html


def test_extra_questions_of_the_chosen_category_only(app, client, citizen, make_category, wards):
    question = {"code": "size", "label": "Kích thước", "label_en": "How big is it?", "kind": "single",
                "required": True, "options": [{"value": "large", "label": "Lớn", "label_en": "Large"}]}
    road = make_category("road", questions=[question])
    light = make_category("light", questions=[{**question, "code": "poles"}])
    with app.app_context():
        from app.reports.models import CategoryQuestion

        road_q, light_q = (db.session.scalar(sa.select(CategoryQuestion.id).where(CategoryQuestion.category_id == c))
                           for c in (road, light))
        db.session.remove()
    html = client.get("/reports/new").get_data(as_text=True)
    assert f'data-category="{road}"' in html and f'data-category="{light}"' in html

    base = open_form(client)
    fields = {"category": road, "ward": wards[HOAN_KIEM], "description": "Ổ gà to giữa ngã tư"}
    response = post_report(client, base, photos=[("a.jpg", photo_bytes())], **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('id="error-summary"'):html.index("</div>", html.index('id="error-summary"'))]
    # The summary names the question that is missing (issue 11, item 8).
    assert f'href="#answer-{road_q}">How big is it?: Choose an option.</a>' in summary
    token = _hidden(html, "photo_token")

    # The light question's (required, unanswered) check does not apply; its answer is not kept.
    response = post_report(client, base, photo_token=token, **fields,
                           **{f"answer-{road_q}": "large", f"answer-{light_q}": "large"})
    report_id = report_id_from(response)
    with app.app_context():
        assert db.session.get(Report, report_id).answers == {"size": "large"}
        db.session.remove()
    assert "How big is it?" in client.get(f"/reports/{report_id}").get_data(as_text=True)


def test_ward_search_ignores_diacritics(client, wards):
    html = client.get(f"/reports/wards?q=cua+nam&ward={wards[HOAN_KIEM]}").get_data(as_text=True)
    assert f'<option value="{wards[CUA_NAM]}" selected>Phường Cửa Nam</option>' in html
    assert "Hoàn Kiếm" not in html
    html = client.get(f"/reports/wards?ward={wards[HOAN_KIEM]}").get_data(as_text=True)
    assert html.count("<option") == 126
    assert f'<option value="{wards[HOAN_KIEM]}" selected>' in html
    assert "No ward or commune matches" in client.get("/reports/wards?q=zzzz").get_data(as_text=True)


# --- nearby suggestions -------------------------------------------------------------------

def test_nearby_suggests_open_reports_of_the_same_category(app, client, citizen, make_user, make_report,
                                                           make_category, wards):
    road, light = make_category("road"), make_category("light")
    other = make_user()
    near = offset_m(*LAKE, north_m=200)
    far = offset_m(*LAKE, east_m=400)
    found = make_report(other, category_id=road, lat=near[0], lon=near[1], description="Ổ gà gần hồ")
    make_report(other, category_id=road, lat=far[0], lon=far[1], description="Ổ gà xa hơn")
    make_report(other, category_id=light, lat=LAKE[0], lon=LAKE[1], description="Đèn hỏng bên hồ")
    make_report(other, category_id=road, lat=LAKE[0], lon=LAKE[1], description="Ổ gà tháng trước",
                created_at=datetime.now(UTC) - timedelta(days=31))
    make_report(other, category_id=road, lat=LAKE[0], lon=LAKE[1], description="Ổ gà đã đóng", status="closed")

    html = client.get(f"/reports/nearby?category={road}&lat={LAKE[0]}&lon={LAKE[1]}",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in html
    assert "Ổ gà gần hồ" in html
    assert re.search(r"\b20\d m away", html)
    for absent in ("Ổ gà xa hơn", "Đèn hỏng bên hồ", "Ổ gà tháng trước", "Ổ gà đã đóng"):
        assert absent not in html
    assert f"/reports/{found}/follow?from=nearby" in html

    # Without coordinates, the same ward stands in for the distance.
    html = client.get(f"/reports/nearby?category={road}&ward={wards[HOAN_KIEM]}",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Ổ gà gần hồ" in html and "Ổ gà xa hơn" in html and "In the same ward" in html
    assert "Ổ gà gần hồ" not in client.get(f"/reports/nearby?category={road}&ward={wards[CUA_NAM]}",
                                           headers={"HX-Request": "true"}).get_data(as_text=True)

    # Following from the suggestions answers with a short note, not a nested form.
    response = client.post(f"/reports/{found}/follow?from=nearby", headers={
        "HX-Request": "true", "X-CSRFToken": csrf_token(client, "/reports/new")})
    assert "You follow report" in response.get_data(as_text=True)
    assert "<form" not in response.get_data(as_text=True)


def test_a_failed_form_shows_nearby_reports_without_javascript(client, citizen, make_user, make_report,
                                                               make_category, wards):
    road = make_category("road")
    make_report(make_user(), category_id=road, description="Ổ gà đã có người báo")
    response = post_report(client, open_form(client), category=road, ward=wards[HOAN_KIEM], description="x")
    assert "Ổ gà đã có người báo" in response.get_data(as_text=True)


# --- the report page ----------------------------------------------------------------------

def test_report_page_shows_deadline_and_time_left(client, citizen, make_report):
    report_id = make_report(citizen)
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "To be accepted by" in html
    assert re.search(r"\d+ working (hours?|days?) left|Less than one working hour left", html)
    assert 'class="overdue"' not in html

    late = make_report(citizen, status="accepted", overdue=True)
    html = client.get(f"/reports/{late}").get_data(as_text=True)
    assert "To be resolved by" in html
    assert re.search(r"Overdue by \d+ working days?", html)
    assert '<span class="overdue">Overdue</span>' in html


def test_time_left_counts_working_hours(app, make_user, make_report):
    from app.cases.display import time_left
    from app.core.workcal import calendar

    report_id = make_report(make_user())
    monday = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi
    with app.test_request_context(), force_locale("en"):
        report = db.session.get(Report, report_id)
        report.due_at = calendar().add_working_time(monday, timedelta(hours=3))
        assert time_left(report, now=monday) == "3 working hours left"
        report.due_at = calendar().add_working_time(monday, timedelta(hours=20))
        assert time_left(report, now=monday) == "2 working days left"
        # Due Monday 17:00, seen on Wednesday 17:00: two working days late.
        report.due_at = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
        assert time_left(report, now=datetime(2026, 11, 4, 10, 0, tzinfo=UTC)) == "Overdue by 2 working days"
        # Due Friday 17:00, seen on Saturday: late, with no working time lost yet.
        report.due_at = datetime(2026, 11, 6, 10, 0, tzinfo=UTC)
        assert time_left(report, now=datetime(2026, 11, 7, 3, 0, tzinfo=UTC)) == "Overdue"
        db.session.rollback()


def test_reporter_name_only_when_chosen_and_phone_never(app, client, make_user, make_report):
    reporter = make_user(name="Lê Văn Hiển", phone="+84987654321")
    hidden_name = make_report(reporter)
    shown_name = make_report(reporter, show_name=True)
    html = client.get(f"/reports/{hidden_name}").get_data(as_text=True)
    assert "Lê Văn Hiển" not in html
    html = client.get(f"/reports/{shown_name}").get_data(as_text=True)
    assert "Lê Văn Hiển" in html
    for page in (f"/reports/{hidden_name}", f"/reports/{shown_name}", "/reports"):
        html = client.get(page).get_data(as_text=True)
        assert "987654321" not in html and "0987" not in html



def test_the_reporter_sees_that_the_report_is_theirs(client, make_user, make_report, login):
    reporter, other = make_user(), make_user()
    report_id = make_report(reporter)
    login(client, reporter)
    assert '<span class="tag">you</span>' in client.get(f"/reports/{report_id}").get_data(as_text=True)
    login(client, other)
    assert '<span class="tag">you</span>' not in client.get(f"/reports/{report_id}").get_data(as_text=True)


def test_internal_notes_are_for_the_unit_only(app, client, make_user, make_report, login):
    from app.auth.models import User

    reporter = make_user()
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    outsider = make_user(role="ward_official", ward=CUA_NAM)
    report_id = make_report(reporter, status="accepted", official_id=official)
    with app.app_context():
        services.add_note(db.session.get(Report, report_id), db.session.get(User, official),
                          "Đã gọi điện cho đội duy tu")
        db.session.commit()
        db.session.remove()

    for user_id, sees in ((reporter, False), (outsider, False), (official, True)):
        login(client, user_id)
        html = client.get(f"/reports/{report_id}").get_data(as_text=True)
        assert ("Đã gọi điện cho đội duy tu" in html) is sees, user_id


def test_hidden_report_is_404_for_the_public_but_not_for_its_reporter(client, make_user, make_report, login):
    reporter = make_user()
    report_id = make_report(reporter, hidden=True)
    assert client.get(f"/reports/{report_id}").status_code == 404
    login(client, make_user())
    assert client.get(f"/reports/{report_id}").status_code == 404
    login(client, reporter)
    assert client.get(f"/reports/{report_id}").status_code == 200
    assert client.get("/reports/999999").status_code == 404


def test_follow_and_unfollow_update_the_count(client, make_user, make_report, login):
    report_id = make_report(make_user())
    login(client, make_user())
    token = csrf_token(client, f"/reports/{report_id}")
    response = client.post(f"/reports/{report_id}/follow", data={"csrf_token": token})
    assert response.status_code == 303
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "1 person follows this report" in html and "Stop following" in html

    # htmx swaps just the button and the count.
    response = client.post(f"/reports/{report_id}/unfollow", headers={"HX-Request": "true", "X-CSRFToken": token})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "0 people follow this report" in html and "Follow this report" in html


def test_following_rules(client, make_user, make_report, login):
    reporter = make_user()
    report_id = make_report(reporter)
    login(client, reporter)
    token = csrf_token(client, f"/reports/{report_id}")
    assert client.post(f"/reports/{report_id}/follow", data={"csrf_token": token}).status_code == 403
    hidden = make_report(reporter, hidden=True)
    login(client, make_user())
    token = csrf_token(client, f"/reports/{report_id}")
    assert client.post(f"/reports/{hidden}/follow", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/reports/{report_id}/follow", data={"csrf_token": token}).status_code == 303


def test_a_visitor_following_is_sent_to_login(app, client, make_user, make_report):
    report_id = make_report(make_user())
    token = csrf_token(client, f"/reports/{report_id}")
    response = client.post(f"/reports/{report_id}/follow", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_before_and_after_photos_side_by_side(client, make_user, make_report):
    report_id = make_report(make_user(), status="resolved", photos=2, result_photos=1)
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    section = html[html.index('class="before-after"'):]
    assert section.index("Before") < section.index("After")
    assert len(re.findall(r'loading="lazy"', section[:section.index("</div>")])) == 3
    assert re.search(r'<img src="/reports/photos/\d+/thumb" width="\d+" height="\d+"', section)


# --- rating and reopening -----------------------------------------------------------------

def test_only_the_reporter_rates_and_reopens(client, make_user, make_report, login):
    reporter = make_user()
    report_id = make_report(reporter, status="resolved")
    login(client, make_user())
    token = csrf_token(client, f"/reports/{report_id}")
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert f'action="/reports/{report_id}/rate"' not in html
    assert client.post(f"/reports/{report_id}/rate",
                       data={"csrf_token": token, "satisfied": "yes"}).status_code == 403
    assert client.post(f"/reports/{report_id}/reopen",
                       data={"csrf_token": token, "reason": "Vẫn còn ổ gà"}).status_code == 403


def test_rating_satisfied_closes_the_report(app, client, make_user, make_report, login, report_of):
    reporter = make_user()
    report_id = make_report(reporter, status="resolved")
    login(client, reporter)
    token = csrf_token(client, f"/reports/{report_id}")
    response = client.post(f"/reports/{report_id}/rate", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose whether you are satisfied." in response.get_data(as_text=True)

    response = client.post(f"/reports/{report_id}/rate",
                           data={"csrf_token": token, "satisfied": "yes", "comment": "Nhanh, cảm ơn"})
    assert response.status_code == 303
    report = report_of(report_id)
    assert (report.status, report.satisfied, report.rating_comment) == ("closed", True, "Nhanh, cảm ơn")
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "The citizen was satisfied with this answer." in html
    assert "Rate the answer" not in html

    response = client.post(f"/reports/{report_id}/rate", data={"csrf_token": token, "satisfied": "no"},
                           follow_redirects=True)
    assert "This answer can no longer be rated." in response.get_data(as_text=True)


def test_reopen_only_once(app, client, make_user, make_report, login, report_of):
    from app.auth.models import User

    reporter = make_user()
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    report_id = make_report(reporter, status="resolved", official_id=official)
    login(client, reporter)
    token = csrf_token(client, f"/reports/{report_id}")
    response = client.post(f"/reports/{report_id}/reopen", data={"csrf_token": token, "reason": " "})
    assert response.status_code == 422
    assert "Tell the officials what is still wrong." in response.get_data(as_text=True)

    response = client.post(f"/reports/{report_id}/reopen",
                           data={"csrf_token": token, "reason": "Ổ gà vẫn còn nguyên"})
    assert response.status_code == 303
    report = report_of(report_id)
    assert (report.status, report.reopened) == ("accepted", True)

    with app.app_context():
        services.resolve(db.session.get(Report, report_id), db.session.get(User, official), "Đã vá lại",
                         [services.store_photo(db.session.get(User, official), photo_bytes(), kind="result")])
        db.session.commit()
        db.session.remove()
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Ask to reopen" not in html
    response = client.post(f"/reports/{report_id}/reopen",
                           data={"csrf_token": token, "reason": "Lại hỏng"}, follow_redirects=True)
    assert "cannot be reopened" in response.get_data(as_text=True)
    assert report_of(report_id).status == "resolved"


def test_each_answer_has_its_own_rating_after_a_reopen(app, client, make_user, make_report, login, report_of):
    """Issue 10, point 23: the answer given after a reopening can be rated, and the page shows
    every answer with the citizen's verdict on it."""
    from app.auth.models import User

    reporter = make_user()
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    report_id = make_report(reporter, status="resolved", official_id=official, answer="Đã vá lần một")
    login(client, reporter)
    token = csrf_token(client, f"/reports/{report_id}")
    assert client.post(f"/reports/{report_id}/rate", data={
        "csrf_token": token, "satisfied": "no", "comment": "Vá ẩu"}).status_code == 303
    assert client.post(f"/reports/{report_id}/reopen", data={
        "csrf_token": token, "reason": "Ổ gà vẫn còn"}).status_code == 303
    with app.app_context():
        report = db.session.get(Report, report_id)
        first_photos = {p.id for p in report.photos_of("result")}
        second = services.store_photo(db.session.get(User, official), photo_bytes(color=(1, 2, 3)), kind="result")
        services.resolve(report, db.session.get(User, official), "Đã vá lần hai", [second])
        db.session.commit()
        second_id = second.id
        db.session.remove()

    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert f'action="/reports/{report_id}/rate"' in html
    # The current answer's "after" shows its own photo only; the earlier one keeps its own.
    current = html[html.index("Đã vá lần hai"):html.index("Earlier answers")]
    assert f"/reports/photos/{second_id}/thumb" in current
    assert not any(f"/reports/photos/{i}/thumb" in current for i in first_photos)
    earlier_section = html[html.index("Earlier answers"):]
    assert all(f"/reports/photos/{i}/thumb" in earlier_section for i in first_photos)
    start = html.index("Earlier answers")
    earlier = html[start:html.index("</section>", start)]
    assert "Đã vá lần một" in earlier and "Vá ẩu" in earlier and "Ổ gà vẫn còn" in earlier
    assert "Đã vá lần hai" not in earlier
    response = client.post(f"/reports/{report_id}/rate", data={"csrf_token": token, "satisfied": "yes"})
    assert response.status_code == 303
    report = report_of(report_id)
    assert (report.status, report.satisfied) == ("closed", True)
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    current = html[html.index("Đã vá lần hai"):html.index("Earlier answers")]
    assert "The citizen was satisfied with this answer." in current
    start = html.index("Earlier answers")
    assert "The citizen was not satisfied with this answer." in html[start:html.index("</section>", start)]


# --- photos -------------------------------------------------------------------------------

def test_photo_route_checks_who_may_see(app, client, make_user, make_report, login):
    from app.auth.models import User

    reporter = make_user()
    public_id = make_report(reporter)
    hidden_id = make_report(reporter, hidden=True)
    with app.app_context():
        public_photo = db.session.get(Report, public_id).photos[0].id
        hidden_photo = db.session.get(Report, hidden_id).photos[0].id
        draft = services.store_photo(db.session.get(User, reporter), photo_bytes()).id
        db.session.commit()
        db.session.remove()

    response = client.get(f"/reports/photos/{public_photo}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "public" in response.headers["Cache-Control"]
    with Image.open(io.BytesIO(response.data)) as im:
        assert not im.getexif()
    assert client.get(f"/reports/photos/{public_photo}/thumb").status_code == 200
    assert client.get(f"/reports/photos/{public_photo}",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    for url in (f"/reports/photos/{hidden_photo}", f"/reports/photos/{hidden_photo}/thumb",
                f"/reports/photos/{draft}", f"/reports/photos/{draft}/thumb"):
        assert client.get(url).status_code == 404, url
    login(client, make_user())
    assert client.get(f"/reports/photos/{draft}").status_code == 404
    assert client.get(f"/reports/photos/{hidden_photo}").status_code == 404
    login(client, reporter)
    response = client.get(f"/reports/photos/{draft}/thumb")
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    assert client.get(f"/reports/photos/{hidden_photo}").status_code == 200


def test_photos_are_kept_a_year_by_browsers_and_an_hour_by_shared_caches(app, client, make_user, make_report,
                                                                         login):
    from app.auth.models import User

    reporter = make_user()
    report_id = make_report(reporter)
    with app.app_context():
        photo = db.session.get(Report, report_id).photos[0]
        photo_id, sha = photo.id, photo.sha256
        draft = services.store_photo(db.session.get(User, reporter), photo_bytes()).id
        db.session.commit()
        db.session.remove()
    for url in (f"/reports/photos/{photo_id}", f"/reports/photos/{photo_id}/thumb"):
        cache = client.get(url).headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "s-maxage=3600" in cache, url
    assert client.get(f"/reports/photos/{photo_id}").headers["ETag"].strip('"') == sha
    login(client, reporter)
    cache = client.get(f"/reports/photos/{draft}").headers["Cache-Control"]
    assert "private" in cache and "public" not in cache and "s-maxage" not in cache


def test_a_photo_hidden_by_moderators_is_not_served(app, client, make_user, make_report):
    report_id = make_report(make_user(), photos=2)
    with app.app_context():
        first, second = db.session.get(Report, report_id).photos
        first.hidden = True
        db.session.commit()
        ids = first.id, second.id
        db.session.remove()
    assert client.get(f"/reports/photos/{ids[0]}").status_code == 404
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert f"/reports/photos/{ids[0]}" not in html and f"/reports/photos/{ids[1]}" in html


# --- lists --------------------------------------------------------------------------------

def test_my_reports_lists_filed_and_followed(app, client, citizen, make_user, make_report):
    mine = make_report(citizen, description="Báo cáo của tôi")
    theirs = make_report(make_user(), description="Báo cáo người khác")
    unrelated = make_report(make_user())
    with app.app_context():
        from app.auth.models import User

        services.follow(db.session.get(Report, theirs), db.session.get(User, citizen))
        db.session.commit()
        db.session.remove()
    html = client.get("/reports/mine").get_data(as_text=True)
    filed = html[html.index("Reports I sent"):html.index("Reports I follow")]
    followed = html[html.index("Reports I follow"):]
    assert f"#{mine}<" in filed and f"#{theirs}<" not in filed
    assert f"#{theirs}<" in followed and f"#{unrelated}<" not in html
    assert re.search(r"\d+ working (hours?|days?) left|Less than one working hour left", filed)


def test_my_reports_needs_login(client):
    assert client.get("/reports/mine").status_code == 302


def test_feed_keyset_pagination(client, make_user, make_report):
    reporter = make_user()
    ids = [make_report(reporter, photos=0, description=f"Phản ánh số {n:02d} về rác") for n in range(25)]
    html = client.get("/reports").get_data(as_text=True)
    first = [int(i) for i in re.findall(r'class="feed-title" href="/reports/(\d+)"', html)]
    assert first == sorted(ids, reverse=True)[:20]
    older = re.search(r'<li class="more"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"before={first[-1]}" in older

    response = client.get(older, headers={"HX-Request": "true"})
    page2 = [int(i) for i in re.findall(r'class="feed-title" href="/reports/(\d+)"', response.get_data(as_text=True))]
    assert page2 == sorted(ids, reverse=True)[20:]
    assert not set(first) & set(page2)
    assert 'class="more"' not in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)


def test_boosted_navigation_gets_the_whole_feed_page(client, make_user, make_report):
    make_report(make_user(), photos=0)
    html = client.get("/reports", headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in html and 'id="feed-filters"' in html


def test_feed_filters(app, client, make_user, make_report, make_category, wards):
    road, light = make_category("road"), make_category("light")
    reporter = make_user()
    a = make_report(reporter, category_id=road, ward=HOAN_KIEM, photos=0)
    b = make_report(reporter, category_id=light, ward=HOAN_KIEM, photos=0, status="accepted")
    c = make_report(reporter, category_id=road, ward=CUA_NAM, photos=0, status="accepted", overdue=True)
    hidden = make_report(reporter, category_id=road, ward=HOAN_KIEM, photos=0, hidden=True)

    def shown(query: str) -> set[int]:
        html = client.get(f"/reports?{query}").get_data(as_text=True)
        return {int(i) for i in re.findall(r'class="feed-title" href="/reports/(\d+)"', html)}

    assert shown("") == {a, b, c}
    assert shown(f"ward={wards[HOAN_KIEM]}") == {a, b}
    assert shown(f"category={road}") == {a, c}
    assert shown("status=accepted") == {b, c}
    assert shown("overdue=1") == {c}
    assert shown(f"category={road}&ward={wards[CUA_NAM]}&overdue=1") == {c}
    assert hidden not in shown("status=submitted")

    # The older-reports link keeps the filters.
    many = [make_report(reporter, category_id=light, photos=0) for _ in range(20)]
    html = client.get(f"/reports?category={light}").get_data(as_text=True)
    older = re.search(r'<li class="more"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"category={light}" in older
    assert shown(older.split("?", 1)[1]) == {b, *many} - set(sorted(many, reverse=True)[:20])


def test_feed_items_show_thumbnail_status_and_time(client, make_user, make_report):
    report_id = make_report(make_user(), status="accepted", overdue=True)
    html = client.get("/reports").get_data(as_text=True)
    item = html[html.index('class="feed-item"'):]
    assert re.search(r'<img src="/reports/photos/\d+/thumb" width="\d+" height="\d+"\s+loading="lazy"', item)
    assert "In progress" in item and "Overdue" in item and f"#{report_id}" in item
    assert 'hx-get="/reports"' in html  # the filter form swaps the list


def test_map_points_are_public_fields_only(client, make_user, make_report, make_category):
    road = make_category("road")
    reporter = make_user(name="Phạm Bí Mật", phone="+84911222333")
    shown = make_report(reporter, category_id=road, lat=LAKE[0], lon=LAKE[1], show_name=True,
                        address="Số 1 Tràng Tiền")
    make_report(reporter, category_id=road)  # no coordinates: not on the map
    make_report(reporter, category_id=road, lat=LAKE[0], lon=LAKE[1], hidden=True)
    response = client.get(f"/reports/map.json?category={road}")
    data = response.get_json()
    assert [p["id"] for p in data["points"]] == [shown]
    assert set(data["points"][0]) == {"id", "lat", "lon", "category", "status", "status_label", "title",
                                      "label", "deadline", "overdue", "url"}
    raw = json.dumps(data, ensure_ascii=False)
    for secret in ("Phạm Bí Mật", "911222333", "Tràng Tiền", "Ổ gà lớn"):
        assert secret not in raw
    assert client.get("/reports/map.json?status=closed").get_json()["points"] == []


def test_pages_are_vietnamese_by_default(client, make_user, make_report):
    report_id = make_report(make_user(), status="accepted", overdue=True)
    client.delete_cookie("lang")
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Đang xử lý" in html and "Quá hạn" in html
    assert "In progress" not in html


def test_home_page_action_files_a_report(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/reports/new" id="action-report" hx-boost="false"' in html
    assert 'href="/reports"' in html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_rate_and_reopen_sent_back_reload_and_name_the_missing_answer(client, make_user, make_report, login, lang):
    reporter = make_user()
    report_id = make_report(reporter, status="resolved")
    login(client, reporter)
    client.set_cookie("lang", lang)
    token = csrf_token(client, f"/reports/{report_id}")
    messages = {"en": ("Choose whether you are satisfied.", "Tell the officials what is still wrong."),
                "vi": None}
    for step, field in (("rate", "rate-satisfied"), ("reopen", "reason")):
        url = f"/reports/{report_id}/{step}"
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        summary = html.split('id="error-summary"')[1].split("</div>")[0]
        link = re.search(rf'<a href="#{field}">([^<]+)</a>', summary)
        assert link, summary
        if messages[lang]:
            assert link.group(1) == messages[lang][0 if step == "rate" else 1]
        # The same message stands next to the field, which points to it.
        error_id = "satisfied-error" if step == "rate" else "reason-error"
        assert f'<p class="error" id="{error_id}" role="alert">{link.group(1)}' in html
        assert html.index('id="error-summary"') < html.index("<h1>")
        reloaded = client.get(url)
        assert reloaded.status_code == 200
        page = reloaded.get_data(as_text=True)
        assert f'action="/reports/{report_id}/rate"' in page and 'id="error-summary"' not in page
