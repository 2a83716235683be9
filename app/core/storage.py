"""Where uploaded files live: a small interface and a local-folder backend.

Callers use :func:`get_storage` and the five methods of :class:`Storage`; they never build paths
themselves. Keys are relative, lower-case paths such as ``reports/2026/11/<hex>.jpg`` made by
:func:`new_photo_key`, so the same key works for any backend.

``STORAGE_BACKEND = "local"`` keeps files under ``UPLOAD_FOLDER`` (``instance/uploads`` when
unset) and ``url()`` returns None: the app serves them itself, after its permission checks.

An S3-compatible backend (MinIO, Viettel/FPT/CMC object storage, AWS) plugs in as a class with
the same methods, for example ``S3Storage(bucket, endpoint_url, ...)`` built on boto3:
``save`` is ``put_object(Key=key, Body=data, ContentType=content_type)`` (a PUT is atomic, and
acknowledged only once stored), ``open`` is ``get_object(...)["Body"].read()``, ``exists`` is
``head_object`` (404 means False), ``delete`` is ``delete_object``, and ``url`` returns a
short-lived presigned GET for a private bucket, a public CDN address for a public one, or None
to keep serving through the app. :func:`_build` then maps ``STORAGE_BACKEND = "s3"`` to it, with
its settings read from the config the same way as ``UPLOAD_FOLDER``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from flask import current_app

_SEGMENT = r"[a-z0-9_-][a-z0-9_.-]*"
# A segment never starts with a dot: that rules out "." and "..", and keeps the
# ".tmp-" files of an interrupted save out of the key space.
_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
MAX_KEY_LENGTH = 512


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing any previous file; durable once it returns."""

    def open(self, key: str) -> bytes:
        """The stored bytes; :class:`FileNotFoundError` when there is none."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the file; deleting a missing key is not an error."""

    def url(self, key: str) -> str | None:
        """A public or signed address for the browser, or None to serve through the app."""


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative storage key, else raise :class:`ValueError`."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or ".." in key or not _KEY.fullmatch(key):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


class LocalStorage:
    """Files in a folder on this machine (or a mounted volume shared by the app servers)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file for ``key``, for ``send_file`` when serving through the app."""
        return self.root / validate_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                # The photo must be on disk before the new name points at it, or a crash could
                # leave an empty file behind a report the citizen was told was saved.
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(target.parent)

    def open(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str | None:
        validate_key(key)
        return None


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder this way)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _build(app) -> Storage:
    backend = app.config.get("STORAGE_BACKEND") or "local"
    if backend == "local":
        root = app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")
        return LocalStorage(root)
    raise RuntimeError(f"Unknown STORAGE_BACKEND {backend!r}; use 'local'")


def get_storage() -> Storage:
    """The current app's storage backend, built once per app."""
    app = current_app._get_current_object()
    storage = app.extensions.get("storage")
    if storage is None:
        storage = app.extensions["storage"] = _build(app)
    return storage


def new_photo_key(prefix: str) -> str:
    """A fresh, unguessable key such as ``reports/2026/11/<32 hex>.jpg``.

    The month folders keep directories small; the 122 random bits of a UUID4 are what make a
    photo's address impossible to guess.
    """
    validate_key(prefix)
    now = datetime.now(UTC)
    return f"{prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.jpg"
