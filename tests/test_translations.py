"""The Vietnamese catalog is complete and both catalogs match the source strings."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _catalog(locale: str):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _source_msgids() -> set[str]:
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS,
        options_map={"app/templates/**.html": {"extensions": "jinja2.ext.do"}},
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_msgid_has_a_vietnamese_translation():
    missing = [
        m.id for m in _catalog("vi")
        if m.id and (m.fuzzy or not m.string
                     or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert missing == [], f"untranslated in vi: {missing[:10]}"


def test_catalogs_are_not_stale():
    source = _source_msgids()
    for locale in ("vi", "en"):
        catalog_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(locale) if m.id}
        assert source - catalog_ids == set(), f"run `make babel`: new strings not in {locale}"
        assert catalog_ids - source == set(), f"run `make babel`: obsolete strings in {locale}"


def test_compiled_catalogs_are_current():
    """`make babel` compiles; a .mo older than its .po means the app shows stale text."""
    for locale in ("vi", "en"):
        po = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"compile the {locale} catalog: `make babel`")
    assert sys.executable and subprocess  # the Makefile compiles before tests run


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\(\w+\)[sd]", text))


def test_vietnamese_translations_keep_placeholders_and_are_whole():
    """A translation carries every placeholder of its msgid and is not a cut-off fragment (a
    plural set as plain text once left "T" for a whole sentence)."""
    problems = []
    for m in _catalog("vi"):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for text in strings:
            if _placeholders(text) != _placeholders(ids[0]) and _placeholders(text) != _placeholders(ids[-1]):
                problems.append((ids[0], text, "placeholders"))
            if len(ids[0]) >= 12 and len(text) < len(ids[0]) * 0.3:
                problems.append((ids[0], text, "too short"))
    assert problems == []


def _glossary() -> list[dict]:
    """The table of ``translations/GLOSSARY.md`` as dicts (concept, pattern, must, avoid)."""
    rows = []
    for line in (ROOT / "translations" / "GLOSSARY.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| concept") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        concept, pattern, must, avoid = cells[:4]
        rows.append({
            "concept": concept,
            "pattern": re.compile(pattern.strip("`").replace("\\|", "|"), re.IGNORECASE),
            "must": must,
            "avoid": [a.strip() for a in avoid.split(",") if a.strip()],
        })
    return rows


def test_glossary_is_read():
    concepts = {row["concept"] for row in _glossary()}
    assert {"accept a case (workflow step)", "ward", "agency (a city department)"} <= concepts


def test_vietnamese_follows_the_glossary():
    """One Vietnamese term per concept (issue 11, item 7): translations/GLOSSARY.md."""
    faults = []
    for m in _catalog("vi"):
        if not m.id:
            continue
        english = m.id[0] if isinstance(m.id, tuple) else m.id
        vietnamese = " ".join(m.string) if isinstance(m.string, tuple) else m.string
        for row in _glossary():
            if not row["pattern"].search(english):
                continue
            if row["must"] and row["must"].lower() not in vietnamese.lower():
                faults.append(f"{english!r} → {vietnamese!r}: {row['concept']} is “{row['must']}”")
            for word in row["avoid"]:
                if word.lower() in vietnamese.lower():
                    faults.append(f"{english!r} → {vietnamese!r}: {row['concept']} is not “{word}”")
    assert faults == [], "\n".join(faults)


def test_dates_are_formatted_only_through_the_one_format():
    """Issue 11, item 7: one Vietnamese date format with four-digit years. Flask-Babel's own
    ``format_date``/``format_datetime`` give CLDR's "dd/MM/yy" or "d thg M, y": code goes through
    ``app.core.i18n.date_text``/``datetime_text`` (the ``date``/``datetime`` filters) instead."""
    offenders = []
    for path in (ROOT / "app").rglob("*.py"):
        if path.name == "i18n.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bformat_(date|datetime)\(", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
