"""Text messages (SMS) through a pluggable sender.

The setting ``SMS_BACKEND`` chooses the sender:

``"dev"``
    Development and demos: logs the message with the phone number masked and keeps it in
    ``dev_sms_messages`` for the dev-only outbox page (``/dev/sms``). Refused in production,
    since it writes one-time codes to the log.
``"log"``
    The production default until a gateway is configured: logs that a message was due, never
    the number or the text. Nothing reaches the phone.
``"package.module:function"``
    A real gateway. ``function(phone, body)`` is called with an E.164 number (``+84912345678``)
    and the text, and raises when the message could not be handed over.

Call :func:`send_sms` once the request's transaction has committed (``after_commit``): a
gateway is a network call, and the SQLite write lock must not be held across it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import db
from app.core.models import utcnow
from app.core.plugins import load_callable

log = logging.getLogger(__name__)

Sender = Callable[[str, str], None]


def mask_phone(phone: str) -> str:
    """``+84912345678`` → ``+8491****678``: enough to tell numbers apart in a log."""
    if len(phone) <= 8:
        return "*" * len(phone)
    return phone[:5] + "*" * (len(phone) - 8) + phone[-3:]


class DevSmsMessage(db.Model):
    """What the development SMS sender 'sent', for the dev-only outbox page."""

    __tablename__ = "dev_sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    phone: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)


def send_sms(phone: str, body: str) -> None:
    """Send ``body`` to ``phone`` (E.164) through the configured sender."""
    backend = current_app.config.get("SMS_BACKEND") or "log"
    if backend == "dev" and current_app.config.get("APP_ENV") == "production":
        raise RuntimeError("SMS_BACKEND 'dev' logs one-time codes and is not allowed in production")
    _resolve(backend)(phone, body)


def dev_sender(phone: str, body: str) -> None:
    log.info("dev SMS to %s: %s", mask_phone(phone), body)
    # Its own short transaction: the sender runs after the request committed.
    with db.engine.begin() as conn:
        conn.execute(sa.insert(DevSmsMessage).values(phone=phone, body=body))


def log_sender(phone: str, body: str) -> None:
    log.warning("SMS not delivered: SMS_BACKEND is 'log', no gateway is configured")


_BUILTIN: dict[str, Sender] = {"dev": dev_sender, "log": log_sender}


@lru_cache(maxsize=8)
def _resolve(backend: str) -> Sender:
    return load_callable("SMS_BACKEND", backend, _BUILTIN)
