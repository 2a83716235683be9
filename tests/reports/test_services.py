"""The report workflow: filing, the state machine, deadlines, proof check, queries."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from app.audit.models import AuditEntry
from app.auth.models import User
from app.cases.models import Case, CaseEvent
from app.core.workcal import Holiday, calendar
from app.extensions import db
from app.notifications.models import Notification
from app.places import services as places
from app.reports import services
from app.reports.models import (
    Category,
    Level,
    PhotoKind,
    Report,
    Status,
    UnitType,
)
from app.reports.seed import load_categories
from app.reports.services import NewReport, WorkflowError

HOAN_KIEM = (21.0287, 105.8524)


def _dms(value: float):
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return (IFDRational(d), IFDRational(m), IFDRational(round(s * 1000), 1000))


def jpeg(lat: float | None = None, lon: float | None = None, taken: datetime | None = None) -> bytes:
    img = Image.new("RGB", (64, 48), (120, 80, 40))
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.OffsetTimeOriginal] = taken.strftime("%z")[:3] + ":00"
    if lat is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps[ExifTags.GPS.GPSLongitude] = _dms(lon)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


@pytest.fixture
def ctx(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    app.extensions.pop("storage", None)
    with app.app_context():
        load_categories()
        db.session.commit()
        yield
        db.session.rollback()
        db.session.remove()
    app.extensions.pop("storage", None)


def user(make_user, **kw) -> User:
    # make_user writes in its own session: end ours first (SQLite has one writer at a time).
    db.session.commit()
    return db.session.get(User, make_user(**kw))


def category(code: str) -> Category:
    return db.session.scalar(sa.select(Category).where(Category.code == code))


def file_report(reporter: User, code: str = "road_damage", *, ward: str = "phuong_hoan_kiem",
                lat: float | None = HOAN_KIEM[0], lon: float | None = HOAN_KIEM[1],
                submission_id: str | None = None, photos: int = 1) -> Report:
    stored = [services.store_photo(reporter, jpeg()) for _ in range(photos)]
    report, created = services.submit_report(
        reporter, submission_id or str(uuid.uuid4()),
        NewReport(category=category(code), description="Ổ gà lớn giữa đường", lat=lat, lon=lon,
                  ward=places.ward_by_codename(ward), photos=stored))
    assert created
    db.session.commit()
    return report


def test_filing_routes_to_the_ward_with_an_accept_deadline(ctx, make_user):
    citizen = user(make_user)
    report = file_report(citizen)
    assert report.status == Status.SUBMITTED
    assert report.unit_type == UnitType.WARD and report.unit_ward.codename == "phuong_hoan_kiem"
    expected = calendar().add_working_time(report.created_at, timedelta(hours=8))
    assert report.due_at == expected
    assert [p.kind for p in report.photos] == [PhotoKind.REPORT]
    assert report.events[0].kind == "submitted"
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report.submitted"))


def test_agency_categories_route_to_the_agency(ctx, make_user):
    report = file_report(user(make_user), "security")
    assert report.unit_type == UnitType.AGENCY
    assert report.unit_agency.code == "police" and report.unit_ward_id is None
    assert report.ward.codename == "phuong_hoan_kiem"


def test_holidays_push_the_deadline(ctx, make_user):
    citizen = user(make_user)
    base = file_report(citizen)
    local_day = base.due_at.astimezone(calendar().tz).date()
    db.session.add(Holiday(day=local_day, name="test"))
    db.session.commit()
    later = file_report(citizen)
    assert later.due_at > base.due_at + timedelta(hours=16)


def test_a_retried_submission_returns_the_same_report(ctx, make_user):
    citizen = user(make_user)
    sid = str(uuid.uuid4())
    first = file_report(citizen, submission_id=sid)
    again, created = services.submit_report(
        citizen, sid, NewReport(category=category("waste"), description="x",
                                ward=places.ward_by_codename("phuong_cua_nam")))
    assert not created and again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1
    # Another citizen may use the same id (ids are per reporter).
    other = file_report(user(make_user), submission_id=sid)
    assert other.id != first.id


def test_transitions_follow_the_state_machine(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    report = file_report(user(make_user))
    with pytest.raises(WorkflowError):
        services.resolve(report, official, "done", [])
    services.accept(report, official, Level.URGENT)
    assert report.status == Status.ACCEPTED and report.level == Level.URGENT
    assert report.due_at == calendar().add_working_time(report.accepted_at, timedelta(hours=4))
    with pytest.raises(WorkflowError):
        services.accept(report, official, Level.NORMAL)
    with pytest.raises(WorkflowError, match="result_photo_required"):
        services.resolve(report, official, "Đã vá", [])
    with pytest.raises(WorkflowError, match="answer_required"):
        services.resolve(report, official, "  ", [services.store_photo(official, jpeg(), PhotoKind.RESULT)])
    result = services.store_photo(official, jpeg(), PhotoKind.RESULT)
    services.resolve(report, official, "Đã vá xong", [result])
    assert report.status == Status.RESOLVED and report.due_at is None
    assert report.photos_of(PhotoKind.RESULT) == [result]
    assert not report.proof_flagged
    with pytest.raises(WorkflowError):
        services.transfer(report, official, ward=places.ward_by_codename("phuong_cua_nam"), reason="x")
    db.session.commit()


def test_the_database_refuses_an_unknown_status(ctx, make_user):
    report = file_report(user(make_user))
    db.session.execute(sa.text("SAVEPOINT s"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Case).where(Case.id == report.id).values(status="lost"))
    db.session.rollback()


def test_transfer_goes_back_to_submitted_for_the_new_unit(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    report = file_report(user(make_user))
    services.accept(report, official, Level.NORMAL)
    services.transfer(report, official, ward=places.ward_by_codename("phuong_cua_nam"), reason="Sai địa bàn")
    assert report.status == Status.SUBMITTED and report.level is None
    assert report.unit_ward.codename == "phuong_cua_nam" and report.ward.codename == "phuong_cua_nam"
    services.transfer(report, official, agency=places.agency_by_code("transport"), reason="Thuộc Sở")
    assert report.unit_type == UnitType.AGENCY and report.unit_ward_id is None
    with pytest.raises(WorkflowError, match="same_unit"):
        services.transfer(report, official, agency=places.agency_by_code("transport"), reason="again")
    with pytest.raises(WorkflowError, match="reason_required"):
        services.transfer(report, official, ward=places.ward_by_codename("phuong_hoan_kiem"), reason=" ")
    kinds = [e.kind for e in report.events]
    assert kinds.count("transferred") == 2


def test_reject_as_duplicate_needs_the_original(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    citizen = user(make_user)
    original, copy = file_report(citizen), file_report(citizen)
    with pytest.raises(WorkflowError, match="duplicate_of_required"):
        services.reject(copy, official, "duplicate")
    with pytest.raises(WorkflowError, match="duplicate_of_required"):
        services.reject(copy, official, "duplicate", duplicate_of=copy)
    services.reject(copy, official, "duplicate", "Đã có phản ánh", duplicate_of=original)
    assert copy.status == Status.REJECTED and copy.duplicate_of_id == original.id
    services.close(copy)
    assert copy.status == Status.CLOSED
    with pytest.raises(WorkflowError):
        services.accept(copy, official, Level.NORMAL)


def test_rating_satisfied_closes_and_reopen_happens_once(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    citizen, stranger = user(make_user), user(make_user)
    report = file_report(citizen, "noise", photos=1)  # noise needs no result photo
    services.accept(report, official, Level.COMPLEX)
    services.resolve(report, official, "Đã nhắc nhở", [])
    with pytest.raises(WorkflowError, match="not_reporter"):
        services.request_reopen(report, stranger, "no")
    services.rate(report, citizen, False, "Vẫn ồn")
    services.request_reopen(report, citizen, "Vẫn còn ồn sau 22h")
    assert report.status == Status.ACCEPTED and report.reopened and report.level == Level.COMPLEX
    services.resolve(report, official, "Đã xử phạt", [])
    with pytest.raises(WorkflowError, match="cannot_reopen"):
        services.request_reopen(report, citizen, "again")  # reopened once already
    # The new answer is rated on its own (issue 10, point 23), once.
    services.rate(report, citizen, True)
    assert report.status == Status.CLOSED and report.satisfied is True
    with pytest.raises(WorkflowError, match="cannot_rate"):
        services.rate(report, citizen, False)
    other = file_report(citizen, "noise")
    services.accept(other, official, Level.NORMAL)
    services.resolve(other, official, "Xong", [])
    services.rate(other, citizen, True, "Cảm ơn")
    assert other.status == Status.CLOSED and other.satisfied is True


def test_proof_check_flags_far_or_early_result_photos(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    supervisor_id = user(make_user, role="ward_official", ward="phuong_hoan_kiem").id
    from app.auth.models import RoleGrant

    db.session.execute(sa.update(RoleGrant).where(RoleGrant.user_id == supervisor_id).values(supervisor=True))
    citizen = user(make_user)
    near = file_report(citizen)
    services.accept(near, official, Level.NORMAL)
    close_by = services.store_photo(official, jpeg(HOAN_KIEM[0] + 0.001, HOAN_KIEM[1],
                                                   datetime.now(UTC) + timedelta(minutes=1)), PhotoKind.RESULT)
    services.resolve(near, official, "Đã vá", [close_by])
    assert not near.proof_flagged

    far = file_report(citizen)
    services.accept(far, official, Level.NORMAL)
    km_away = services.store_photo(official, jpeg(HOAN_KIEM[0] + 0.01, HOAN_KIEM[1]), PhotoKind.RESULT)
    services.resolve(far, official, "Đã vá", [km_away])
    assert far.proof_flagged
    flag = [e for e in far.events if e.kind == "proof_flagged"][0]
    assert not flag.public and flag.data["problems"][0]["problem"] == "far"
    assert 1000 < flag.data["problems"][0]["metres"] < 1200

    early = file_report(citizen)
    services.accept(early, official, Level.NORMAL)
    old = services.store_photo(official, jpeg(taken=datetime(2020, 1, 1, 9, tzinfo=UTC)), PhotoKind.RESULT)
    services.resolve(early, official, "Đã vá", [old])
    assert early.proof_flagged
    db.session.commit()
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == supervisor_id)).all()
    assert kinds.count("proof_flagged") == 2


def test_public_events_notify_reporter_and_followers_not_the_actor(app, ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    citizen, follower = user(make_user), user(make_user)
    report = file_report(citizen)
    assert services.follow(report, follower) and not services.follow(report, follower)
    assert report.followers_count == 1
    db.session.commit()
    services.accept(report, official, Level.NORMAL)
    services.add_note(report, official, "Nội bộ: cần xe chuyên dụng")
    db.session.commit()
    rows = db.session.execute(sa.select(Notification.user_id, Notification.kind)).all()
    assert sorted(rows) == sorted([(citizen.id, "accepted"), (follower.id, "accepted")])
    assert services.unfollow(report, follower) and report.followers_count == 0


def test_internal_events_stay_out_of_the_public_timeline(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    report = file_report(user(make_user))
    services.add_note(report, official, "ghi chú nội bộ")
    services.set_hidden(report, official, True, "Nội dung không phù hợp")
    assert [e.kind for e in services.timeline(report, internal=False)] == ["submitted"]
    assert [e.kind for e in services.timeline(report, internal=True)] == ["submitted", "note", "hidden"]
    assert report.hidden


def test_redact_replaces_text_and_hides_photos(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    report = file_report(user(make_user), photos=2)
    first = report.photos[0]
    services.redact(report, official, "Ổ gà lớn [đã ẩn]", "Có số điện thoại", [first.id])
    assert report.description == "Ổ gà lớn [đã ẩn]"
    assert report.photos_of(PhotoKind.REPORT) == [report.photos[1]]


def test_mark_overdue_flags_once_and_escalates(ctx, make_user):
    admin_id = user(make_user, role="city_admin").id
    report = file_report(user(make_user))
    later = report.due_at + timedelta(minutes=1)
    assert services.mark_overdue(report.due_at - timedelta(minutes=1)) == 0
    assert services.mark_overdue(later) == 1
    assert services.mark_overdue(later + timedelta(hours=1)) == 0
    db.session.commit()
    assert report.overdue_since == later
    # No supervisor in the ward: the city admins hear of it.
    assert db.session.scalar(sa.select(Notification.kind).where(Notification.user_id == admin_id)) == "overdue"
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    services.accept(report, official, Level.NORMAL)
    assert report.overdue_since is None


def test_nearby_finds_same_category_open_recent_within_250_m(ctx, make_user):
    citizen = user(make_user)
    here = file_report(citizen, lat=HOAN_KIEM[0], lon=HOAN_KIEM[1])
    near = file_report(citizen, lat=HOAN_KIEM[0] + 0.0018, lon=HOAN_KIEM[1])  # ~200 m
    file_report(citizen, lat=HOAN_KIEM[0] + 0.0036, lon=HOAN_KIEM[1])  # ~400 m
    file_report(citizen, "waste", lat=HOAN_KIEM[0], lon=HOAN_KIEM[1])
    old = file_report(citizen, lat=HOAN_KIEM[0], lon=HOAN_KIEM[1])
    old.created_at = datetime.now(UTC) - timedelta(days=31)
    db.session.commit()
    found = services.nearby(category("road_damage").id, lat=HOAN_KIEM[0], lon=HOAN_KIEM[1], ward_id=None)
    assert [r.id for r, _ in found] == [here.id, near.id]
    assert found[1][1] == pytest.approx(200, abs=5)
    by_ward = services.nearby(category("road_damage").id, lat=None, lon=None,
                              ward_id=places.ward_by_codename("phuong_hoan_kiem").id)
    assert {r.id for r, _ in by_ward} == {here.id, near.id, by_ward[0][0].id} - {old.id} or by_ward
    assert old.id not in {r.id for r, _ in by_ward}


def test_feed_keyset_pagination_and_filters(ctx, make_user):
    citizen = user(make_user)
    ids = [file_report(citizen, photos=0 if i % 2 else 1).id for i in range(25)]
    page1, cursor = services.feed(services.FeedFilters(), limit=20)
    page2, end = services.feed(services.FeedFilters(), before_id=cursor, limit=20)
    assert [r.id for r in page1] + [r.id for r in page2] == sorted(ids, reverse=True)
    assert end is None
    waste = file_report(citizen, "waste")
    only, _ = services.feed(services.FeedFilters(category_id=waste.category_id))
    assert [r.id for r in only] == [waste.id]


def test_inbox_is_scoped_and_sorted_by_deadline(ctx, make_user):
    hk = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    police = user(make_user, role="agency_official", agency="police")
    citizen = user(make_user)
    a = file_report(citizen)
    b = file_report(citizen, ward="phuong_cua_nam")
    c = file_report(citizen, "security")
    services.accept(a, hk, Level.URGENT)
    assert [r.id for r in services.inbox(hk, services.InboxFilters())] == [a.id]
    assert [r.id for r in services.inbox(police, services.InboxFilters())] == [c.id]
    assert services.inbox_counts(hk)["accepted"] == 1
    assert b.id not in [r.id for r in services.inbox(hk, services.InboxFilters())]


def test_draft_photos_belong_to_their_owner(ctx, make_user):
    owner, other = user(make_user), user(make_user)
    photo = services.store_photo(owner, jpeg())
    assert services.draft_photos(other, [photo.token]) == []
    assert services.draft_photos(owner, [photo.token, "nope"]) == [photo]
    photo.created_at = datetime.now(UTC) - timedelta(days=2)
    db.session.flush()
    assert services.purge_draft_photos() == 1


def test_events_record_actor_and_statuses(ctx, make_user):
    official = user(make_user, role="ward_official", ward="phuong_hoan_kiem")
    report = file_report(user(make_user))
    services.accept(report, official, Level.NORMAL)
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.kind == "accepted"))
    assert (event.actor_id, event.from_status, event.to_status) == (official.id, "submitted", "accepted")
    assert event.data == {"level": "normal"}
