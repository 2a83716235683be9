"""Text hygiene: search folding, the one normalisation of incoming text, safe CSV cells, and the
masking of personal numbers in public text."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l


def fold(text: str) -> str:
    """Lower-case and strip diacritics, including đ/Đ, which has no combining decomposition."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())



# Vietnamese writes some syllables with i or y alike (kí/ký, lí/lý, mĩ/mỹ, sĩ/sỹ, tỉ/tỷ, quí/quý):
# a search folds both spellings into the y form so that "dang ki" finds "đăng ký".
_I_OR_Y = re.compile(r"\b(k|l|m|s|t|h|qu)i\b")


def search_fold(text: str) -> str:
    """:func:`fold`, then the i/y spelling variants of a syllable made one (ki → ky)."""
    return _I_OR_Y.sub(r"\1y", fold(text))


# --- Vietnamese alphabetical order -------------------------------------------------------------

# Marks that make a letter of its own (ă, â, ê, ô, ơ, ư; đ has no combining form), in the order of
# the alphabet: a < ă < â, e < ê, o < ô < ơ, u < ư, d < đ.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter_rank(char: str) -> tuple[int, int, int]:
    if char in "đĐ":
        return (1, 0, char == "Đ")
    base, *marks = unicodedata.normalize("NFD", char)
    letter = sum(_LETTER_MARKS.get(m, 0) for m in marks)
    tone = max((_TONE_MARKS.get(m, 0) for m in marks), default=0)
    return (letter, tone, base.isupper())


def vi_sort_key(text: str | None) -> tuple:
    """A key sorting Vietnamese text in alphabetical order, without a collation library.

    The rule: first compare the text with diacritics and case folded away (so "Cấp…" comes before
    "Chứng…" and "Đăng ký…" among the D words, not after "Xóa…"); among texts equal so folded,
    compare letter by letter with the Vietnamese letter order (a < ă < â, d < đ, e < ê, o < ô < ơ,
    u < ư), then the tone (level < huyền < hỏi < ngã < sắc < nặng), then lower before upper case.
    Unlike a full collation, đ sorts with d rather than as a letter after it.
    """
    text = unicodedata.normalize("NFC", text or "")
    return (fold(text), tuple(_letter_rank(c) for c in text if not c.isspace()), text)


def vi_sorted(items: Iterable, name=lambda item: item.name) -> list:
    """``items`` in Vietnamese alphabetical order of ``name(item)`` (see :func:`vi_sort_key`)."""
    return sorted(items, key=lambda item: vi_sort_key(name(item)))

# --- incoming text -------------------------------------------------------------------------

class ForbiddenCharacterError(ValueError):
    """The text holds a NUL, which no field may carry. ``args[0]`` is the translated message,
    so WTForms turns it into a field error when a filter raises it."""

    def __init__(self, message=None):
        super().__init__(message or _l("The text contains a character that is not allowed (NUL). "
                                       "Please type it again."))


