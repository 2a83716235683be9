"""The Vietnamese tax code (mã số thuế, MST) of an enterprise or household business.

Format: 10 digits, optionally followed by ``-`` and a 3-digit branch suffix (001–999) for a
dependent unit (13 digits in all). The first two digits are the province code of registration
(never ``00``), the next seven a sequence number (never ``0000000``), the tenth a check digit
over the first nine: with the weights 31, 29, 23, 19, 17, 13, 7, 5, 3, the check digit is
``10 - (Σ weight × digit mod 11)``; a sum whose remainder is 0 would need "10" and is never
issued, so such a number is invalid.

Sources (checked for this code, November 2026):

* python-stdnum / stdnum-js, module ``vn/mst`` ("MST (Mã số thuế, Vietnam tax number)"):
  https://app.unpkg.com/stdnum@1.11.7/files/lib/esm/vn/mst.js — weights ``[31, 29, 23, 19,
  17, 13, 7, 5, 3]``, modulus 11, ``check == 10 - sum``; lengths 10 and 13; province ``00``,
  sequence ``0000000`` and suffix ``000`` refused. It cites
  https://vi.wikipedia.org/wiki/Thuế_Việt_Nam#Mã_số_thuế_(MST)_của_doanh_nghiệp.
* vn-ident (PyPI, https://pypi.org/project/vn-ident/): ``mst_check_digit("010004751") == 6``,
  "the worked example in the circular" of the General Department of Taxation on tax
  registration codes.
"""

from __future__ import annotations

import re

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_FORMAT = re.compile(r"(\d{10})(?:-(\d{3}))?")


def check_digit(first_nine: str) -> int | None:
    """The tenth digit for ``first_nine`` digits, or None when no digit fits (remainder 0)."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("nine digits expected")
    remainder = sum(w * int(d) for w, d in zip(WEIGHTS, first_nine, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def normalize(value: str) -> str:
    """Blanks and dots off; a 13-digit number without its dash gets one (``0100109106-001``)."""
    compact = re.sub(r"[\s.]", "", value or "")
    if len(compact) == 13 and compact.isdigit():
        compact = f"{compact[:10]}-{compact[10:]}"
    return compact


def is_valid(value: str) -> bool:
    """Whether ``value`` (normalised) is a well-formed MST whose check digit is right."""
    value = normalize(value)
    match = _FORMAT.fullmatch(value) if value.isascii() else None
    if match is None:
        return False
    main, suffix = match.groups()
    if main[:2] == "00" or main[2:9] == "0000000" or suffix == "000":
        return False
    return check_digit(main[:9]) == int(main[9])
