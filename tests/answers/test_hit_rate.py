"""The answer desk on its fixed set of questions (bench/answer_desk_questions.py)."""

from __future__ import annotations

import pytest

from bench.answer_desk import evaluate
from bench.answer_desk_questions import ANSWERED, UNANSWERED


def test_the_fixed_set_is_what_the_issue_asks_for():
    assert len(ANSWERED) >= 60 and len(UNANSWERED) >= 10
    plain = [q for q, _sources in ANSWERED if q.isascii()]
    assert len(plain) >= len(ANSWERED) // 2
    # The questions without an answer whose folded words collide with the data's.
    assert len(UNANSWERED) >= 26 and sum(q.isascii() for q in UNANSWERED) >= len(UNANSWERED) // 2


def test_top_three_hit_rate_and_no_good_answer(app, desk):
    with app.test_request_context():
        result = evaluate()
    assert result.hit_rate >= 0.85, result.misses
    # The issue asks for 8 of 10 questions without an answer.
    assert result.refused / result.unanswered >= 0.8, result.wrongly_confident


def _ask(app, query):
    from app.answers import services

    with app.test_request_context():
        answer = services.ask(query)
        return answer.confident, answer.hits[0].document.title if answer.hits else None


@pytest.mark.parametrize("query", [
    "ket qua xo so mien bac",      # "số"/"sổ", "miễn"/"miền", "kết quả" of a procedure
    "di du lich da lat",
    "mua ban chung khoan",          # "mua bán" is in the data, "chứng khoán" is not
    "tuyen dung cong an",           # "công an" is, "tuyển dụng" only as "trực tuyến", "sử dụng"
    "thue nha o dau re",
    "Số điện thoại taxi sân bay Nội Bài",
])
def test_words_that_only_collide_once_folded_give_no_good_answer(app, desk, query):
    confident, best = _ask(app, query)
    assert not confident, best


@pytest.mark.parametrize(("query", "title"), [
    ("lam the can cuoc o dau", "căn cước"),
    ("Làm thẻ căn cước ở đâu?", "căn cước"),
    ("dang ky ket hon", "kết hôn"),
    ("Đăng ký kết hôn", "kết hôn"),
    ("dang ky khai sinh", "khai sinh"),
])
def test_questions_with_an_answer_stay_answered(app, desk, query, title):
    confident, best = _ask(app, query)
    assert confident and title in best.lower()