# C0 and C1 controls but tab and newline, DEL, surrogates (never valid in UTF-8 nor XML) and the
# two non-characters XML 1.0 forbids. CR is turned into a newline before this runs.
_UNWANTED = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def normalize_text(s: str) -> str:
    """The one normalisation of text at every boundary where it enters (forms, API, imports).

    Line breaks (CR, CRLF, U+2028/2029) become LF, control characters other than tab and
    newline and invisible format characters are removed, the result is Unicode NFC (Vietnamese
    typed on different keyboards compares equal). A NUL is refused rather than dropped: it is
    never typed by a person. Check lengths on the result.
    """
    if "\x00" in s:
        raise ForbiddenCharacterError()
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    s = _UNWANTED.sub("", s)
    # Format characters (category Cf: zero-width spaces and joiners, bidirectional overrides,
    # soft hyphens) are invisible: they would let an empty-looking text through a required
    # check or make a text read differently from what it holds.
    s = "".join(c for c in s if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFC", s)


# --- CSV exports ---------------------------------------------------------------------------

# A spreadsheet reads a cell starting with one of these as a formula (or a formula after a tab
# or line break), whoever typed it: a citizen, an official or an admin naming a category.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value):
    """``value`` as a CSV cell no spreadsheet evaluates: text that could start a formula gets a
    leading apostrophe, which spreadsheets show as text. Numbers are left as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) or value.lstrip().startswith(_FORMULA_START[:4]):
        return "'" + value
    return value


def csv_line(values: Iterable) -> str:
    """One CSV record (with its line end) whose text cells are made safe by :func:`csv_cell`."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(v) for v in values])
    return buffer.getvalue()


# --- personal numbers in public text -------------------------------------------------------

_SEP = r"[ .\-]{0,2}"
_PERSONAL_NUMBER = re.compile(
    # Not a piece of a longer number (1.000.000.000.000 đồng), but glued to letters is fine (sđt0912…).
    # Two numbers may be joined by a dash: 0912345678-0987654321.
    r"(?<![\d+])(?<!\d\.)(?:(?<!\d-)|(?=0))(?:"
    # A 12-digit ID number (CCCD), also typed in groups: 001 190 012 345.
    rf"\d(?:{_SEP}\d){{11}}"
    # +84 / (+84) / 0084 / 84, then a 9-digit subscriber number (a leading (0) tolerated).
    rf"|(?P<code>\+{_SEP}84|\(\+?84\)|0084|84){_SEP}(?:\(0\){_SEP}|0)?[235789](?:{_SEP}\d){{8}}"
    # Mobiles: 0 + 9 digits (also typed digit by digit: 0 9 1 2 …).
    rf"|0{_SEP}[35789](?:{_SEP}\d){{8}}"
    # Landlines: (02x) + 8 digits.
    rf"|\(?02\d\)?{_SEP}\d(?:{_SEP}\d){{7}}"
    r")(?!\d)(?!\.\d)(?!-[1-9])"
)
MASK = "•"
KEEP_DIGITS = 3


def _mask(match: re.Match) -> str:
    text = match.group(0)
    # The country code says nothing about the person: keep it readable.
    prefix = match.group("code") or ""
    text = text[len(prefix):]
    digits = sum(c.isdigit() for c in text)
    seen, out = 0, []
    for char in text:
        if char.isdigit():
            seen += 1
            out.append(char if seen > digits - KEEP_DIGITS else MASK)
        else:
            out.append(char)
    return prefix + "".join(out)


# An e-mail address: a local part, an at sign (also the full-width one), a domain of labels ending
# in a top-level part of letters. Spaces around the at sign are tolerated (“an @ gmail.com”).
_EMAIL = re.compile(
    r"(?<![\w.%+\-])(?P<first>\w)[\w.%+\-]*\s?[@\uff20]\s?"
    r"(?:[^\W_](?:[\w\-]*[^\W_])?\.)+(?P<tld>[^\W\d_]{2,})(?![\w\-]|\.[^\W_])"
)


def _mask_email(match: re.Match) -> str:
    # The first character and the top-level part say little about the person and let a reader
    # see that an address was there: a•••@•••.com.
    return f"{match.group('first')}{MASK * 3}@{MASK * 3}.{match.group('tld')}"


def mask_personal_data(text: str | None) -> str:
    """Phone numbers and 12-digit ID numbers in ``text`` with all but their last digits masked,
    e-mail addresses with all but their first character and top-level domain masked.

    For public pages and the API: people type their phone number into a description or a
    comment; the original stays in the database for the officials handling the report.
    """
    if not text:
        return ""
    text = _EMAIL.sub(_mask_email, _ascii_digits(str(text)))
    return _PERSONAL_NUMBER.sub(_mask, text)


def _ascii_digits(text: str) -> str:
    """Digits of other scripts (full-width ０９１２…) as ASCII, so that no spelling slips past."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c for c in text)
