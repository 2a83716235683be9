"""Signals that let infrastructure react to account events without importing the feature."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Every session of a user was ended ("log out on all devices"); sent with ``user=``.
sessions_ended_everywhere = _signals.signal("sessions-ended-everywhere")
