"""Photo uploads checked before anything is stored: how many, how large, how often.

Views call :func:`read_photos` first and store only what it returns, so a form posted with
300 photos stores nothing and costs only the reading of its headers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from limits import parse

from app.core.ratelimit import limiter


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes = field(repr=False)


@dataclass
class Batch:
    """The files that may be stored, and why others may not: ``too_many`` and
    ``rate_limited`` refuse the whole batch; ``problems`` are (file name, message) of files
    refused one by one (the others are kept, so the person does not choose them again)."""

    uploads: list[Upload] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    too_many: bool = False
    rate_limited: bool = False


def rate_limited_message() -> str:
    return _("You have sent many photos in a short time. Please wait a while, then send the form again.")


def _within_rate(key: str, count: int) -> bool:
    """Count ``count`` photos against the account's upload limit (reports and answers share it)."""
    if not count or not limiter.enabled:
        return True
    item = parse(current_app.config["PHOTO_UPLOAD_LIMIT"])
    return limiter.limiter.hit(item, "photo-uploads", key, cost=count)


def read_photos(files: Iterable, *, kept: int, key: str) -> Batch:
    """Read the new photos of a form if they may be stored.

    ``files``: the form's file fields (empty ones are ignored); ``kept``: photos already
    stored for it (an earlier attempt); ``key``: whose upload limit counts them, e.g.
    ``user:42``. Nothing is read beyond a file's size limit.
    """
    files = [f for f in files if f and getattr(f, "filename", None)]
    config = current_app.config
    if kept + len(files) > config["PHOTO_MAX_COUNT"]:
        return Batch(too_many=True)
    max_bytes = config["PHOTO_MAX_BYTES"]
    batch = Batch()
    for upload in files:
        data = upload.stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            batch.problems.append((upload.filename, _(
                "This photo is larger than %(size)s MB. Please choose a smaller photo.",
                size=f"{round(max_bytes / (1024 * 1024), 2):g}")))
        else:
            batch.uploads.append(Upload(upload.filename, data))
    if not _within_rate(key, len(batch.uploads)):
        return Batch(rate_limited=True)
    return batch
