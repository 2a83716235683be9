"""Words and links of field reports for templates (the case words are in :mod:`app.cases.display`).

Registered app-wide as Jinja globals: ``category_name``, ``photo_url``, ``answer_items`` and the
report permission checks the templates need.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import format_decimal, gettext
from markupsafe import Markup, escape

from app.cases.display import locale
from app.core import pagecache, questions
from app.extensions import db
from app.places import services as places
from app.reports import bp, permissions, services
from app.reports.models import Category, Report, ReportPhoto


@bp.app_template_global()
def category_name(category) -> str:
    return category.display_name(locale()) if category is not None else ""


@bp.app_template_global()
def ward_name(report: Report) -> str:
    """Where the report is: its ward, or a note that the city's triage has not chosen one yet."""
    return report.ward.name if report.ward is not None else gettext("Ward not chosen yet")


_PLACEHOLDER = 987654321
# The filter's category <option>s, by (version of the "categories" topic, locale).
_category_options: dict[tuple[str, str], str] = {}


@bp.app_template_global()
def category_options(selected: int | None = None) -> Markup:
    """``<option value="id">name</option>`` of the active categories in the reader's language,
    ``selected`` marked; rendered once per process, locale and version of the ``categories``
    topic (an admin's edit bumps it), not loaded with their questions on every feed page."""
    lang = locale()
    key = (pagecache.current_versions(["categories"])[0], lang)
    html = _category_options.get(key)
    if html is None:
        rows = db.session.execute(sa.select(Category.id, Category.name, Category.name_en).where(Category.active)
                                  .order_by(Category.position, Category.id)).all()
        html = "".join(f'<option value="{row.id}">{escape(_category_label(row, lang))}</option>\n' for row in rows)
        if len(_category_options) > 8:
            _category_options.clear()
        _category_options[key] = html
    if selected is not None:
        html = html.replace(f'<option value="{int(selected)}">', f'<option value="{int(selected)}" selected>', 1)
    return Markup(html)  # noqa: S704 - built above from escaped names and integer ids


def _category_label(row, lang: str) -> str:
    return Category.display_name(row, lang)  # the model's rule, on a plain row


@bp.app_template_global()
def photo_url(photo: ReportPhoto, thumb: bool = False) -> str:
    """The address of a photo or its thumbnail; ``url_for`` runs once per request and kind,
    not once per photo of a list."""
    endpoint = "reports.photo_thumb" if thumb else "reports.photo"
    templates = g.setdefault("photo_url_templates", {})
    template = templates.get(endpoint)
    if template is None:
        template = templates[endpoint] = url_for(endpoint, photo_id=_PLACEHOLDER).replace(str(_PLACEHOLDER), "{}")
    return template.format(int(photo.id))


@bp.app_template_global()
def answer_items(report: Report) -> list[tuple[str, str]]:
    """The extra questions answered when filing, as (question, answer) in the reader's language."""
    return questions.answer_items(report.category.questions, report.answers, locale())


# Permission and state checks the templates need, under the names the views use.
bp.add_app_template_global(permissions.can_follow, "can_follow")
bp.add_app_template_global(permissions.can_view_report, "can_view_report")
bp.add_app_template_global(services.is_following, "is_following")
bp.add_app_template_global(services.active_categories, "report_categories")
bp.add_app_template_global(places.far_from_ward_centre, "far_from_ward_centre")
bp.add_app_template_global(places.ward_options, "ward_options")
bp.add_app_template_global(format_decimal, "format_decimal")
bp.add_app_template_global(services.public_texts, "public_texts")
bp.add_app_template_global(services.answer_photos, "answer_photos")
