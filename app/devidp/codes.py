"""Authorization codes of the sandbox, in its own SQLite file ``instance/dev-idp/codes.db``.

Not the app's database: during a login the app's callback asks the sandbox for a token
while it may itself be about to write, and on SQLite the two would wait on one lock. A file
rather than a dict so that several gunicorn workers share the codes.

Only a hash of each code is kept. A code is claimed atomically when it is redeemed, so it
works once even if two token requests race; claimed rows stay a while so that a replayed
``nonce`` is recognised.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from authlib.oidc.core import AuthorizationCodeMixin
from flask import current_app

CODE_TTL = 5 * 60
# Claimed and expired codes are kept this long for the nonce replay check.
KEEP_FOR = 60 * 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT,
    scope TEXT NOT NULL,
    sub TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT NOT NULL,
    code_challenge_method TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
)
"""
_COLUMNS = ("client_id", "redirect_uri", "scope", "sub", "nonce", "code_challenge",
            "code_challenge_method", "auth_time")


@dataclass(frozen=True)
class AuthorizationCode(AuthorizationCodeMixin):
    client_id: str
    redirect_uri: str | None
    scope: str
    sub: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    auth_time: int

    def get_redirect_uri(self) -> str | None:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


def _connect() -> sqlite3.Connection:
    path = Path(current_app.instance_path) / "dev-idp" / "codes.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.execute(_SCHEMA)
    return conn


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def save(code: str, record: AuthorizationCode) -> None:
    now = int(time.time())
    with closing(_connect()) as conn:
        conn.execute("DELETE FROM codes WHERE expires_at < ?", (now - KEEP_FOR,))
        conn.execute(
            f"INSERT INTO codes (code_hash, {', '.join(_COLUMNS)}, expires_at)"  # noqa: S608 - fixed column names
            f" VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})",
            (_hash(code), *(getattr(record, c) for c in _COLUMNS), now + CODE_TTL),
        )


def claim(code: str, client_id: str) -> AuthorizationCode | None:
    """Mark the code used and return it, or None if unknown, expired or already used."""
    with closing(_connect()) as conn:
        row = conn.execute(
            f"UPDATE codes SET used = 1 WHERE code_hash = ? AND client_id = ? AND used = 0"  # noqa: S608
            f" AND expires_at > ? RETURNING {', '.join(_COLUMNS)}",
            (_hash(code), client_id, int(time.time())),
        ).fetchone()
    return None if row is None else AuthorizationCode(*row)


def nonce_seen(client_id: str, nonce: str) -> bool:
    with closing(_connect()) as conn:
        row = conn.execute("SELECT 1 FROM codes WHERE client_id = ? AND nonce = ?",
                           (client_id, nonce)).fetchone()
    return row is not None
