"""The sandbox provider's own identity register: a JSON file in ``instance/dev-idp/``.

It stands for VNeID's population register, so it is deliberately kept outside the app's
database: the app only learns an identity through the OIDC claims of a login.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from flask import current_app

FIELDS = ("sub", "name", "cccd", "birthdate", "gender", "phone_number", "label")


def _path() -> Path:
    return Path(current_app.instance_path) / "dev-idp" / "identities.json"


def list_identities() -> list[dict]:
    path = _path()
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


def get_identity(sub: str) -> dict | None:
    return next((i for i in list_identities() if i["sub"] == sub), None)


def upsert_identities(identities: list[dict]) -> None:
    """Add or replace identities by ``sub``; the write is atomic (rename)."""
    by_sub = {i["sub"]: i for i in list_identities()}
    for identity in identities:
        by_sub[identity["sub"]] = {k: identity.get(k) for k in FIELDS}
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".identities-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(sorted(by_sub.values(), key=lambda i: i["sub"]), f, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
