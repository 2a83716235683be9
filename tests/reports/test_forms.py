"""The report form's own checks: category, ward, location, description, extra questions."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.reports.forms import RateForm, ReopenForm, ReportForm, parse_answers
from app.reports.models import Category

QUESTIONS = [
    {"code": "size", "label": "Kích thước", "label_en": "Size", "kind": "single", "required": True,
     "options": [{"value": "small", "label": "Nhỏ", "label_en": "Small"},
                 {"value": "large", "label": "Lớn", "label_en": "Large"}]},
    {"code": "hazards", "label": "Nguy cơ", "label_en": "Hazards", "kind": "multiple",
     "options": [{"value": "night", "label": "Tối", "label_en": "Dark at night"},
                 {"value": "school", "label": "Gần trường", "label_en": "Near a school"}]},
    {"code": "since", "label": "Từ khi nào", "label_en": "Since when", "kind": "text"},
]


@pytest.fixture
def road(app, make_category):
    return make_category("road", questions=QUESTIONS)


def _form(app, data: dict, category_id: int, ward_ids=frozenset({1})):
    with app.test_request_context("/reports/new", method="POST", data=data):
        app.config["WTF_CSRF_ENABLED"] = False
        try:
            categories = [db.session.get(Category, category_id)]
            form = ReportForm(categories=categories, ward_ids=ward_ids)
            with force_locale("en"):
                ok = form.validate()
                errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            return ok, errors, form.coordinates
        finally:
            app.config["WTF_CSRF_ENABLED"] = True
            db.session.remove()


def test_a_complete_form_is_valid_and_keeps_coordinates(app, road):
    ok, errors, coordinates = _form(app, {
        "category": str(road), "ward": "1", "description": "Ổ gà sâu trước cổng trường",
        "lat": "21.0287123", "lon": "105.8524", "submission_id": "0d2c7c1e-5a0b-4bfc-9d64-0f6a1d3c9b11",
    }, road)
    assert ok, errors
    assert coordinates == (21.028712, 105.8524)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"category": None, "ward": "1", "description": "Ổ gà sâu trước cổng"}, "category",
     "Choose what the problem is about."),
    ({"category": "999", "ward": "1", "description": "Ổ gà sâu trước cổng"}, "category",
     "Choose what the problem is about."),
    ({"category": "abc", "ward": "1", "description": "Ổ gà sâu trước cổng"}, "category",
     "Choose what the problem is about."),
    ({"ward": "77", "description": "Ổ gà sâu trước cổng"}, "ward",
     "Choose the ward or commune where the problem is."),
    ({"ward": "1", "description": "ngắn"}, "description", "Describe the problem in 10 to 4000 characters."),
    ({"ward": "1", "description": "x" * 4001}, "description", "Describe the problem in 10 to 4000 characters."),
    ({"ward": "1"}, "description", "Describe the problem in a few words."),
    ({"ward": "1", "description": "Ổ gà sâu trước cổng", "lat": "21.03"}, "lat",
     "The location needs both a latitude and a longitude. Set the location again or leave it out."),
    ({"ward": "1", "description": "Ổ gà sâu trước cổng", "lat": "10.77", "lon": "106.70"}, "lat",
     "This location is not in Hanoi. Set the location again or leave it out."),
    ({"ward": "1", "description": "Ổ gà sâu trước cổng", "lat": "21.03", "lon": ""}, "lat",
     "The location needs both a latitude and a longitude. Set the location again or leave it out."),
    ({"ward": "1", "description": "Ổ gà sâu trước cổng", "lat": "nan", "lon": "105.85"}, "lat",
     "This location is not in Hanoi. Set the location again or leave it out."),
    # Inside the box around Hanoi but outside the city: Bắc Ninh, and Lương Sơn (Hòa Bình).
    ({"ward": "1", "description": "Ổ gà sâu trước cổng", "lat": "21.1861", "lon": "106.0763"}, "lat",
     "This location is not in Hanoi. Set the location again or leave it out."),
    ({"ward": "1", "description": "Ổ gà sâu trước cổng", "lat": "20.85", "lon": "105.35"}, "lat",
     "This location is not in Hanoi. Set the location again or leave it out."),
    ({"ward": "1", "description": "Ổ gà sâu trước cổng", "address": "a" * 301}, "address",
     "The address is too long (at most 300 characters)."),
])
def test_each_problem_has_its_own_translated_message(app, road, data, field, message):
    data = {k: v for k, v in {"category": str(road), **data}.items() if v is not None}
    ok, errors, _ = _form(app, data, road)
    assert not ok
    assert errors[field] == [message]


def _answers(app, category_id: int, data: list[tuple[str, str]]):
    from app.reports.models import CategoryQuestion

    with app.app_context():
        category = db.session.get(Category, category_id)
        ids = {q.code: q.id for q in db.session.query(CategoryQuestion).filter_by(category_id=category_id)}
        formdata = MultiDict([(f"answer-{ids[code]}", value) for code, value in data])
        with app.test_request_context(), force_locale("en"):
            answers, errors = parse_answers(category, formdata)
        db.session.remove()
    return answers, {code: errors[qid] for code, qid in ids.items() if qid in errors}


def test_answers_are_stored_by_question_code(app, road):
    answers, errors = _answers(app, road, [("size", "large"), ("hazards", "night"), ("hazards", "school"),
                                           ("since", "  hai tuần  ")])
    assert errors == {}
    assert answers == {"size": "large", "hazards": ["night", "school"], "since": "hai tuần"}


def test_required_and_unknown_answers_are_refused(app, road):
    answers, errors = _answers(app, road, [("hazards", "fire")])
    assert errors == {"size": "Choose an option.", "hazards": "Choose among the options shown."}
    answers, errors = _answers(app, road, [("size", "huge"), ("since", "x" * 501)])
    assert errors == {"size": "Choose among the options shown.",
                      "since": "This answer is too long (at most 500 characters)."}


def test_optional_questions_may_stay_empty(app, road):
    answers, errors = _answers(app, road, [("size", "small")])
    assert (answers, errors) == ({"size": "small"}, {})


def test_rating_needs_a_choice_and_reopen_a_reason(app):
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        with app.test_request_context(method="POST", data={"comment": "ok"}), force_locale("en"):
            form = RateForm()
            assert not form.validate()
            assert [str(m) for m in form.satisfied.errors] == ["Choose whether you are satisfied."]
        with app.test_request_context(method="POST", data={"satisfied": "no"}):
            assert RateForm().validate()
        with app.test_request_context(method="POST", data={"reason": "  "}), force_locale("en"):
            form = ReopenForm()
            assert not form.validate()
            assert [str(m) for m in form.reason.errors] == ["Tell the officials what is still wrong."]
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
