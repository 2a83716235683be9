"""The base of every form: text fields pass through :func:`app.core.text.normalize_text` first."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from app.core.text import normalize_text


def normalized(value):
    """WTForms filter: a ``ForbiddenCharacterError`` (a ValueError) becomes the field's error."""
    return normalize_text(value) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Every text field (text areas and hidden fields are StringFields too), before the
            # field's own filters, so its validators check lengths on the normalised text.
            if issubclass(unbound_field.field_class, StringField):
                options = {**options, "filters": [normalized, *unbound_field.kwargs.get("filters", ())]}
            return unbound_field.bind(form=form, **options)
