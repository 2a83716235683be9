"""Identity verification of phone accounts (level 1 → 2) through a pluggable verifier.

The setting ``IDENTITY_VERIFIER`` chooses it:

``"dev"``
    Checks only that the details are consistent with each other, the way a CCCD number
    encodes them (see :func:`dev_verifier`). It does not prove the person exists: use it for
    development and demos.
``"package.module:function"``
    A real register (e.g. the national population database through a government gateway),
    called as ``function(cccd=..., full_name=..., birth_date=..., gender=...)`` and returning
    a list of :class:`Problem` (empty when the identity is confirmed).

Messages are translated and never repeat the ID number: they end up on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from app.auth.models import Gender
from app.core.plugins import load_callable


class Problem(NamedTuple):
    """Why an identity was not confirmed; ``field`` names the form field, or None for all."""

    field: str | None
    message: str


Verifier = Callable[..., list[Problem]]

_HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

# Province and city codes that open a CCCD number (Decree 137/2015, Circular 07/2016/TT-BCA).
PROVINCE_CODES = frozenset("""
    001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034
    035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068
    070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096
""".split())


def verify(*, cccd: str, full_name: str, birth_date: date, gender: str) -> list[Problem]:
    """Ask the configured verifier; an empty list means the identity is confirmed."""
    verifier = _resolve(current_app.config.get("IDENTITY_VERIFIER") or "none")
    return list(verifier(cccd=cccd, full_name=full_name, birth_date=birth_date, gender=gender))


def dev_verifier(*, cccd: str, full_name: str, birth_date: date, gender: str,
                 today: date | None = None) -> list[Problem]:
    """Format checks only: 12 digits, a province code, and the digits that encode the
    gender, the century and the year of birth.

    The fourth digit is 0/1 for a man/woman born 1900–1999, 2/3 for 2000–2099, 4/5 for
    2100–2199 and so on; the fifth and sixth are the last two digits of the birth year. The
    number records only male or female, so the gender digit is not checked for "other".
    """
    today = today or datetime.now(_HANOI).date()
    problems: list[Problem] = []
    if not full_name or not full_name.strip():
        problems.append(Problem("full_name", _("Enter your full name as on your ID card.")))
    if birth_date > today:
        problems.append(Problem("birth_date", _("The date of birth cannot be in the future.")))
    if not re.fullmatch(r"[0-9]{12}", cccd or "", flags=re.ASCII):
        problems.append(Problem("cccd", _("The ID card number has exactly 12 digits.")))
        return problems
    if cccd[:3] not in PROVINCE_CODES:
        problems.append(Problem("cccd", _("The first three digits of the ID card number are not a "
                                          "province code. Please check the number.")))
    code = int(cccd[3])
    century = 1900 + (code // 2) * 100
    if gender in (Gender.MALE, Gender.FEMALE):
        encoded = Gender.MALE if code % 2 == 0 else Gender.FEMALE
        if encoded != gender:
            problems.append(Problem("cccd", _("The ID card number does not match the gender given.")))
    if birth_date.year // 100 * 100 != century or cccd[4:6] != f"{birth_date.year % 100:02d}":
        problems.append(Problem("cccd", _("The ID card number does not match the year of birth.")))
    return problems


@lru_cache(maxsize=8)
def no_verifier(**_identity) -> list[Problem]:
    """Production without an identity service: only VNeID raises an account to level 2."""
    return [Problem(None, _("Checking ID card details is not available on this server. "
                             "Please link your VNeID account instead."))]


def _resolve(name: str) -> Verifier:
    return load_callable("IDENTITY_VERIFIER", name, {"dev": dev_verifier, "none": no_verifier})
