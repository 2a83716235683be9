"""Encryption and keyed hashing of personal data (the CCCD number).

Both keys are derived with HKDF from ``DATA_KEY``, which lives outside the database (the
environment in production, ``instance/data_key`` in development).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_VERSION = b"\x01"
_NONCE_BYTES = 12


def _derive(purpose: bytes) -> bytes:
    secret = current_app.config["DATA_KEY"].encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def encrypt(plaintext: str, context: bytes) -> bytes:
    """AES-256-GCM; ``context`` is bound as associated data so a value cannot be moved."""
    nonce = os.urandom(_NONCE_BYTES)
    ct = AESGCM(_derive(b"cdtd aes-256-gcm v1")).encrypt(nonce, plaintext.encode(), context)
    return _VERSION + nonce + ct


def decrypt(blob: bytes, context: bytes) -> str:
    if not blob or blob[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, ct = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
    return AESGCM(_derive(b"cdtd aes-256-gcm v1")).decrypt(nonce, ct, context).decode()


def lookup_hash(value: str, context: bytes) -> str:
    """HMAC-SHA256 for equality look-ups without storing the value."""
    key = _derive(b"cdtd hmac-sha256 v1")
    return hmac.new(key, context + b"\x00" + value.encode(), hashlib.sha256).hexdigest()
