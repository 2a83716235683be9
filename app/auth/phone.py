"""Phone number + one-time SMS code login (placeholder until the phone login lands)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField


class PhoneStartForm(FlaskForm):
    phone = StringField()
    next = HiddenField()
