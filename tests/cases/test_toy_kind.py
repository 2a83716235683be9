"""A second kind of case, defined only here, goes through the whole life without app.reports.

The toy kind ("đề nghị cấp bản sao", a copy request) has its own table, routing and deadlines;
everything else — filing, accepting, transferring, resolving, rating, reopening, the overdue
sweep, the console inbox with its counts and handling page, notifications and statistics —
is the engine's.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.cases import queries
from app.cases import services as cases
from app.cases.kinds import CaseType, Unit, register, unregister
from app.cases.models import Case, Level, Status, UnitType
from app.cases.workflow import Action, WorkflowError, allowed_actions
from app.core.models import utcnow
from app.core.workcal import due_after
from app.extensions import db
from app.places.models import Ward
from tests.conftest import csrf_token

# The toy table lives outside the app's metadata, so the migrations and the table cleanup
# know nothing of it; its rows go with their cases (ON DELETE CASCADE).
_toy_metadata = sa.MetaData()
_toy_table = sa.Table(
    "test_copy_requests", _toy_metadata,
    sa.Column("id", sa.Integer, sa.ForeignKey(Case.__table__.c.id, ondelete="CASCADE"), primary_key=True),
    sa.Column("document", sa.String(100), nullable=False),
    sa.Column("ward_id", sa.Integer, nullable=False),
)


class CopyRequest(Case):
    __table__ = _toy_table
    __mapper_args__ = {"polymorphic_identity": "copy_request", "polymorphic_load": "selectin"}


class CopyRequestType(CaseType):
    kind = "copy_request"
    model = CopyRequest

    def route(self, case):
        return Unit(UnitType.WARD, case.ward_id)

    def accept_hours(self, case):
        return 4

    def resolve_hours(self, case, level):
        return {"urgent": 2, "normal": 16, "complex": 24}[level]

    def subject(self, case):
        return f"copy of {case.document}"

    def notification_text(self, event_kind, case):
        return f"Copy request #{case.id}: {event_kind}"

    def url(self, case):
        return f"/copies/{case.id}"


@pytest.fixture
def toy(app):
    with app.app_context():
        _toy_table.create(db.engine, checkfirst=True)
    register(CopyRequestType())
    yield
    unregister("copy_request")


@pytest.fixture
def people(app, make_user):
    from app.places import services as places

    with app.app_context():
        hk = places.ward_by_codename("phuong_hoan_kiem").id
        cn = places.ward_by_codename("phuong_cua_nam").id
    return {
        "citizen": make_user(),
        "hk": make_user(role="ward_official", ward="phuong_hoan_kiem"),
        "cn": make_user(role="ward_official", ward="phuong_cua_nam"),
        "hk_ward": hk, "cn_ward": cn,
    }


def _file(citizen, ward_id, submission_id=None):
    request = CopyRequest(requester_id=citizen.id, submission_id=submission_id or str(uuid.uuid4()),
                          document="giấy khai sinh", ward_id=ward_id)
    return cases.file_case(request, citizen)


def test_a_toy_kind_lives_the_whole_life(app, toy, people, make_user):
    from app.auth.models import User
    from app.notifications.models import Notification

    with app.app_context():
        citizen = db.session.get(User, people["citizen"])
        hk, cn = db.session.get(User, people["hk"]), db.session.get(User, people["cn"])
        case, created = _file(citizen, people["hk_ward"], "copy-1")
        assert created and case.kind == "copy_request" and case.status == Status.SUBMITTED
        assert (case.unit_type, case.unit_ward_id) == (UnitType.WARD, people["hk_ward"])
        assert case.due_at == due_after(case.submitted_at, 4)
        again, created = _file(citizen, people["hk_ward"], "copy-1")
        assert (again.id, created) == (case.id, False)

        assert allowed_actions(case, hk) == {Action.ACCEPT, Action.TRANSFER, Action.REJECT, Action.NOTE}
        assert allowed_actions(case, cn) == frozenset()
        assert allowed_actions(case, citizen) == frozenset()

        cases.accept(case, hk, Level.URGENT)
        assert case.status == Status.ACCEPTED and case.accept_working_seconds is not None
        cases.transfer(case, hk, ward=db.session.get(Ward, people["cn_ward"]), reason="Sai địa bàn")
        assert (case.status, case.unit_ward_id, case.level) == (Status.SUBMITTED, people["cn_ward"], None)
        cases.accept(case, cn, Level.NORMAL)
        cases.resolve(case, cn, "Đã cấp bản sao.")
        assert case.status == Status.RESOLVED and case.resolved_on_time is True
        assert allowed_actions(case, citizen) == {Action.RATE, Action.REOPEN}

        cases.rate(case, citizen, False, "Sai tên")
        assert Action.RATE not in allowed_actions(case, citizen)
        cases.request_reopen(case, citizen, "Bản sao ghi sai tên")
        assert case.status == Status.ACCEPTED and case.reopened and case.unit_ward_id == people["cn_ward"]
        with pytest.raises(WorkflowError):
            cases.request_reopen(case, citizen, "lần nữa")
        cases.resolve(case, cn, "Đã cấp lại bản sao đúng tên.")
        db.session.commit()

        kinds = [e.kind for e in case.events]
        assert kinds == ["submitted", "accepted", "transferred", "accepted", "resolved", "rated", "reopened",
                         "resolved"]
        texts = db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == citizen.id, Notification.subject_type == "case",
            Notification.subject_id == case.id).order_by(Notification.id)).all()
        assert texts == ["accepted", "transferred", "accepted", "resolved", "resolved"]
        from app.audit.models import AuditEntry

        actions = db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "test_copy_requests")).all()
        assert "copy_request.accepted" in actions and "copy_request.reopened" in actions


def test_the_toy_kind_escalates_when_overdue(app, toy, people):
    from app.auth.models import User
    from app.notifications.models import Notification
    from app.notifications.services import describe

    with app.app_context():
        from app.admin import services as admin

        hk = db.session.get(User, people["hk"])
        admin.set_supervisor(hk, hk.role_grants[0], True)
        citizen = db.session.get(User, people["citizen"])
        case, _ = _file(citizen, people["hk_ward"])
        case.due_at = utcnow() - timedelta(minutes=1)
        assert cases.mark_overdue() == 1
        assert cases.mark_overdue() == 0  # once per step
        db.session.commit()
        supervisor = db.session.scalars(sa.select(Notification).where(
            Notification.user_id == hk.id, Notification.kind == "overdue")).all()
        assert len(supervisor) == 1
        with app.test_request_context():
            [(_note, described)] = describe(supervisor)
        assert (described.text, described.url) == (f"Copy request #{case.id}: overdue", f"/copies/{case.id}")
        assert case.overdue_since is not None and case.events[-1].public is False


def test_the_console_lists_counts_and_handles_the_toy_kind(app, client, toy, people, login):
    from app.auth.models import User

    with app.app_context():
        citizen = db.session.get(User, people["citizen"])
        first, _ = _file(citizen, people["hk_ward"])
        second, _ = _file(citizen, people["cn_ward"])
        db.session.commit()
        first_id, second_id = first.id, second.id
        hk = db.session.get(User, people["hk"])
        listed = queries.inbox(hk, queries.InboxFilters())
        assert [c.id for c in listed] == [first_id] and isinstance(listed[0], CopyRequest)
        assert queries.inbox_counts(hk)["submitted"] == 1
        assert queries.inbox_counts(hk, kind="copy_request")["submitted"] == 1
        assert [c.id for c in queries.inbox(hk, queries.InboxFilters(kind="copy_request"))] == [first_id]

    login(client, people["hk"])
    inbox = client.get("/console/").get_data(as_text=True)
    assert f"#{first_id} copy of giấy khai sinh" in inbox and f"#{second_id}" not in inbox
    page = client.get(f"/console/reports/{first_id}")
    assert page.status_code == 200 and "copy of giấy khai sinh" in page.get_data(as_text=True)
    assert client.get(f"/console/reports/{second_id}").status_code == 403
    token = csrf_token(client, f"/console/reports/{first_id}")
    response = client.post(f"/console/reports/{first_id}/accept", data={"csrf_token": token, "level": "normal"})
    assert response.status_code == 303
    response = client.post(f"/console/reports/{first_id}/resolve",
                           data={"csrf_token": token, "answer": "Đã cấp bản sao."})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Case, first_id).status == Status.RESOLVED
    # Moderation belongs to public field reports: not offered for this kind.
    assert client.post(f"/console/reports/{first_id}/hidden",
                       data={"csrf_token": token, "hidden": "1", "reason": "x"}).status_code == 404


def test_statistics_count_the_toy_kind(app, toy, people):
    from app.auth.models import User
    from app.stats import services as stats

    with app.app_context():
        citizen = db.session.get(User, people["citizen"])
        hk = db.session.get(User, people["hk"])
        one, _ = _file(citizen, people["hk_ward"])
        _file(citizen, people["hk_ward"])
        cases.accept(one, hk, Level.NORMAL)
        cases.resolve(one, hk, "Xong")
        cases.rate(one, citizen, True)
        db.session.commit()
        figures = stats.compute(stats.Period.default(), stats.CITY, kind="copy_request")
        assert (figures.city.received, figures.city.resolved, figures.city.on_time) == (2, 1, 1)
        assert (figures.city.rated, figures.city.satisfied) == (1, 1)
        assert figures.categories == [] and [w.figures.received for w in figures.wards] == [2]
        assert stats.compute(stats.Period.default(), stats.CITY, kind=None).city.received == 2
        assert stats.compute(stats.Period.default(), stats.CITY).city.received == 0  # field reports only
        scoped = stats.compute(stats.Period.default(), stats.Scope.of_user(hk), kind="copy_request")
        assert scoped.city.received == 2


def test_followers_hear_only_of_events_after_they_followed_and_once(app, make_user, make_report):
    """Issue 10, point 22: a delayed job does not tell a new follower about an older event, and a
    retried job tells nobody twice."""
    from app.auth.models import User
    from app.cases import tasks
    from app.notifications.models import Notification
    from app.reports import services as reports
    from app.reports.models import Report

    reporter, follower = make_user(), make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter, status="accepted", official_id=official)
    with app.app_context():
        report = db.session.get(Report, report_id)
        accepted = next(e for e in report.events if e.kind == "accepted")
        reports.follow(report, db.session.get(User, follower))
        db.session.commit()
        accepted_id = accepted.id

    def told(user_id):
        with app.app_context():
            return db.session.scalars(sa.select(Notification.kind).where(
                Notification.user_id == user_id).order_by(Notification.id)).all()

    assert told(reporter) == ["accepted"]
    tasks.notify_case_event(accepted_id, official)  # the same job, late or retried
    assert told(reporter) == ["accepted"] and told(follower) == []
    with app.app_context():
        report = db.session.get(Report, report_id)
        cases.add_note(report, db.session.get(User, official), "nội bộ")
        cases.resolve(report, db.session.get(User, official), "Đã xong",
                      [reports.store_photo(db.session.get(User, official), _photo(), kind="result")])
        db.session.commit()
    assert told(reporter) == ["accepted", "resolved"] and told(follower) == ["resolved"]


def _photo() -> bytes:
    from tests.reports.conftest import photo_bytes

    return photo_bytes()


def test_the_timeline_speaks_of_the_kind(app, client, toy, people, login):
    """The shared timeline's first line comes from the kind: a copy request is not a "report"."""
    from app.auth.models import User

    with app.app_context():
        case, _ = _file(db.session.get(User, people["citizen"]), people["hk_ward"])
        db.session.commit()
        case_id = case.id
    login(client, people["hk"])
    client.set_cookie("lang", "en")
    page = client.get(f"/console/reports/{case_id}").get_data(as_text=True)
    assert "Filed and sent to Phường Hoàn Kiếm." in page and "Report filed" not in page
