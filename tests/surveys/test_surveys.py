"""Surveys: building and versioning, one answer per account (also under concurrent submissions),
results maths, CSV, privacy, visibility, roles and scope."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import utcnow
from app.extensions import db
from tests.conftest import csrf_token


def _survey(survey_id):
    from app.surveys.models import Survey

    return db.session.get(Survey, survey_id)


def _answer(app, survey_id, user_id, answers):
    from app.auth.models import User
    from app.surveys import services

    with app.app_context():
        services.submit(_survey(survey_id), db.session.get(User, user_id), answers)
        db.session.commit()


def _form(survey, answers: dict) -> dict:
    """Form fields ``answer-<question id>`` from answers by question code."""
    by_code = {q.code: q.id for q in survey.questions}
    return {f"answer-{by_code[code]}": value for code, value in answers.items()}


# --- building ---------------------------------------------------------------------------------

def test_questions_reorder_and_freeze_once_answered(app, make_survey, ward_official, make_user):
    from app.auth.models import User
    from app.surveys import services

    survey_id = make_survey()
    with app.app_context():
        survey = _survey(survey_id)
        official = db.session.get(User, ward_official)
        codes = [q.code for q in survey.questions]
        services.move_question(survey, survey.questions[1], "up")
        services.move_question(survey, survey.questions[-1], "down")  # at the end: nothing moves
        db.session.commit()
        assert [q.code for q in _survey(survey_id).questions] == [codes[1], codes[0], *codes[2:]]
    _answer(app, survey_id, make_user(), {"q1": "4", "q2": "o1"})
    with app.app_context():
        survey = _survey(survey_id)
        official = db.session.get(User, ward_official)
        for change in (lambda: services.add_question(survey, official, label="x", label_en="", kind="text",
                                                     required=False, options=[]),
                       lambda: services.delete_question(survey, official, survey.questions[0]),
                       lambda: services.move_question(survey, survey.questions[0], "down")):
            with pytest.raises(services.SurveyError, match="locked"):
                change()
        copy = services.new_version(survey, official)
        db.session.commit()
        assert (copy.version, copy.previous_id, copy.status) == (2, survey_id, "draft")
        assert [q.code for q in copy.questions] == [q.code for q in survey.questions]
        services.add_question(copy, official, label="Mới", label_en="New", kind="text", required=False,
                              options=[])
        db.session.commit()
        assert len(_survey(survey_id).questions) == 5 and len(copy.questions) == 6


def test_choice_questions_need_two_options_and_rating_takes_one_to_five(app, make_survey, ward_official):
    from app.auth.models import User
    from app.core import questions
    from app.surveys import services

    survey_id = make_survey(publish=False)
    with app.app_context():
        survey = _survey(survey_id)
        with pytest.raises(services.SurveyError, match="options"):
            services.add_question(survey, db.session.get(User, ward_official), label="x", label_en="",
                                  kind="single", required=True, options=[("a", "")])
        answers, problems = questions.validate(survey.questions, {"q1": ["6"], "q2": ["o1"], "q5": ["x" * 4001]})
        assert problems == {"q1": "not_an_option", "q5": "too_long"}
        answers, problems = questions.validate(survey.questions, {"q1": ["5"], "q2": ["o2"], "q5": ["x" * 4000]})
        assert problems == {} and answers["q1"] == "5"


def test_official_builds_with_htmx_and_without(app, client, login, ward_official):
    from app.places import services as places
    from app.surveys.models import Survey

    login(client, ward_official)
    with app.app_context():
        hk = places.ward_by_codename("phuong_hoan_kiem").id
    token = csrf_token(client, "/surveys/new")
    response = client.post("/surveys/new", data={"csrf_token": token, "unit": f"w:{hk}", "title": "Khảo sát",
                                                 "open_from": "2026-01-01T08:00", "open_until": "2099-01-01T08:00"})
    assert response.status_code == 303
    edit = response.headers["Location"]
    for label, kind, options in (("Câu A", "rating", ""), ("Câu B", "single", "Có|Yes\nKhông|No")):
        response = client.post(edit.replace("/edit", "/questions"), data={
            "csrf_token": token, "label": label, "kind": kind, "required": "y", "options": options})
        assert response.status_code == 303
    with app.app_context():
        survey = db.session.scalar(sa.select(Survey))
        survey_id, second = survey.id, survey.questions[1]
        assert second.options[1] == {"value": "o2", "label": "Không", "label_en": "No"}
        second_id = second.id
    move = f"/surveys/{survey_id}/questions/{second_id}/move"
    # Without JavaScript: a redirect back to the builder.
    assert client.post(move, data={"csrf_token": token, "direction": "up"}).status_code == 303
    # With htmx: the question list alone, in its new order.
    partial = client.post(move, data={"direction": "down"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    html = partial.get_data(as_text=True)
    assert partial.status_code == 200 and html.lstrip().startswith('<div id="questions">')
    assert html.index("Câu A") < html.index("Câu B")
    assert "Câu B" in client.get(f"/surveys/{survey_id}/preview").get_data(as_text=True)
    assert client.post(f"/surveys/{survey_id}/publish", data={"csrf_token": token}).status_code == 303


def test_roles_and_scope(app, client, login, make_user, make_survey):
    survey_id = make_survey()
    draft_id = make_survey(publish=False)
    other_ward = make_user(role="ward_official", ward="phuong_cua_nam")
    citizen = make_user()
    login(client, citizen)
    token = csrf_token(client, f"/surveys/{survey_id}")
    assert client.get("/surveys/new").status_code == 403
    assert client.get(f"/surveys/{survey_id}/edit").status_code == 403
    assert client.get(f"/surveys/{draft_id}").status_code == 404
    assert client.get(f"/surveys/{survey_id}/results.csv").status_code == 403
    login(client, other_ward)
    token = csrf_token(client, "/surveys/new")
    assert client.get(f"/surveys/{survey_id}/edit").status_code == 403
    assert client.post(f"/surveys/{survey_id}/new-version", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/surveys/{survey_id}/results").status_code == 404  # still open, not public early
    assert "Phường Hoàn Kiếm" not in client.get("/surveys/new").get_data(as_text=True)


# --- answering ---------------------------------------------------------------------------------

def test_citizen_answers_once_and_a_failed_validation_keeps_the_answers(app, client, login, make_user, make_survey):
    survey_id = make_survey()
    citizen = make_user()
    login(client, citizen)
    token = csrf_token(client, f"/surveys/{survey_id}")
    with app.app_context():
        survey = _survey(survey_id)
        missing = _form(survey, {"q1": "4", "q3": ["o1", "o3"], "q4": "Nhanh", "q5": "Cán bộ nhiệt tình"})
        complete = _form(survey, {"q1": "4", "q2": "o2", "q3": ["o1", "o3"], "q5": "Gọi 0912345678 nhé"})
    response = client.post(f"/surveys/{survey_id}", data={"csrf_token": token, **missing})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Cán bộ nhiệt tình" in page and 'value="Nhanh"' in page
    assert page.count("checked") == 3  # the rating and both channels stay ticked
    response = client.post(f"/surveys/{survey_id}", data={"csrf_token": token, **complete})
    assert response.status_code == 303
    assert 'id="survey-done"' in client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    again = client.post(f"/surveys/{survey_id}", data={"csrf_token": token, **complete})
    assert again.status_code == 303
    from app.surveys.models import SurveyResponse

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1


def test_visitors_must_log_in_and_closed_surveys_take_no_answers(app, client, login, make_user, make_survey):
    open_id = make_survey()
    closed_id = make_survey(opens=utcnow() - timedelta(days=9), closes=utcnow() - timedelta(days=1))
    response = client.post(f"/surveys/{open_id}", data={"csrf_token": csrf_token(client, f"/surveys/{open_id}")})
    assert response.status_code == 303 and "/auth/login" in response.headers["Location"]
    login(client, make_user())
    assert "survey-form" not in client.get(f"/surveys/{closed_id}").get_data(as_text=True)
    with app.app_context():
        from app.auth.models import User
        from app.surveys import services

        with pytest.raises(services.SurveyError, match="not_open"):
            services.submit(_survey(closed_id), db.session.scalar(sa.select(User)), {"q1": "3"})


def test_concurrent_submissions_leave_one_answer(app, make_survey, make_user):
    from app.auth.models import User
    from app.surveys import services
    from app.surveys.models import SurveyResponse

    survey_id = make_survey()
    citizen = make_user()
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        with app.app_context():
            survey, user = _survey(survey_id), db.session.get(User, citizen)
            # End the read first: SQLite's writer lock must not be held while waiting for the others.
            db.session.commit()
            barrier.wait(timeout=30)
            try:
                services.submit(survey, user, {"q1": "5", "q2": "o1"})
                db.session.commit()
                outcomes.append("stored")
            except services.SurveyError as error:
                db.session.rollback()
                outcomes.append(error.args[0])
            except sa.exc.IntegrityError:
                # PostgreSQL may report the duplicate at COMMIT when both inserts raced.
                db.session.rollback()
                outcomes.append("already_answered")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_answered"] * 3 + ["stored"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1


# --- results -----------------------------------------------------------------------------------

@pytest.fixture
def answered(app, make_survey, make_user):
    """A survey answered by four people, then closed."""
    from app.surveys.models import Survey

    survey_id = make_survey(opens=utcnow() - timedelta(days=9))
    rows = [
        {"q1": "5", "q2": "o1", "q3": ["o1", "o2"], "q4": "=HYPERLINK(\"x\")",
         "q5": "Số tôi 0912 345 678, thư an.nguyen@gmail.com"},
        {"q1": "4", "q2": "o1", "q3": ["o2"]},
        {"q1": "2", "q2": "o2"},
        {"q1": "4", "q2": "o1", "q3": ["o1", "o2", "o3"], "q5": "Rất tốt"},
    ]
    for answers in rows:
        _answer(app, survey_id, make_user(), answers)
    with app.app_context():
        db.session.execute(sa.update(Survey).where(Survey.id == survey_id)
                           .values(open_until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    return survey_id


def test_results_maths(app, answered):
    from app.surveys import services

    with app.app_context():
        results = services.results(_survey(answered), "vi")
    assert results.respondents == 4
    rating, single, multiple, short, long = results.questions
    assert rating.mean == pytest.approx(3.75)
    assert [(o.value, o.count) for o in rating.options] == [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 1)]
    assert [(o.label, o.count, o.share) for o in single.options] == [("Hộ tịch", 3, 0.75), ("Đất đai", 1, 0.25)]
    assert multiple.answered == 3
    assert [(o.count, round(o.share, 3)) for o in multiple.options] == [(2, 0.667), (3, 1.0), (1, 0.333)]
    assert short.texts == ['=HYPERLINK("x")']
    assert len(long.texts) == 2 and long.texts[1] == "Rất tốt"
    assert long.texts[0] == "Số tôi •••• ••• 678, thư a•••@•••.com"


def test_results_page_is_public_after_close_with_charts_and_no_respondents(app, client, answered, make_user):
    from app.auth.models import User

    page = client.get(f"/surveys/{answered}/results").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 3 and page.count('<table class="table">') == 3
    assert "75%" in page and "Rất tốt" in page and "0912 345" not in page
    assert "an.nguyen" not in page and "gmail.com" not in page and "a•••@•••.com" in page
    with app.app_context():
        names = [u.full_name for u in db.session.scalars(sa.select(User))]
    assert all(name not in page for name in names if name)
    assert 'id="case-satisfaction"' in page


def test_results_hidden_while_open_unless_chosen(app, client, make_survey):
    hidden = make_survey()
    early = make_survey(public_early=True)
    assert client.get(f"/surveys/{hidden}/results").status_code == 404
    assert client.get(f"/surveys/{early}/results").status_code == 200


def test_csv_export_is_utf8_with_bom_formula_safe_and_anonymous(app, client, login, ward_official, answered):
    login(client, ward_official)
    response = client.get(f"/surveys/{answered}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["#", "submitted_at", "Thái độ cán bộ"]
    assert len(rows) == 5
    assert rows[1][3] == "Hộ tịch" and rows[1][4] == "Trực tiếp; Trực tuyến"
    assert rows[1][5].startswith("'=")
    assert "0912 345" not in response.data.decode("utf-8-sig")
    assert "an.nguyen" not in response.data.decode("utf-8-sig") and "a•••@•••.com" in rows[1][-1]


def test_unit_satisfaction_comes_from_the_engine_statistics(app, answered, monkeypatch):
    from app.stats import services as stats
    from app.surveys import services

    seen = {}
    real = stats.compute

    def spy(period, scope, kind="report"):
        seen.update(period=period, key=scope.key, kind=kind)
        return real(period, scope, kind)

    monkeypatch.setattr(stats, "compute", spy)
    with app.app_context():
        survey = _survey(answered)
        period, figures = services.satisfaction(survey)
    assert seen["kind"] is None and seen["key"] == ("ward", survey.ward_id)
    assert figures.rated == 0
