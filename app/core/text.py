"""Text normalisation: one clean-up for every text that enters, and folding for Vietnamese
search ("o ga" finds "ổ gà")."""

from __future__ import annotations

import unicodedata

# Tab and newline are the only control characters a person means to type.
_KEPT_CONTROLS = frozenset("\t\n")


def normalize_text(text: str) -> str:
    """Unicode NFC with control characters other than tab and newline removed (a CR-LF pair
    becomes a newline); raises ``ValueError`` for a NUL, which no honest client sends.

    Lengths are to be checked on the result.
    """
    if "\x00" in text:
        raise ValueError("text contains a NUL character")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return "".join(c for c in text if c in _KEPT_CONTROLS or unicodedata.category(c) != "Cc")


def fold(text: str) -> str:
    """Lower-case and strip diacritics, including đ/Đ, which has no combining decomposition."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())
