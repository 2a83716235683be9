"""The audit log reads as sentences in the viewer's language, for every action the app writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from app.admin.audit_sentences import ACTIONS, CASE_NOUNS, CASE_STEPS, sentence
from app.audit.models import AuditEntry
from app.extensions import db

APP = Path(__file__).resolve().parents[2] / "app"
# Codes built by concatenation, which the source scan below cannot read.
BUILT = {"consultation.comment_published", "consultation.comment_refused"}


def _written_codes() -> set[str]:
    """Every literal action code passed to ``audit.record`` in the app."""
    codes = set()
    for path in APP.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"audit\.record\(([^\n]*)", text):
            codes |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"(?! \+)', call.group(1).split(", ")[0]))
    return codes


def test_every_action_written_by_the_app_has_a_sentence():
    codes = _written_codes()
    assert "auth.login" in codes and "holiday.added" in codes  # the scan works
    missing = {code for code in codes if code not in ACTIONS}
    assert not missing
    assert BUILT <= ACTIONS.keys()
    # The engine writes <kind>.<step> for every kind: each step has a sentence.
    engine = (APP / "cases" / "services.py").read_text(encoding="utf-8")
    steps = set(re.findall(r'audit_case\(case, "([a-z_]+)"', engine))
    steps |= set(re.findall(r'audit_case\(case, "([a-z_]+)"', (APP / "reports" / "kind.py").read_text("utf-8")))
    assert steps and steps <= CASE_STEPS.keys()


def _entry(action, **fields):
    return AuditEntry(action=action, actor_id=fields.pop("actor_id", 5), object_type=fields.pop("object_type", "users"),
                      object_id=fields.pop("object_id", "201"), created_at=datetime(2026, 11, 29, 7, 5, tzinfo=UTC),
                      details=fields)


DETAILS = {"level": "normal", "reason": "duplicate", "role": "ward_official", "name": "Tết", "day": "2027-02-06",
           "count": 3, "code": "pothole", "question": "depth", "codename": "hoan_kiem", "previous": 9, "rows": 1200}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_known_action_reads_as_a_sentence_in_both_languages(app, lang):
    people = {5: "Lê Văn Hùng"}
    actions = list(ACTIONS) + [f"{kind}.{step}" for kind in CASE_NOUNS for step in CASE_STEPS]
    with app.test_request_context(), force_locale(lang):
        for action in actions:
            text = sentence(_entry(action, **DETAILS), people)
            assert action not in text and "%(" not in text and "?" not in text, (action, text)
            if "%(who)s" in str(ACTIONS.get(action, CASE_STEPS.get(action.rpartition(".")[2]))):
                assert "Lê Văn Hùng" in text
    with app.test_request_context(), force_locale("vi"):
        vi = {a: sentence(_entry(a, **DETAILS), people) for a in actions}
    with app.test_request_context(), force_locale("en"):
        en = {a: sentence(_entry(a, **DETAILS), people) for a in actions}
    untranslated = [a for a in actions if vi[a] == en[a]]
    assert not untranslated


def test_an_official_accepting_a_report_reads_like_the_city_writes_it(app):
    entry = _entry("report.accepted", object_type="reports", level="urgent")
    with app.test_request_context():
        with force_locale("vi"):
            assert sentence(entry, {5: "Lê Văn Hùng"}, with_time=True) == \
                "Lê Văn Hùng tiếp nhận phản ánh #201 (mức Khẩn cấp) lúc 14:05 29/11/2026"
        with force_locale("en"):
            assert sentence(entry, {5: "Lê Văn Hùng"}) == "Lê Văn Hùng accepted report #201 as Urgent"


def test_unknown_action_reads_with_its_code_and_masked_details(app):
    entry = _entry("robot.waved", object_type="robots", phone="0912345678", arms=2)
    with app.test_request_context(), force_locale("en"):
        text = sentence(entry, {})
    assert "robot.waved" in text and "robots #201" in text and "arms: 2" in text
    assert "0912345678" not in text
    with app.test_request_context(), force_locale("vi"):
        assert sentence(_entry("auth.login", actor_id=None), {}).startswith("Hệ thống")


def test_viewer_sees_official_names_and_only_numbers_for_citizens(app, client, make_user, login):
    admin = make_user(role="city_admin", name="Trần Thị Quản")
    citizen = make_user(name="Phạm Công Dân")
    with app.app_context():
        db.session.add(AuditEntry(action="auth.login", actor_id=citizen, object_type="users", object_id=str(citizen),
                                  details={"method": "phone"}))
        db.session.add(AuditEntry(action="role.granted", actor_id=admin, object_type="users", object_id=str(citizen),
                                  details={"role": "ward_official"}))
        db.session.commit()
    login(client, admin)
    client.set_cookie("lang", "vi")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Phạm Công Dân" not in html
    assert f"Tài khoản #{citizen} đăng nhập" in html
    assert f"Trần Thị Quản cấp cho tài khoản #{citizen} vai trò Cán bộ phường, xã" in html
    log = html.split('id="audit-rows"')[1].split("</ol>")[0]
    assert "method=" not in log and "{" not in log
