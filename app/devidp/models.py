"""The development SMS outbox lives in :mod:`app.core.sms`, whose dev sender writes it."""

from app.core.sms import DevSmsMessage  # noqa: F401
