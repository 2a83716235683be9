"""The sandbox's RS256 signing key: generated once into ``instance/dev-idp/signing-key.pem``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app
from joserfc.jwk import RSAKey

ALGORITHM = "RS256"

# Parsing the PEM on every token would be wasteful; keyed by path because tests run several
# apps with different instance folders in one process.
_loaded: dict[str, tuple[RSAKey, str]] = {}


def _path() -> Path:
    return Path(current_app.instance_path) / "dev-idp" / "signing-key.pem"


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = RSAKey.generate_key(2048, private=True).as_pem(private=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        # link() fails if the file exists: when several workers start at once, the first wins
        # and the others read its key.
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def _load() -> tuple[RSAKey, str]:
    path = _path()
    cached = _loaded.get(str(path))
    if cached is None:
        if not path.exists():
            _create(path)
        key = RSAKey.import_key(path.read_bytes())
        cached = _loaded[str(path)] = (key, key.thumbprint())
    return cached


def signing_key() -> RSAKey:
    return _load()[0]


def key_id() -> str:
    return _load()[1]


def public_jwks() -> dict:
    key, kid = _load()
    return {"keys": [key.as_dict(private=False, kid=kid, use="sig", alg=ALGORITHM)]}
