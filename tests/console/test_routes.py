"""The officials' console: the scoped inbox and every step of the handling page."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db
from app.places import services as places
from app.reports.models import ReportPhoto
from tests.conftest import csrf_token
from tests.reports.conftest import CUA_NAM, HOAN_KIEM, LAKE, offset_m, photo_bytes


@pytest.fixture
def sign_in(client, login):
    """Log the test client in (English pages) and return a CSRF token for its forms."""

    def do(user_id: int) -> str:
        login(client, user_id)
        client.set_cookie("lang", "en")
        return csrf_token(client, "/")

    return do


@pytest.fixture
def hk_official(make_user):
    return make_user(role="ward_official", ward=HOAN_KIEM, name="Cán bộ Hoàn Kiếm")


@pytest.fixture
def citizen(make_user):
    return make_user(name="Trần Thị Phản Ánh", phone="+84912399888")


def ward_id(app, codename: str) -> int:
    with app.app_context():
        return places.ward_by_codename(codename).id


def rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="report-(\d+)"', html)]


def row(html: str, report_id: int) -> str:
    match = re.search(rf'<tr id="report-{report_id}".*?</tr>', html, re.S)
    assert match, f"no row for report {report_id}"
    return match.group(0)


def count(html: str, link: str) -> int:
    match = re.search(rf'href="/console/\?{re.escape(link)}">[^<]*<strong class="count">(\d+)</strong>', html)
    assert match, f"no count for {link}"
    return int(match.group(1))


def snapshot(report_of, report_id: int) -> tuple:
    report = report_of(report_id)
    return (report.status, report.level, report.unit_ward_id, report.unit_agency_id, report.description,
            report.hidden, report.reject_reason, len(report.events), sorted(p.hidden for p in report.photos))


def public_client(app):
    other = app.test_client()
    other.set_cookie("lang", "en")
    return other


def has_public_report_page(app) -> bool:
    return "reports.show_report" in app.view_functions


# --- access -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/console/", "/console/reports/1", "/console/wards?q=cua"])
def test_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_citizens_cannot_use_the_console(client, sign_in, citizen, make_report):
    report_id = make_report(citizen)
    token = sign_in(citizen)
    assert client.get("/console/").status_code == 403
    assert client.get(f"/console/reports/{report_id}").status_code == 403
    assert client.get("/console/wards?q=cua").status_code == 403
    response = client.post(f"/console/reports/{report_id}/accept", data={"csrf_token": token, "level": "normal"})
    assert response.status_code == 403


def test_handling_page_404_and_other_wards_403(client, sign_in, citizen, make_user, make_report):
    report_id = make_report(citizen, ward=HOAN_KIEM)
    sign_in(make_user(role="ward_official", ward=CUA_NAM))
    assert client.get("/console/reports/999999").status_code == 404
    assert client.get(f"/console/reports/{report_id}").status_code == 403


# --- inbox ------------------------------------------------------------------------------

def test_inbox_shows_only_the_officials_ward_by_deadline(client, sign_in, citizen, hk_official, make_report):
    now = datetime.now(UTC)
    later = make_report(citizen, ward=HOAN_KIEM, due_at=now + timedelta(days=5))
    sooner = make_report(citizen, ward=HOAN_KIEM, due_at=now + timedelta(hours=1))
    elsewhere = make_report(citizen, ward=CUA_NAM, description="Đèn đường hỏng ở Cửa Nam")
    sign_in(hk_official)
    html = client.get("/console/").get_data(as_text=True)
    assert rows(html) == [sooner, later]
    assert "Đèn đường hỏng ở Cửa Nam" not in html and elsewhere not in rows(html)
    assert "Phường Hoàn Kiếm" in html
    assert "working" in row(html, later)  # time left in working time


def test_agency_official_sees_agency_routed_reports(client, sign_in, citizen, make_user, make_category,
                                                   make_report, hk_official):
    police = make_category("security", unit_type="agency", agency="police", name_en="Public order")
    agency_report = make_report(citizen, category_id=police)
    ward_report = make_report(citizen)
    sign_in(make_user(role="agency_official", agency="police"))
    assert rows(client.get("/console/").get_data(as_text=True)) == [agency_report]
    sign_in(make_user(role="agency_official", agency="transport"))
    assert rows(client.get("/console/").get_data(as_text=True)) == []
    sign_in(hk_official)
    assert rows(client.get("/console/").get_data(as_text=True)) == [ward_report]


def test_city_admin_sees_every_unit(client, sign_in, citizen, make_user, make_category, make_report):
    police = make_category("security", unit_type="agency", agency="police")
    ids = {make_report(citizen, ward=HOAN_KIEM), make_report(citizen, ward=CUA_NAM),
           make_report(citizen, category_id=police)}
    sign_in(make_user(role="city_admin"))
    assert set(rows(client.get("/console/").get_data(as_text=True))) == ids


def test_inbox_filters_and_counts(client, sign_in, citizen, hk_official, make_category, make_report):
    roads = make_category("road", name_en="Road damage")
    lights = make_category("lights", name_en="Street lighting")
    waiting = make_report(citizen, category_id=roads)
    urgent = make_report(citizen, category_id=roads, status="accepted", level="urgent")
    complex_ = make_report(citizen, category_id=lights, status="accepted", level="complex")
    resolved = make_report(citizen, category_id=roads, status="resolved")
    late = make_report(citizen, category_id=roads, status="accepted", overdue=True)
    make_report(citizen, category_id=roads, ward=CUA_NAM)  # not counted: another ward
    sign_in(hk_official)

    html = client.get("/console/").get_data(as_text=True)
    assert set(rows(html)) == {waiting, urgent, complex_, late}  # open ones by default
    assert count(html, "status=submitted") == 1
    assert count(html, "status=accepted") == 3
    assert count(html, "status=resolved") == 1
    assert count(html, "status=rejected") == 0
    assert count(html, "overdue=1") == 1

    def listed(query: str) -> list[int]:
        return rows(client.get(f"/console/?{query}").get_data(as_text=True))

    assert listed("status=resolved") == [resolved]
    assert listed("level=urgent") == [urgent]
    assert listed(f"category={lights}") == [complex_]
    assert listed("overdue=1") == [late]
    assert listed("status=accepted&level=complex") == [complex_]
    assert set(listed("status=bogus&level=nope&category=x")) == {waiting, urgent, complex_, late}


def test_overdue_reports_stand_out(client, sign_in, citizen, hk_official, make_report):
    late = make_report(citizen, status="accepted", overdue=True)
    on_time = make_report(citizen)
    sign_in(hk_official)
    html = client.get("/console/").get_data(as_text=True)
    assert rows(html)[0] == late
    late_row, on_time_row = row(html, late), row(html, on_time)
    assert "is-overdue" in late_row and "chip-overdue" in late_row and "Overdue by" in late_row
    assert ">Overdue<" not in late_row  # said once, by the deadline chip
    assert "is-overdue" not in on_time_row and "Overdue" not in on_time_row
    page = client.get(f"/console/reports/{late}").get_data(as_text=True)
    assert "Overdue since" in page


def test_filter_form_gets_the_table_alone_over_htmx(client, sign_in, citizen, hk_official, make_report):
    make_report(citizen, status="resolved")
    sign_in(hk_official)
    response = client.get("/console/?status=resolved", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<table" in html and "Resolved" in html
    assert "HX-Request" in response.headers["Vary"]
    # A boosted navigation swaps the whole body: it needs the whole page.
    boosted = client.get("/console/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


# --- accept -----------------------------------------------------------------------------

def test_accept_sets_the_level_and_a_new_deadline(app, client, sign_in, citizen, hk_official, make_report,
                                                  report_of):
    report_id = make_report(citizen)
    before = report_of(report_id)
    token = sign_in(hk_official)
    response = client.post(f"/console/reports/{report_id}/accept", data={"csrf_token": token, "level": "urgent"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/reports/{report_id}"
    report = report_of(report_id)
    assert (report.status, report.level) == ("accepted", "urgent")
    with app.app_context():
        from app.core.workcal import due_after

        assert report.due_at == due_after(report.accepted_at, 4)
    assert report.due_at != before.due_at
    assert [e.kind for e in report.events][-1] == "accepted"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Report #{report_id} accepted." in page


def test_htmx_accept_swaps_the_row(client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    html = client.get("/console/").get_data(as_text=True)
    assert 'name="level" value="complex"' in row(html, report_id)
    response = client.post(f"/console/reports/{report_id}/accept",
                           data={"csrf_token": token, "level": "complex", "next": "/console/"},
                           headers={"HX-Request": "true", "HX-Target": f"report-{report_id}"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="report-{report_id}"')
    assert "<html" not in html and "In progress" in html and "Complex" in html
    assert 'id="inbox-counts"' in html and "hx-swap-oob" in html
    assert report_of(report_id).level == "complex"


def test_accept_without_javascript_goes_back_to_the_inbox(client, sign_in, citizen, hk_official, make_report):
    first, second = make_report(citizen), make_report(citizen)
    token = sign_in(hk_official)
    response = client.post(f"/console/reports/{first}/accept",
                           data={"csrf_token": token, "level": "normal", "next": "/console/?status=submitted"})
    assert response.status_code == 303 and response.headers["Location"] == "/console/?status=submitted"
    response = client.post(f"/console/reports/{second}/accept",
                           data={"csrf_token": token, "level": "normal", "next": "https://evil.example/"})
    assert response.headers["Location"] == f"/console/reports/{second}"


def test_a_refused_step_is_explained(client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen, status="accepted", level="normal")
    token = sign_in(hk_official)
    response = client.post(f"/console/reports/{report_id}/accept", data={"csrf_token": token, "level": "urgent"},
                           follow_redirects=True)
    assert "not possible in the report&#39;s current status" in response.get_data(as_text=True)
    assert report_of(report_id).level == "normal"
    # An htmx row action shows the refusal in the row.
    response = client.post(f"/console/reports/{report_id}/accept", data={"csrf_token": token, "level": "urgent"},
                           headers={"HX-Request": "true", "HX-Target": f"report-{report_id}"})
    assert 'role="alert"' in response.get_data(as_text=True)


def test_accept_needs_a_level(client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    response = client.post(f"/console/reports/{report_id}/accept", data={"csrf_token": token, "level": "soon"})
    assert response.status_code == 422
    assert "Choose a level" in response.get_data(as_text=True)
    assert report_of(report_id).status == "submitted"


# --- transfer ---------------------------------------------------------------------------

def test_transfer_moves_the_report_to_the_other_wards_inbox(app, client, sign_in, citizen, hk_official, make_user,
                                                            make_report, report_of):
    report_id = make_report(citizen, status="accepted")
    cua_nam = ward_id(app, CUA_NAM)
    token = sign_in(hk_official)
    response = client.post(f"/console/reports/{report_id}/transfer", data={
        "csrf_token": token, "ward_id": str(cua_nam), "agency_id": "", "reason": "Thuộc địa bàn phường Cửa Nam"})
    assert response.status_code == 303 and response.headers["Location"] == "/console/"
    report = report_of(report_id)
    assert (report.status, report.level, report.unit_ward_id, report.ward_id) == ("submitted", None, cua_nam, cua_nam)
    assert report.events[-1].data["reason"] == "Thuộc địa bàn phường Cửa Nam"
    assert report_id not in rows(client.get("/console/").get_data(as_text=True))
    assert client.get(f"/console/reports/{report_id}").status_code == 403
    sign_in(make_user(role="ward_official", ward=CUA_NAM))
    assert report_id in rows(client.get("/console/").get_data(as_text=True))
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Transferred from Phường Hoàn Kiếm to Phường Cửa Nam" in page


def test_transfer_to_an_agency(app, client, sign_in, citizen, hk_official, make_user, make_report, report_of):
    report_id = make_report(citizen)
    with app.app_context():
        police = places.agency_by_code("police").id
    token = sign_in(hk_official)
    client.post(f"/console/reports/{report_id}/transfer",
                data={"csrf_token": token, "agency_id": str(police), "reason": "Vi phạm trật tự"})
    report = report_of(report_id)
    assert (report.unit_type, report.unit_agency_id, report.unit_ward_id) == ("agency", police, None)
    sign_in(make_user(role="agency_official", agency="police"))
    assert rows(client.get("/console/").get_data(as_text=True)) == [report_id]


def test_transfer_without_javascript_finds_the_ward_by_search(app, client, sign_in, citizen, hk_official,
                                                              make_report, report_of):
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    client.post(f"/console/reports/{report_id}/transfer",
                data={"csrf_token": token, "q": "cua nam", "ward_id": "", "reason": "Sai phường"})
    assert report_of(report_id).unit_ward_id == ward_id(app, CUA_NAM)


def test_transfer_needs_a_reason_and_one_unit(app, client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen)
    before = snapshot(report_of, report_id)
    token = sign_in(hk_official)
    url = f"/console/reports/{report_id}/transfer"
    response = client.post(url, data={"csrf_token": token, "ward_id": str(ward_id(app, CUA_NAM)), "reason": " "})
    assert response.status_code == 422
    assert "Say why the report goes to another unit." in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "reason": "Sai phường"})
    assert response.status_code == 422
    assert "Choose the ward or the agency" in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "ward_id": str(ward_id(app, HOAN_KIEM)),
                                      "reason": "Sai phường"}, follow_redirects=True)
    assert "already with this unit" in response.get_data(as_text=True)
    assert snapshot(report_of, report_id) == before


def test_ward_options_are_searched_without_diacritics(client, sign_in, hk_official):
    sign_in(hk_official)
    html = client.get("/console/wards?q=cua nam").get_data(as_text=True)
    assert "<option" in html and "Phường Cửa Nam" in html and "Hoàn Kiếm" not in html
    assert "<html" not in html


# --- reject -----------------------------------------------------------------------------

def test_reject_as_duplicate_needs_an_existing_report(client, sign_in, citizen, hk_official, make_report, report_of):
    original = make_report(citizen, status="accepted")
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    url = f"/console/reports/{report_id}/reject"
    for number, message in [("", "Enter the number of the report this one duplicates."),
                            ("999999", "There is no report #999999."),
                            (str(report_id), "A report cannot be a duplicate of itself.")]:
        response = client.post(url, data={"csrf_token": token, "reason": "duplicate", "duplicate_of": number})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert report_of(report_id).status == "submitted"
    response = client.post(url, data={"csrf_token": token, "reason": "duplicate", "duplicate_of": f"#{original}",
                                      "text": "Đã có phản ánh trước đó."})
    assert response.status_code == 303
    report = report_of(report_id)
    assert (report.status, report.reject_reason, report.duplicate_of_id) == ("rejected", "duplicate", original)
    assert report.reject_text == "Đã có phản ánh trước đó."


def test_reject_out_of_scope(client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    client.post(f"/console/reports/{report_id}/reject", data={"csrf_token": token, "reason": "out_of_scope"})
    report = report_of(report_id)
    assert (report.status, report.reject_reason, report.duplicate_of_id) == ("rejected", "out_of_scope", None)


# --- resolve ----------------------------------------------------------------------------

def upload(data: bytes, name: str = "fixed.jpg"):
    return (io.BytesIO(data), name)


def test_resolve_requires_text_and_a_result_photo(client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen, status="accepted")
    token = sign_in(hk_official)
    url = f"/console/reports/{report_id}/resolve"
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Required for this category:" in page
    response = client.post(url, data={"csrf_token": token, "answer": ""}, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write the answer that the citizen will see." in html
    response = client.post(url, data={"csrf_token": token, "answer": "Đã vá lại mặt đường."},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Add at least one photo that shows the problem was fixed." in html
    assert "Đã vá lại mặt đường." in html  # the typed answer is kept
    assert report_of(report_id).status == "accepted"

    response = client.post(url, data={"csrf_token": token, "answer": "Đã vá lại mặt đường.",
                                      "photos": [upload(photo_bytes())]}, content_type="multipart/form-data")
    assert response.status_code == 303
    report = report_of(report_id)
    assert (report.status, report.answer_text) == ("resolved", "Đã vá lại mặt đường.")
    results = [p for p in report.photos if p.kind == "result"]
    assert len(results) == 1 and results[0].owner_id == hk_official
    with client.application.app_context():
        from app.core.storage import get_storage

        assert get_storage().exists(results[0].key) and get_storage().exists(results[0].thumb_key)


def test_resolve_keeps_uploaded_photos_when_the_form_fails(app, client, sign_in, citizen, hk_official, make_report,
                                                          report_of):
    report_id = make_report(citizen, status="accepted")
    token = sign_in(hk_official)
    url = f"/console/reports/{report_id}/resolve"
    response = client.post(url, data={"csrf_token": token, "answer": "", "photos": [upload(photo_bytes())]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    tokens = re.findall(r'name="photo_token" value="([^"]+)"', response.get_data(as_text=True))
    assert len(tokens) == 1
    with app.app_context():
        draft = db.session.scalar(sa.select(ReportPhoto).where(ReportPhoto.token == tokens[0]))
        assert draft is not None and draft.report_id is None
    response = client.post(url, data={"csrf_token": token, "answer": "Đã sửa xong.", "photo_token": tokens[0]},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    report = report_of(report_id)
    assert report.status == "resolved"
    assert [p.token for p in report.photos if p.kind == "result"] == tokens


def test_resolve_explains_a_bad_photo(client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen, status="accepted")
    token = sign_in(hk_official)
    url = f"/console/reports/{report_id}/resolve"
    response = client.post(url, data={"csrf_token": token, "answer": "Đã sửa.",
                                      "photos": [upload(b"not a photo at all", "notes.txt")]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "notes.txt: This file is not a photo." in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "answer": "Đã sửa.",
                                      "photos": [upload(photo_bytes(size=(20, 20))) for _ in range(6)]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "You can add at most 5 photos." in response.get_data(as_text=True)
    assert report_of(report_id).status == "accepted"


def test_resolve_without_photo_when_the_category_allows_it(client, sign_in, citizen, hk_official, make_category,
                                                           make_report, report_of):
    noise = make_category("noise", result_photo_required=False)
    report_id = make_report(citizen, category_id=noise, status="accepted")
    token = sign_in(hk_official)
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Optional for this category" in page
    response = client.post(f"/console/reports/{report_id}/resolve",
                           data={"csrf_token": token, "answer": "Đã nhắc nhở hộ gia đình."},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert report_of(report_id).status == "resolved"


def test_a_result_photo_far_away_is_flagged_for_officials_only(app, client, sign_in, login, make_user, citizen,
                                                               hk_official, make_report, report_of):
    report_id = make_report(citizen, status="accepted", lat=LAKE[0], lon=LAKE[1])
    token = sign_in(hk_official)
    far = photo_bytes(gps=offset_m(*LAKE, north_m=1000))
    client.post(f"/console/reports/{report_id}/resolve",
                data={"csrf_token": token, "answer": "Đã xử lý.", "photos": [upload(far)]},
                content_type="multipart/form-data")
    report = report_of(report_id)
    assert report.status == "resolved" and report.proof_flagged
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "The proof of the fix looks doubtful" in page
    assert re.search(r"A result photo was taken (999|1,00\d) metres from the report", page)
    assert "Proof doubtful" in row(client.get("/console/?status=resolved").get_data(as_text=True), report_id)
    if not has_public_report_page(app):
        pytest.skip("no public report page yet")
    for viewer in (None, citizen, make_user()):
        other = public_client(app)
        if viewer is not None:
            login(other, viewer)
        html = other.get(f"/reports/{report_id}").get_data(as_text=True)
        assert "Đã xử lý." in html  # the answer is public…
        assert "doubtful" not in html and "flagged" not in html.lower() and "metres" not in html  # …the flag is not


# --- notes and moderation ---------------------------------------------------------------

def test_internal_note_is_in_the_console_timeline_only(app, client, sign_in, citizen, hk_official, make_report,
                                                       report_of):
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    response = client.post(f"/console/reports/{report_id}/notes",
                           data={"csrf_token": token, "text": "Đã gọi tổ trưởng dân phố số 7"})
    assert response.status_code == 303
    note = report_of(report_id).events[-1]
    assert (note.kind, note.public) == ("note", False)
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Đã gọi tổ trưởng dân phố số 7" in page and ">Internal<" in page
    response = client.post(f"/console/reports/{report_id}/notes", data={"csrf_token": token, "text": "  "})
    assert response.status_code == 422 and "Please write the text of the note." in response.get_data(as_text=True)
    if has_public_report_page(app):
        assert "tổ trưởng dân phố số 7" not in public_client(app).get(f"/reports/{report_id}").get_data(as_text=True)


def test_hide_and_show_again(app, client, sign_in, citizen, hk_official, make_report, report_of):
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    url = f"/console/reports/{report_id}/hidden"
    response = client.post(url, data={"csrf_token": token, "hidden": "1", "reason": ""})
    assert response.status_code == 422 and not report_of(report_id).hidden
    client.post(url, data={"csrf_token": token, "hidden": "1", "reason": "Nội dung xúc phạm"})
    assert report_of(report_id).hidden
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Show to the public" in page and "Nội dung xúc phạm" in page
    if has_public_report_page(app):
        assert public_client(app).get(f"/reports/{report_id}").status_code == 404
    client.post(url, data={"csrf_token": token, "hidden": "0", "reason": "Đã kiểm tra lại"})
    assert not report_of(report_id).hidden
    if has_public_report_page(app):
        assert public_client(app).get(f"/reports/{report_id}").status_code == 200


def test_redact_the_description_and_hide_a_photo(app, client, sign_in, citizen, hk_official, make_report,
                                                 report_of):
    report_id = make_report(citizen, description="Ổ gà ở ngõ 5, gọi 0912 345 678", photos=2)
    first, second = (p.id for p in report_of(report_id).photos)
    token = sign_in(hk_official)
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Ổ gà ở ngõ 5, gọi 0912 345 678</textarea>" in page  # prefilled
    response = client.post(f"/console/reports/{report_id}/redact", data={
        "csrf_token": token, "description": "Ổ gà ở ngõ 5", "reason": "Xoá số điện thoại",
        "hide_photos": [str(second)]})
    assert response.status_code == 303
    report = report_of(report_id)
    assert report.description == "Ổ gà ở ngõ 5"
    assert {p.id: p.hidden for p in report.photos} == {first: False, second: True}
    assert "Hidden from the public" in client.get(f"/console/reports/{report_id}").get_data(as_text=True)


def test_redaction_covers_every_public_free_text(app, client, sign_in, citizen, hk_official, make_report,
                                                 make_category, report_of, login):
    """Issue 10, point 9: address, extra answers, rating comment and reopen reason can be
    redacted like the description; the originals stay for officials."""
    from app.auth.models import User
    from app.reports import services

    category = make_category("lamp", questions=[{"code": "landmark", "label": "Mốc gần đó", "label_en": "Landmark",
                                                 "kind": "text", "required": False, "options": []}])
    report_id = make_report(citizen, category_id=category, status="resolved", official_id=hk_official,
                            address="Ngõ 5, nhà anh Tuấn", answers={"landmark": "Cạnh nhà ông Hùng say rượu"})
    with app.app_context():
        report = db.session.get(services.Report, report_id)
        services.rate(report, db.session.get(User, citizen), False, "Ông tổ trưởng Nguyễn Văn A lười")
        services.request_reopen(report, db.session.get(User, citizen), "Gọi tôi: Trần Thị B")
        db.session.commit()
        keys = [t.key for t in services.public_texts(report)]
    assert keys[:3] == ["description", "address", "answer:landmark"]
    comment_key, reason_key = keys[3], keys[4]
    assert comment_key.endswith(":comment") and reason_key.endswith(":reason")

    token = sign_in(hk_official)
    before_redaction = report_of(report_id).updated_at
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Cạnh nhà ông Hùng say rượu</textarea>" in page and "Gọi tôi: Trần Thị B</textarea>" in page
    response = client.post(f"/console/reports/{report_id}/redact", data={
        "csrf_token": token, "description": report_of(report_id).description, "reason": "Xoá tên người",
        "text-address": "Ngõ 5", "text-answer:landmark": "Cạnh một nhà dân",
        f"text-{comment_key}": "", f"text-{reason_key}": "Gọi tôi"})
    assert response.status_code == 303
    report = report_of(report_id)
    assert (report.address, report.answers["landmark"], report.rating_comment) == ("Ngõ 5", "Cạnh một nhà dân", None)
    # Partners syncing by updated_datetime pick the redaction up.
    assert report.updated_at > before_redaction
    login(client, citizen)
    public = client.get(f"/reports/{report_id}").get_data(as_text=True)
    for gone in ("anh Tuấn", "ông Hùng", "Nguyễn Văn A", "Trần Thị B"):
        assert gone not in public, gone
    with app.app_context():
        from app.cases.models import CaseEvent

        redacted = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == report_id,
                                                                CaseEvent.kind == "redacted"))
        assert not redacted.public
        assert redacted.data["originals"]["address"] == "Ngõ 5, nhà anh Tuấn"
        assert redacted.data["originals"][reason_key] == "Gọi tôi: Trần Thị B"


def test_a_report_is_not_rejected_as_a_duplicate_of_a_hidden_one(app, client, sign_in, citizen, hk_official,
                                                                  make_report, report_of):
    hidden = make_report(citizen, hidden=True, official_id=hk_official)
    report_id = make_report(citizen)
    token = sign_in(hk_official)
    response = client.post(f"/console/reports/{report_id}/reject", data={
        "csrf_token": token, "reason": "duplicate", "duplicate_of": str(hidden)})
    assert response.status_code == 422
    assert f"Report #{hidden} is hidden from the public" in response.get_data(as_text=True)
    assert report_of(report_id).status == "submitted"


def test_phone_and_id_numbers_are_masked_in_the_api(app, client, citizen, make_report):
    report_id = make_report(citizen, description="Ổ gà to, gọi 0912 345 678 hoặc CCCD 001190012345",
                            address="Số nhà của 0987654321")
    item = client.get(f"/open311/v2/requests/{report_id}.json").get_json()[0]
    assert "0912 345 678" not in item["description"] and "001190012345" not in item["description"]
    assert "•••• ••• 678" in item["description"] and "0987654321" not in item["address"]
    xml = client.get(f"/open311/v2/requests/{report_id}.xml").get_data(as_text=True)
    assert "0912 345 678" not in xml


# --- the handling page --------------------------------------------------------------------

def test_handling_page_shows_what_the_official_needs(client, sign_in, citizen, hk_official, make_category,
                                                     make_report):
    category = make_category("road", name_en="Road damage", questions=[{
        "code": "size", "label": "Kích thước", "label_en": "Size of the hole", "kind": "single",
        "options": [{"value": "big", "label": "Lớn", "label_en": "Bigger than a wheel"}]}])
    report_id = make_report(citizen, category_id=category, answers={"size": "big"},
                            description="Ổ gà sâu trước số 12 Tràng Tiền")
    sign_in(hk_official)
    page = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "Trần Thị Phản Ánh" in page and "912399888" not in page
    assert "Ổ gà sâu trước số 12 Tràng Tiền" in page
    assert "Size of the hole" in page and "Bigger than a wheel" in page
    assert "Deadline to accept:" in page and "working" in page
    assert "Accept the report" in page and "Transfer the report" in page and "Reject the report" in page
    assert "Resolve and publish the answer" not in page  # only once accepted
    assert "Report filed and sent to Phường Hoàn Kiếm." in page


def test_agency_official_and_city_admin_can_handle(app, client, sign_in, citizen, make_user, make_category,
                                                   make_report, report_of):
    police = make_category("security", unit_type="agency", agency="police")
    agency_report = make_report(citizen, category_id=police)
    ward_report = make_report(citizen, ward=CUA_NAM)
    token = sign_in(make_user(role="agency_official", agency="police"))
    assert client.get(f"/console/reports/{ward_report}").status_code == 403
    client.post(f"/console/reports/{agency_report}/accept", data={"csrf_token": token, "level": "normal"})
    assert report_of(agency_report).status == "accepted"
    token = sign_in(make_user(role="city_admin"))
    client.post(f"/console/reports/{ward_report}/accept", data={"csrf_token": token, "level": "normal"})
    assert report_of(ward_report).status == "accepted"


# --- every step is scoped and protected ---------------------------------------------------

STEPS = [
    ("accept", {"level": "urgent"}),
    ("transfer", {"agency_id": "1", "reason": "Không thuộc phường"}),
    ("reject", {"reason": "out_of_scope"}),
    ("resolve", {"answer": "Đã xong."}),
    ("notes", {"text": "Ghi chú"}),
    ("hidden", {"hidden": "1", "reason": "Xúc phạm"}),
    ("redact", {"description": "Đã sửa", "reason": "Xoá tên", "hide_photos": "1"}),
]


@pytest.mark.parametrize(("step", "data"), STEPS)
def test_an_official_of_another_ward_cannot_act(app, client, sign_in, citizen, make_user, make_report, report_of,
                                                step, data):
    report_id = make_report(citizen, ward=HOAN_KIEM, status="accepted" if step == "resolve" else "submitted")
    token = sign_in(make_user(role="ward_official", ward=CUA_NAM))
    before = snapshot(report_of, report_id)
    with app.app_context():
        audit_before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    response = client.post(f"/console/reports/{report_id}/{step}", data={"csrf_token": token, **data})
    assert response.status_code == 403
    assert snapshot(report_of, report_id) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audit_before


@pytest.mark.parametrize(("step", "data"), STEPS)
def test_every_step_needs_the_csrf_token(client, sign_in, citizen, hk_official, make_report, report_of, step, data):
    report_id = make_report(citizen, status="accepted" if step == "resolve" else "submitted")
    before = snapshot(report_of, report_id)
    sign_in(hk_official)
    response = client.post(f"/console/reports/{report_id}/{step}", data=data)
    assert response.status_code == 400
    assert snapshot(report_of, report_id) == before


@pytest.mark.parametrize(("step", "data"), STEPS)
def test_every_step_on_a_missing_report_is_404(client, sign_in, hk_official, step, data):
    token = sign_in(hk_official)
    assert client.post(f"/console/reports/999999/{step}", data={"csrf_token": token, **data}).status_code == 404



@pytest.mark.parametrize(("lang", "said", "never"), [
    ("en", "the citizen will be notified", "has been told"),
    ("vi", "người dân sẽ được thông báo", "đã được thông báo"),
])
def test_resolving_never_claims_the_citizen_was_already_told(client, sign_in, citizen, hk_official, make_report,
                                                            lang, said, never):
    """Notifications go out through the job queue, after the answer: say what will happen."""
    report_id = make_report(citizen, status="accepted")
    token = sign_in(hk_official)
    client.set_cookie("lang", lang)
    response = client.post(f"/console/reports/{report_id}/resolve", follow_redirects=True,
                           data={"csrf_token": token, "answer": "Đã vá lại mặt đường.",
                                 "photos": [upload(photo_bytes())]}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert said in html and never not in html


# --- phone layout and forms sent back -----------------------------------------------------

def test_inbox_rows_carry_the_card_labels_and_table_roles(client, sign_in, citizen, hk_official, make_report):
    report_id = make_report(citizen, status="accepted", level="urgent")
    sign_in(hk_official)
    html = client.get("/console/").get_data(as_text=True)
    assert '<table class="table inbox" role="table"' in html and 'class="table-scroll"' not in html
    card = row(html, report_id)
    assert 'role="row"' in card and 'class="cell-status"' in card
    assert '<span class="card-label">Level: </span>Urgent' in card
    assert '<span class="card-label">Deadline: </span>' in card and 'class="status status-accepted"' in card


def test_the_handling_page_offers_the_camera_and_the_next_step(client, sign_in, citizen, hk_official, make_report):
    report_id = make_report(citizen, status="accepted")
    sign_in(hk_official)
    html = client.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert 'type="file" accept="image/*" capture="environment"' in html
    assert '<a class="button primary" href="#resolve-form">' in html


def test_a_resolve_sent_back_reloads_and_names_the_missing_field(client, sign_in, citizen, hk_official, make_report):
    report_id = make_report(citizen, status="accepted")
    token = sign_in(hk_official)
    url = f"/console/reports/{report_id}/resolve"
    response = client.post(url, data={"csrf_token": token, "answer": ""}, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    opening = re.search(r'<div role="alert" tabindex="-1" id="error-summary"[^>]*>', html)
    assert opening and "autofocus" in opening.group(0)
    assert '<a href="#resolve-answer">Write the answer that the citizen will see.</a>' in summary
    assert '<a href="#resolve-camera">Add at least one photo' in summary
    # The summary comes before the page's heading: read first without JavaScript.
    assert html.index('id="error-summary"') < html.index("<h1>")
    assert 'id="resolve-answer-error"' in html
    # Reloading the URL (a GET) shows the page again, with the form, not a 405.
    reloaded = client.get(url)
    assert reloaded.status_code == 200 and 'id="resolve-form"' in reloaded.get_data(as_text=True)
    for step in ("accept", "transfer", "reject", "notes"):
        assert client.get(f"/console/reports/{report_id}/{step}").status_code == 200
