"""Report categories: names, routing, deadlines and extra questions (city admins).

Deadlines and routing are read when a report is filed, so changes apply to new reports only.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, services
from app.admin.forms import CategoryForm, NewCategoryForm, QuestionForm, choices
from app.auth.decorators import require
from app.auth.forms import invalid_status
from app.auth.permissions import can_administer
from app.core.htmx import redirect_to, render
from app.extensions import db
from app.places.models import Agency
from app.reports.models import Category, CategoryQuestion, UnitType

_EDITABLE = ("name", "name_en", "unit_type", "agency_id", "accept_hours", "resolve_urgent_hours",
             "resolve_normal_hours", "resolve_complex_hours", "result_photo_required", "active", "position")


def _with_agencies(form):
    locale = get_locale().language
    agencies = db.session.scalars(sa.select(Agency).order_by(Agency.code))
    form.agency.choices = choices([("", "—")] + [(a.id, a.display_name(locale)) for a in agencies])
    return form


def _respond(template: str, status: int, **context):
    response = render(template, **context)
    response.status_code = status
    return response


def _render_list(form: NewCategoryForm | None = None, status: int = 200):
    if form is None:
        form = _with_agencies(NewCategoryForm(formdata=None, data={
            "accept_hours": 8, "resolve_urgent_hours": 4, "resolve_normal_hours": 40,
            "resolve_complex_hours": 80, "result_photo_required": True, "active": True, "position": 0}))
    rows = db.session.scalars(sa.select(Category).order_by(Category.position, Category.code)).all()
    return _respond("admin/categories.html", status, categories=rows, form=form)


def _render_category(category: Category, form=None, question_form=None, status: int = 200):
    if form is None:
        form = _with_agencies(CategoryForm(formdata=None, obj=category, agency=category.agency_id))
    return _respond("admin/category.html", status, category=category, form=form,
                    question_form=question_form or QuestionForm(formdata=None))


def _values(form: CategoryForm) -> dict:
    """The editable fields from the form."""
    values = {name: getattr(form, name).data for name in _EDITABLE if name != "agency_id"}
    values["name"], values["name_en"] = values["name"].strip(), values["name_en"].strip()
    values["agency_id"] = form.agency.data if form.unit_type.data == UnitType.AGENCY else None
    return values


def _load(category_id: int) -> Category:
    return db.session.get(Category, category_id) or abort(404)


@bp.get("/categories")
@require(can_administer)
def categories():
    return _render_list()


@bp.post("/categories")
@require(can_administer)
def create_category():
    form = _with_agencies(NewCategoryForm())
    if not form.validate_on_submit():
        return _render_list(form, invalid_status())
    try:
        category = services.create_category(form.code.data, _values(form), actor=current_user)
    except services.AdminError:
        form.code.errors.append(_("Another category already has this code."))
        return _render_list(form, invalid_status())
    flash(_("Category created. It applies to reports filed from now on."), "success")
    return redirect_to(url_for("admin.category", category_id=category.id))


@bp.get("/categories/<int:category_id>")
@require(can_administer)
def category(category_id: int):
    return _render_category(_load(category_id))


@bp.post("/categories/<int:category_id>")
@require(can_administer)
def update_category(category_id: int):
    category = _load(category_id)
    form = _with_agencies(CategoryForm())
    if not form.validate_on_submit():
        return _render_category(category, form, status=invalid_status())
    if services.update_category(category, _values(form), actor=current_user):
        flash(_("Category saved. The changes apply to reports filed from now on."), "success")
    return redirect_to(url_for("admin.category", category_id=category.id))


@bp.post("/categories/<int:category_id>/questions")
@require(can_administer)
def add_question(category_id: int):
    category = _load(category_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _render_category(category, question_form=form, status=invalid_status())
    try:
        services.add_question(category, code=form.code.data, label=form.label.data, label_en=form.label_en.data,
                              kind=form.kind.data, required=form.required.data, options=form.parsed_options,
                              actor=current_user)
    except services.AdminError:
        form.code.errors.append(_("This category already has a question with this code."))
        return _render_category(category, question_form=form, status=invalid_status())
    flash(_("Question added. New reports of this category ask it."), "success")
    return redirect_to(url_for("admin.category", category_id=category.id))


@bp.post("/categories/<int:category_id>/questions/<int:question_id>/delete")
@require(can_administer)
def delete_question(category_id: int, question_id: int):
    category = _load(category_id)
    question = db.session.get(CategoryQuestion, question_id)
    if question is None or question.category_id != category.id:
        abort(404)
    services.remove_question(category, question, actor=current_user)
    flash(_("Question removed. Answers already given stay on their reports."), "success")
    return redirect_to(url_for("admin.category", category_id=category.id))
