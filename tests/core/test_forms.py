"""Point 7 of issue 10: every form normalises its text fields at the boundary."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

import app as app_package
from app.core.forms import BaseForm
from app.extensions import db
from app.reports.models import Report
from tests.conftest import csrf_token
from tests.reports.conftest import HOAN_KIEM, photo_bytes
from tests.reports.test_routes import open_form, post_report


def _all_forms() -> set[type]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    found, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("app."):
                found.add(sub)
            todo.append(sub)
    return found


def test_every_form_of_the_app_is_a_base_form():
    forms = _all_forms()
    assert len(forms) > 15
    outside = {f"{f.__module__}.{f.__qualname__}" for f in forms if not issubclass(f, BaseForm)}
    assert outside == set()


class _Sample(BaseForm):
    class Meta:
        csrf = False

    title = StringField(validators=[Length(max=5)])
    body = TextAreaField(filters=[lambda v: v.strip() if isinstance(v, str) else v])


def test_text_fields_are_normalised_before_their_own_filters_and_length(app):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        form = _Sample(MultiDict({"title": "a\x01b\x02c\x03de", "body": "  Ô\u0309 ga\u0300\r\n  "}))
        assert form.validate(), form.errors
        assert form.title.data == "abcde"  # 5 characters once the controls are gone
        assert form.body.data == "Ổ gà"


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "The text contains a character that is not allowed (NUL)."),
    ("vi", "Văn bản có một ký tự không được phép (NUL)."),
])
def test_nul_becomes_a_translated_field_error(app, lang, message):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        form = _Sample(MultiDict({"title": "ab\x00", "body": "ok"}))
        assert not form.validate()
        assert [str(e) for e in form.title.errors] == [message + (" Please type it again." if lang == "en"
                                                                  else " Vui lòng nhập lại.")]


def _reports(app) -> list[Report]:
    with app.app_context():
        reports = list(db.session.scalars(sa.select(Report)))
        db.session.expunge_all()
        db.session.remove()
    return reports


def test_report_form_refuses_nul_and_strips_controls(app, client, make_user, login, make_category):
    from app.places import services as places

    login(client, make_user())
    client.set_cookie("lang", "vi")
    road = make_category("road", questions=[{"code": "depth", "kind": "text"}])
    with app.app_context():
        ward = places.ward_by_codename(HOAN_KIEM).id
        question = db.session.scalar(sa.text("select id from category_questions"))
    base = open_form(client)
    response = post_report(client, base, category=road, ward=ward,
                           description="Ổ gà rất sâu\x00 giữa đường", **{f"answer-{question}": "sâu\x00"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Văn bản có một ký tự không được phép (NUL).") >= 2  # description and answer
    assert _reports(app) == []

    response = post_report(client, open_form(client), category=road, ward=ward,
                           photos=[("a.jpg", photo_bytes())],
                           description="Ổ gà\x07 rất sâu\x1b giữa đường\r\nsố 12", address="12\x01 Hàng Bài",
                           **{f"answer-{question}": "20\x08 cm"})
    assert response.status_code == 303, re.findall(r"<[^>]*error[^>]*>[^<]*", response.get_data(as_text=True))
    [report] = _reports(app)
    assert report.description == "Ổ gà rất sâu giữa đường\nsố 12"
    assert report.address == "12 Hàng Bài"
    assert report.answers == {"depth": "20 cm"}


def test_console_and_admin_forms_normalise_too(app, client, make_user, login, make_report):
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    report_id = make_report(make_user(), status="accepted", official_id=official)
    login(client, official)
    token = csrf_token(client, f"/console/reports/{report_id}")
    response = client.post(f"/console/reports/{report_id}/notes", data={"csrf_token": token, "text": "Ghi\x01 chú"})
    assert response.status_code in (200, 303)
    with app.app_context():
        data = db.session.scalar(sa.text("select data from case_events where kind = 'note'"))
    assert (json.loads(data) if isinstance(data, str) else data) == {"text": "Ghi chú"}

    admin = make_user(role="city_admin")
    login(client, admin)
    token = csrf_token(client, "/admin/api-keys")
    response = client.post("/admin/api-keys", data={"csrf_token": token, "name": "Đối\x00 tác"})
    assert response.status_code == 422
    response = client.post("/admin/api-keys", data={"csrf_token": token, "name": "Đối\x0b tác"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.text("select name from api_keys")) == "Đối tác"


def test_every_date_field_of_the_service_packages_checks_the_service_years(app):
    """A day of year 1 or 9999 overflows once turned into a Hanoi moment: every date field says no first."""
    from datetime import date, datetime

    from wtforms.fields import DateField, DateTimeField, DateTimeLocalField

    from app.core.forms import within_dates

    packages = ("app.alerts.", "app.reception.", "app.surveys.", "app.procedures.", "app.business.")
    checked = 0
    for form in _all_forms():
        if not form.__module__.startswith(packages):
            continue
        for name in dir(form):
            unbound = getattr(form, name, None)
            field_class = getattr(unbound, "field_class", None)
            if field_class in (DateField, DateTimeField, DateTimeLocalField):
                validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else ())
                assert within_dates in validators, f"{form.__module__}.{form.__name__}.{name}"
                checked += 1
    assert checked >= 7

    class _Field:
        def __init__(self, data):
            self.data = data

    with app.test_request_context():
        within_dates(None, _Field(None))
        within_dates(None, _Field(date(2030, 1, 1)))
        for value in (datetime(1, 1, 1), date(9999, 12, 31), date(1999, 12, 31), datetime(2101, 1, 1)):
            with pytest.raises(ValueError):
                within_dates(None, _Field(value))
