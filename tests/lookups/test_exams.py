"""Exam scores: CSV errors by line, lookup by number and date of birth, rate limits, no enumeration."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.extensions import db
from app.lookups import exams
from app.lookups.models import ExamScore
from tests.conftest import csrf_token

GOOD = (
    "candidate_number,full_name,birth_date,math,literature,foreign_language,physics\n"
    "01000001,Nguyễn Minh Anh,12/05/2008,8.25,7.5,9,6.75\n"
    "01000002,Trần Gia Huy,2008-01-30,6,7,,8.5\n"
)


def _import(text: str, year: int = 2026) -> exams.ImportResult:
    return exams.import_csv(io.BytesIO(text.encode()), year)


def test_errors_name_their_line_and_nothing_is_imported(app_ctx):
    assert _import(GOOD).imported == 2
    db.session.commit()
    bad = ("candidate_number,full_name,birth_date,math\n"
           "01000003,Lê Văn C,01/01/2008,7\n"
           "1234,Lê Văn D,01/01/2008,7\n"
           "01000005,Lê Văn E,31/02/2008,7\n"
           "01000006,Lê Văn F,01/01/2008,10.1\n"
           "01000003,Lê Văn G,01/01/2008,7\n"
           "01000008,,01/01/2008,7.3\n"
           "01000009,Lê Văn I\n")
    result = _import(bad)
    assert [(e.line, e.field, e.code) for e in result.errors] == [
        (3, "candidate_number", "bad_candidate"), (4, "birth_date", "bad_date"), (5, "math", "bad_score"),
        (6, "candidate_number", "duplicate"), (7, "full_name", "missing_name"), (7, "math", "bad_score"),
        (8, None, "bad_columns")]
    assert result.imported == 0
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExamScore)) == 2  # the earlier import stays


def test_unknown_and_missing_columns(app_ctx):
    result = _import("candidate_number,full_name,math,astrology\n")
    assert {(e.line, e.field, e.code) for e in result.errors} == {
        (1, "birth_date", "missing_column"), (1, "astrology", "unknown_column")}


def test_the_command_imports_a_csv(app, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(GOOD)
    result = app.test_cli_runner().invoke(args=["lookups", "import-exams", str(path), "--year", "2026"])
    assert result.exit_code == 0 and "imported 2" in result.output
    path.write_text(GOOD + "123,X,01/01/2008,1,1,1,1\n")
    result = app.test_cli_runner().invoke(args=["lookups", "import-exams", str(path), "--year", "2026"])
    assert result.exit_code == 1 and "line 4 [candidate_number]" in result.output


@pytest.fixture
def scores(app):
    with app.app_context():
        _import(GOOD)
        db.session.commit()
        db.session.remove()


def _ask(client, number: str, born: str, ip: str = "10.0.0.1"):
    token = csrf_token(client, "/lookups/exams")
    return client.post("/lookups/exams", data={"csrf_token": token, "candidate_number": number, "birth_date": born},
                       environ_base={"REMOTE_ADDR": ip})


def _answer(response) -> str:
    html = response.get_data(as_text=True)
    # What the person typed is echoed in the form; the CSRF token changes per page.
    return re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]+"', "", html)


def test_the_right_number_and_date_show_the_scores(client, scores):
    response = _ask(client, "01000001", "2008-05-12")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nguyễn Minh Anh" in page
    assert "8,25" in page or "8.25" in page


def test_a_wrong_number_and_a_wrong_date_look_the_same(app, client, scores):
    wrong_date = _ask(client, "01000001", "2008-05-13", ip="10.0.0.2")
    wrong_number = _ask(client, "01009999", "2008-05-12", ip="10.0.0.3")
    assert wrong_date.status_code == wrong_number.status_code == 200
    assert _answer(wrong_date) == _answer(wrong_number)
    assert "Nguyễn Minh Anh" not in _answer(wrong_date)


def test_both_failures_do_the_same_work(app, scores):
    """The same queries for a wrong number and a wrong date of birth (the timing's shape)."""
    from datetime import date

    with app.app_context():
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert exams.lookup(2026, "01000001", date(2008, 5, 13)) is None
            wrong_date = list(statements)
            statements.clear()
            assert exams.lookup(2026, "01009999", date(2008, 5, 12)) is None
            wrong_number = list(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert wrong_date == wrong_number and len(wrong_date) == 1


def test_lookups_are_rate_limited_per_candidate_number(client, scores):
    for i in range(5):
        assert _ask(client, "01000001", "2001-01-01", ip=f"10.1.0.{i}").status_code == 200
    limited = _ask(client, "01000001", "2008-05-12", ip="10.1.0.99")
    assert limited.status_code == 429 and "Nguyễn Minh Anh" not in limited.get_data(as_text=True)
    assert _ask(client, "01000002", "2008-01-30", ip="10.1.0.99").status_code == 200


def test_lookups_are_rate_limited_per_address(client, scores):
    statuses = [_ask(client, f"0200{i:04d}", "2008-01-01", ip="10.2.0.1").status_code for i in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


def test_the_date_of_birth_never_travels_in_the_address(client, scores):
    page = client.get("/lookups/exams").get_data(as_text=True)
    assert 'method="post"' in page and 'action="/lookups/exams"' in page
