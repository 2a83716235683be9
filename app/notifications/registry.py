"""What notifications are about, registered by the features that make them.

The notification inbox and push know no feature: a feature registers, per subject type, a
function that describes a batch of its notifications (the sentence in the current locale and
the link), and listeners that deliver a new notification elsewhere (Web Push registers one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.notifications.models import Notification


@dataclass(frozen=True)
class Described:
    """A notification in words: ``text`` in the current locale, ``url`` a path of this app
    (None: the inbox), ``tag`` groups a phone's notifications about one subject."""

    text: str
    url: str | None = None
    tag: str | None = None


Describer = Callable[[Sequence["Notification"]], dict[int, Described]]

_describers: dict[str, Describer] = {}
_listeners: list[Callable[[int], None]] = []


def register_subject(subject_type: str, describe: Describer) -> None:
    """``describe(notifications)`` returns ``{notification id: Described}`` for its subject type."""
    _describers[subject_type] = describe


def on_added(listener: Callable[[int], None]) -> None:
    """Call ``listener(notification_id)`` after each new notification has committed."""
    if listener not in _listeners:
        _listeners.append(listener)


def listeners() -> list[Callable[[int], None]]:
    return list(_listeners)


def describer(subject_type: str | None) -> Describer | None:
    return _describers.get(subject_type or "")
