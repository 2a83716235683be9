"""The VAPID key pair: the app's identity towards the browsers' push services.

``VAPID_PRIVATE_KEY`` (raw base64url or PEM) wins. Without it, development and tests make a key
once in ``instance/vapid_private.pem`` and keep it, so subscriptions survive restarts; production
runs without push rather than with a key nobody backed up.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid

KEY_FILE = "vapid_private.pem"


def init_app(app: Flask) -> None:
    key = _load(app)
    app.extensions["vapid"] = key
    if key is None:
        app.config["VAPID_PUBLIC_KEY"] = None
        return
    public = public_key_b64(key)
    configured = app.config.get("VAPID_PUBLIC_KEY")
    if configured and configured.rstrip("=") != public:
        raise RuntimeError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY; set only the private key")
    app.config["VAPID_PUBLIC_KEY"] = public


def push_enabled() -> bool:
    return current_app.extensions.get("vapid") is not None


def current_key() -> Vapid | None:
    return current_app.extensions.get("vapid")


def public_key_b64(key: Vapid) -> str:
    """The application server key browsers want: the uncompressed P-256 point, base64url."""
    point = key.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def _load(app: Flask) -> Vapid | None:
    configured = (app.config.get("VAPID_PRIVATE_KEY") or "").strip()
    if configured:
        if "-----BEGIN" in configured:
            return Vapid.from_pem(configured.encode())
        return Vapid.from_string(configured)
    if app.config["APP_ENV"] == "production":
        return None
    return Vapid.from_pem(_instance_key(Path(app.instance_path)))


def _instance_key(instance: Path) -> bytes:
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / KEY_FILE
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return pem
