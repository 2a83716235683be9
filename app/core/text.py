"""Text normalisation for Vietnamese search: "o ga" finds "ổ gà"."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip diacritics, including đ/Đ, which has no combining decomposition."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())
