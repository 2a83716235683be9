"""Extra questions: definitions, validation and display, for every form that asks them.

A question has a ``code`` (stable, used as the answer's key and as Open311's attribute code),
a label in Vietnamese and English, a kind (``text``, ``single``, ``multiple``; surveys also ask
``long_text`` and ``rating``, a whole number from 1 to 5), a ``required``
flag and, for choices, ``options``: ``[{"value": …, "label": …, "label_en": …}]``. The report
form, Open311 and surveys store their questions as rows that provide these attributes (use
:class:`QuestionMixin` for the methods) and share :func:`validate`, :func:`answer_items` and
the template macro ``_questions.html``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from flask_babel import lazy_gettext as _l

ANSWER_MAX = 500
LONG_ANSWER_MAX = 4000
RATINGS = ("1", "2", "3", "4", "5")


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    SINGLE = "single"
    MULTIPLE = "multiple"
    LONG_TEXT = "long_text"
    RATING = "rating"


class Question(Protocol):
    id: int
    code: str
    label: str
    label_en: str
    kind: str
    required: bool
    options: list


class QuestionMixin:
    """Display helpers for a model that stores a question."""

    def display_label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label

    def option_label(self, value: str, locale: str) -> str:
        for option in self.options:
            if option["value"] == value:
                return option["label_en"] if locale == "en" else option["label"]
        return value


# What each validation problem means to the person who answered (web forms).
PROBLEMS = {
    "not_an_option": _l("Choose among the options shown."),
    "choose_at_least_one": _l("Choose at least one option."),
    "choose_one": _l("Choose an option."),
    "too_long": _l("This answer is too long (at most %(max)d characters)."),
    "required": _l("Please answer this question."),
    "one_value": _l("Choose only one option."),
}


def problem_message(code: str, kind: str | None = None) -> str:
    message = PROBLEMS[code]
    limit = LONG_ANSWER_MAX if kind == QuestionKind.LONG_TEXT else ANSWER_MAX
    return str(message) % {"max": limit} if code == "too_long" else str(message)


def validate(questions: Iterable[Question], given: Mapping[str, Sequence[str]]) -> tuple[dict, dict[str, str]]:
    """Check answers given as ``{question code: [values]}`` (already normalised text).

    Returns ``(answers, problems)``: answers by question code (a string, or a list for
    ``multiple``), and problem codes (keys of :data:`PROBLEMS`) by question code. Codes that
    are not among ``questions`` are ignored here; callers that must refuse them do so.
    """
    answers: dict = {}
    problems: dict[str, str] = {}
    for question in questions:
        values = [v for v in dict.fromkeys(given.get(question.code, ())) if v]
        allowed = {option["value"] for option in question.options}
        if question.kind == QuestionKind.MULTIPLE:
            if any(v not in allowed for v in values):
                problems[question.code] = "not_an_option"
            elif values:
                answers[question.code] = values
            elif question.required:
                problems[question.code] = "choose_at_least_one"
            continue
        if len(values) > 1:
            problems[question.code] = "one_value"
            continue
        value = values[0] if values else ""
        if question.kind in (QuestionKind.SINGLE, QuestionKind.RATING):
            if question.kind == QuestionKind.RATING:
                allowed = set(RATINGS)
            if value and value not in allowed:
                problems[question.code] = "not_an_option"
            elif value:
                answers[question.code] = value
            elif question.required:
                problems[question.code] = "choose_one"
            continue
        if len(value) > (LONG_ANSWER_MAX if question.kind == QuestionKind.LONG_TEXT else ANSWER_MAX):
            problems[question.code] = "too_long"
        elif value:
            answers[question.code] = value
        elif question.required:
            problems[question.code] = "required"
    return answers, problems


def answer_items(questions: Iterable[Question], answers: Mapping | None, locale: str) -> list[tuple[str, str]]:
    """The questions answered, as ``(question, answer)`` in the reader's language."""
    items = []
    for question in questions:
        value = (answers or {}).get(question.code)
        if value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(question.option_label(v, locale) if question.kind != QuestionKind.TEXT else v
                          for v in values)
        items.append((question.display_label(locale), shown))
    return items
