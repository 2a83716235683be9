"""THPT exam scores: a streamed CSV import validated row by row, and a lookup that tells nothing
to someone who guesses.

The lookup needs the candidate number **and** the date of birth; a wrong number and a wrong
date give the same answer after the same work (one indexed query, one constant-time
comparison against a real or a stand-in date), so the answer reveals no valid numbers.
"""

from __future__ import annotations

import csv
import hmac
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.dates import parse_day
from app.core.text import ForbiddenCharacterError, normalize_text
from app.extensions import db
from app.lookups.fields import ascii_float
from app.lookups.gtfs import plain
from app.lookups.models import ExamScore

SUBJECTS = {
    "math": _l("Mathematics"),
    "literature": _l("Literature"),
    "foreign_language": _l("Foreign language"),
    "physics": _l("Physics"),
    "chemistry": _l("Chemistry"),
    "biology": _l("Biology"),
    "history": _l("History"),
    "geography": _l("Geography"),
    "civics": _l("Economic and legal education"),
    "informatics": _l("Informatics"),
    "technology": _l("Technology"),
}
REQUIRED = ("candidate_number", "full_name", "birth_date")
CANDIDATE = re.compile(r"^[0-9]{8}$")
BATCH = 5000
MAX_ERRORS = 200

ERRORS = {
    "missing_column": _l("Required column is missing"),
    "unknown_column": _l("Unknown column (expected a subject code)"),
    "bad_candidate": _l("The candidate number must have 8 digits"),
    "duplicate": _l("This candidate number appears twice in the file"),
    "missing_name": _l("The full name is empty"),
    "bad_date": _l("Not a date (DD/MM/YYYY or YYYY-MM-DD)"),
    "bad_score": _l("A score must be a number from 0 to 10 in steps of 0.25"),
    "bad_columns": _l("The row does not have as many cells as the header"),
    "bad_text": _l("The text contains a character that is not allowed"),
}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    code: str

    @property
    def message(self) -> str:
        return plain(ERRORS[self.code])


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0


def parse_date(text: str) -> date | None:
    """DD/MM/YYYY or YYYY-MM-DD, digits 0-9, within app.core.dates' range."""
    if not text.isascii():
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return parse_day(datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    return None


def _score(text: str) -> float | None | bool:
    """A score, None for an empty cell, False when unreadable."""
    if text == "":
        return None
    value = ascii_float(text.replace(",", "."))
    if value is None:
        return False
    if not 0 <= value <= 10 or (value * 4) != int(value * 4):
        return False
    return value


def import_csv(stream, year: int) -> ImportResult:
    """Read the CSV ``stream`` (bytes or text file) row by row; every row is checked and errors
    name their line. With no error, the year's scores are replaced by the file's (flushed, the
    caller commits); with errors, nothing changes."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") if not isinstance(stream, io.TextIOBase) \
        else stream
    reader = csv.reader(text)
    result = ImportResult()

    def error(line: int, fieldname: str | None, code: str) -> None:
        result.error_count += 1
        if len(result.errors) < MAX_ERRORS:
            result.errors.append(RowError(line, fieldname, code))

    header = [h.strip().lower() for h in next(reader, [])]
    for column in REQUIRED:
        if column not in header:
            error(1, column, "missing_column")
    for column in header:
        if column not in REQUIRED and column not in SUBJECTS:
            error(1, column, "unknown_column")
    if result.error_count:
        return result
    index = {name: i for i, name in enumerate(header)}
    subjects = [c for c in header if c in SUBJECTS]
    nested = db.session.begin_nested()
    conn = db.session.connection()
    conn.execute(sa.delete(ExamScore.__table__).where(ExamScore.year == year))
    seen: set[str] = set()
    batch: list[dict] = []
    insert = sa.insert(ExamScore.__table__)
    for line, row in enumerate(reader, start=2):
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            error(line, None, "bad_columns")
            continue
        number = row[index["candidate_number"]].strip()
        ok = True
        if not CANDIDATE.match(number):
            error(line, "candidate_number", "bad_candidate")
            ok = False
        elif number in seen:
            error(line, "candidate_number", "duplicate")
            ok = False
        seen.add(number)
        try:
            name = normalize_text(row[index["full_name"]]).strip()
        except ForbiddenCharacterError:
            error(line, "full_name", "bad_text")
            continue
        if not name:
            error(line, "full_name", "missing_name")
            ok = False
        born = parse_date(row[index["birth_date"]].strip())
        if born is None:
            error(line, "birth_date", "bad_date")
            ok = False
        scores = {}
        for subject in subjects:
            value = _score(row[index[subject]].strip())
            if value is False:
                error(line, subject, "bad_score")
                ok = False
            elif value is not None:
                scores[subject] = value
        if not ok or result.error_count:
            continue
        batch.append({"year": year, "candidate_number": number, "full_name": name[:120], "birth_date": born,
                      "scores": scores})
        if len(batch) >= BATCH:
            conn.execute(insert, batch)
            result.imported += len(batch)
            batch.clear()
    if result.error_count:
        nested.rollback()
        result.imported = 0
        return result
    if batch:
        conn.execute(insert, batch)
        result.imported += len(batch)
    nested.commit()
    return result


# A stand-in date compared against when the number is unknown, so both failures do the same work.
_STAND_IN = date(2000, 1, 1)


def lookup(year: int, candidate_number: str, birth_date: date) -> ExamScore | None:
    """The candidate's scores when both the number and the date of birth match; None otherwise,
    the same way whichever was wrong."""
    row = db.session.scalar(sa.select(ExamScore).where(
        ExamScore.year == year, ExamScore.candidate_number == candidate_number[:8]))
    expected = row.birth_date if row is not None else _STAND_IN
    same = hmac.compare_digest(expected.isoformat().encode(), birth_date.isoformat().encode())
    return row if (row is not None and same) else None


def latest_year() -> int | None:
    return db.session.scalar(sa.select(sa.func.max(ExamScore.year)))

