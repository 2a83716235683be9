"""The requester's answer to an answer: rate it, or ask to reopen the case; for every kind.

Each kind's page has the two forms; its views call :func:`rate_view` and :func:`reopen_view`
with how to draw its page and where to go back, and keep their own differences (who may send,
their own form classes and words). The form URLs answer GET with the page itself, so a page
sent back with errors can be reloaded or bookmarked without a 405.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.auth.forms import invalid_status
from app.cases import services as cases
from app.cases.messages import workflow_message
from app.cases.models import Case
from app.cases.workflow import WorkflowError
from app.core.forms import BaseForm
from app.core.htmx import redirect_to
from app.extensions import db

TEXT_MAX = 2000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RateForm(BaseForm):
    satisfied = RadioField(_l("Are you satisfied with the answer?"), validate_choice=False)
    comment = TextAreaField(_l("Comment (optional)"), filters=[_strip], validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))])

    def validate_satisfied(self, field) -> None:
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Choose whether you are satisfied."))


class ReopenForm(BaseForm):
    reason = TextAreaField(_l("What is still wrong?"), filters=[_strip], validators=[
        DataRequired(_l("Tell the officials what is still wrong.")),
        Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))])


#: Draws the kind's page for the case; ``rate_form``/``reopen_form`` carry a form sent back
#: with its errors. Returns a response (status 200).
PageRenderer = Callable[..., object]


def error_items(**forms) -> list[tuple[str, str]]:
    """``(element id, message)`` for the error summary of the rate and reopen forms: each
    message links to its field (ids as in ``cases/_rate_reopen.html``)."""
    ids = {("rate_form", "satisfied"): "rate-satisfied", ("rate_form", "comment"): "comment",
           ("reopen_form", "reason"): "reason"}
    return [(ids.get((name, field.name), name), str(message))
            for name, form in forms.items() if form is not None
            for field in form for message in field.errors]


def _sent_back(render_page: PageRenderer, **bound):
    response = render_page(**bound)
    response.status_code = invalid_status()
    return response


def _step(render_page: PageRenderer, back: str, *, allowed: bool, form_class: type[BaseForm], form_name: str,
          apply: Callable[[BaseForm], None], done: Callable[[], str]):
    """The shape of a requester's step: GET shows the page; a POST is refused (403) unless
    ``allowed``; a form with errors is drawn again on the page (422, or 200 to htmx) under
    ``form_name``; else ``apply(form)`` runs the engine's action, whose refusal is flashed, or
    ``done()`` is flashed; then back to ``back`` (a URL)."""
    if request.method == "GET":
        return render_page()
    if not allowed:
        abort(403)
    form = form_class()
    if not form.validate():
        return _sent_back(render_page, **{form_name: form})
    try:
        apply(form)
    except WorkflowError as e:
        db.session.rollback()
        flash(workflow_message(e.code), "error")
    else:
        flash(done(), "success")
    return redirect_to(back)


def rate_view(case: Case, render_page: PageRenderer, back: str, *, allowed: bool = True,
              form_class: type[RateForm] = RateForm):
    """GET: the page. POST: rate the answer (see :func:`_step`); ``allowed`` is the kind's own
    check of who may send (403 when false)."""
    return _step(render_page, back, allowed=allowed, form_class=form_class, form_name="rate_form",
                 apply=lambda form: cases.rate(case, current_user, form.satisfied.data == "yes",
                                               form.comment.data or ""),
                 done=lambda: _("Thank you for rating the answer."))


def reopen_view(case: Case, render_page: PageRenderer, back: str, success: Callable[[], str], *,
                allowed: bool = True, form_class: type[ReopenForm] = ReopenForm):
    """GET: the page. POST: send the case back to its unit, with the requester's reason;
    ``success()`` is the kind's confirmation, flashed after the change (see :func:`_step`)."""
    return _step(render_page, back, allowed=allowed, form_class=form_class, form_name="reopen_form",
                 apply=lambda form: cases.request_reopen(case, current_user, form.reason.data),
                 done=success)
