"""The answer desk on its fixed set of questions (bench/answer_desk_questions.py)."""

from __future__ import annotations

from bench.answer_desk import evaluate
from bench.answer_desk_questions import ANSWERED, UNANSWERED


def test_the_fixed_set_is_what_the_issue_asks_for():
    assert len(ANSWERED) >= 60 and len(UNANSWERED) >= 10
    plain = [q for q, _sources in ANSWERED if q.isascii()]
    assert len(plain) >= len(ANSWERED) // 2


def test_top_three_hit_rate_and_no_good_answer(app, desk):
    with app.test_request_context():
        result = evaluate()
    assert result.hit_rate >= 0.85, result.misses
    assert result.refused >= 8, result.wrongly_confident
