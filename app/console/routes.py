"""The officials' console: the inbox of the official's cases and the page to handle one.

Role-gated (officials and city admins) and scoped: a case of any kind is handled only by the
officials of the unit in charge (and city admins), the rule of :mod:`app.cases.permissions`.
The workflow steps are the engine's (:mod:`app.cases.services`); a kind adds its own details,
inbox cells and filters as partials. Every form works without JavaScript; htmx swaps the
inbox table and single inbox rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import require
from app.auth.forms import invalid_status
from app.auth.models import Role, RoleGrant
from app.auth.permissions import can_use_console, is_city_admin
from app.auth.services import safe_next
from app.cases import queries
from app.cases import services as cases
from app.cases.kinds import case_type
from app.cases.messages import workflow_message
from app.cases.models import Case, Level, RejectReason, Status
from app.cases.permissions import can_handle_case
from app.cases.workflow import WorkflowError, allowed_actions
from app.console import bp, display
from app.console.forms import (
    TEXT_MAX,
    AcceptForm,
    HideForm,
    NoteForm,
    RedactForm,
    RejectForm,
    ResolveForm,
    TransferForm,
    inbox_filters,
)
from app.core import uploads
from app.core.htmx import is_htmx, redirect_to, render
from app.core.images import PhotoError
from app.core.text import ForbiddenCharacterError, normalize_text
from app.extensions import db
from app.places import services as places
from app.places.models import Agency
from app.reports import services as reports
from app.reports.models import PhotoKind, Report

bp.context_processor(display.context)

INBOX_LIMIT = 50
# Hanoi has 126 wards and communes: the transfer form lists them all.
ALL_WARDS = 500


def _partial(name: str) -> str | None:
    """The partial for htmx requests made by the console's own widgets.

    A boosted link or form (``hx-boost`` on ``<body>``) also sends ``HX-Request`` but swaps
    the whole body, so it must get the whole page.
    """
    return None if request.headers.get("HX-Boosted") == "true" else name


def _load(report_id: int) -> Case:
    """The case (of any kind) if the official handles it: 404 if none, 403 if not theirs."""
    case = db.session.get(Case, report_id)
    if case is None:
        abort(404)
    if not can_handle_case(current_user, case):
        abort(403)
    return case


def _load_report(report_id: int) -> Report:
    """A field report the official handles (moderation is for public reports only)."""
    case = _load(report_id)
    if not isinstance(case, Report):
        abort(404)
    return case


def _back_to_report(report: Report):
    return redirect_to(url_for("console.show_report", report_id=report.id))


def _next_or(default: str) -> str:
    """Where a row action goes back to: the inbox with its filters, never another site."""
    return safe_next(request.form.get("next"), default)


# --- inbox ------------------------------------------------------------------------------

@bp.get("/")
@require(can_use_console)
def dashboard():
    filters = inbox_filters(request.args)
    after = queries.Cursor.parse(request.args.get("after"))
    reports = queries.inbox(current_user, filters, limit=INBOX_LIMIT + 1, after=after)
    # Keyset paging: the next page starts after this page's last row, with the same filters.
    args = request.args.to_dict()
    args.pop("after", None)
    next_url = first_url = None
    if len(reports) > INBOX_LIMIT:
        reports = reports[:INBOX_LIMIT]
        next_url = url_for("console.dashboard", **args, after=str(queries.Cursor.of(reports[-1])))
    if after is not None:
        first_url = url_for("console.dashboard", **args)
    grants = db.session.scalars(
        sa.select(RoleGrant).where(RoleGrant.user_id == current_user.id,
                                   RoleGrant.role != Role.CITY_ADMIN)
    ).all()
    return render(
        "console/inbox.html", _partial("console/_inbox.html"),
        reports=reports, filters=filters, counts=queries.inbox_counts(current_user), grants=grants,
        sees_all=is_city_admin(current_user), here=request.full_path.rstrip("?"),
        statuses=list(Status), levels=list(Level), limit=INBOX_LIMIT, next_url=next_url, first_url=first_url,
        total=queries.inbox_total(current_user, filters),
    )


def _is_row_request(report: Report) -> bool:
    return is_htmx() and request.headers.get("HX-Target") == f"report-{report.id}"


def _row(report: Report, error: str | None = None):
    return render("console/_row.html", report=report, error=error, oob_counts=True, changed=True,
                  counts=queries.inbox_counts(current_user), here=_next_or(url_for("console.dashboard")))


@bp.post("/reports/<int:report_id>/accept")
@require(can_use_console)
def accept_report(report_id: int):
    report = _load(report_id)
    form = AcceptForm()
    if not form.validate():
        if _is_row_request(report):
            return _row(report, error=_("Choose a level: urgent, normal or complex."))
        return _handling_page(report, invalid_status(), accept=form)
    try:
        cases.accept(report, current_user, form.level.data)
    except WorkflowError as e:
        db.session.rollback()
        report = _load(report_id)
        message = workflow_message(e.code)
        if _is_row_request(report):
            return _row(report, error=message)
        flash(message, "error")
    else:
        if _is_row_request(report):
            return _row(report)
        flash(_("%(case)s accepted.", case=case_type(report).name(report)), "success")
    return redirect_to(_next_or(url_for("console.show_report", report_id=report.id)))


# --- the handling page ------------------------------------------------------------------

#: Where the error summary of the handling page links to: the element of each form's field
#: (``None``: the form's own errors), as in ``console/report.html``.
FIELD_IDS = {
    ("accept", "level"): "accept-level", ("resolve", "answer"): "resolve-answer",
    ("resolve", "photos"): "resolve-camera", ("transfer", "ward_id"): "transfer-ward",
    ("transfer", "agency_id"): "transfer-agency", ("transfer", "reason"): "transfer-reason",
    ("transfer", None): "transfer-q", ("reject", "reason"): "reject-reason",
    ("reject", "duplicate_of"): "reject-duplicate", ("reject", "text"): "reject-text",
    ("note", "text"): "note-text",
}


def _handling_page(report: Report, status: int = 200, *, drafts=(), **bound):
    """The page with every form; ``bound`` carries a form sent back with its errors, and
    ``drafts`` the result photos already uploaded with it."""
    forms = {
        "accept": AcceptForm(formdata=None, level=Level.NORMAL.value),
        "transfer": TransferForm(formdata=None),
        "reject": RejectForm(formdata=None, report=report),
        "resolve": ResolveForm(formdata=None),
        "note": NoteForm(formdata=None),
        "hide": HideForm(formdata=None),
        "redact": RedactForm(formdata=None, description=getattr(report, "description", "")),
    }
    forms.update(bound)
    errors = [(FIELD_IDS.get((name, field.name), "actions"), str(message))
              for name, form in bound.items() for field in form for message in field.errors]
    errors += [(FIELD_IDS.get((name, None), "actions"), str(message))
               for name, form in bound.items() for message in form.form_errors]
    # Without JavaScript the ward search reloads the page: list what it found.
    query = forms["transfer"].q.data or ""
    wards = (places.search_wards(query, limit=ALL_WARDS) if query else []) or places.search_wards("", limit=ALL_WARDS)
    response = make_response(render(
        "console/report.html",
        report=report, kind=case_type(report), forms=forms, error_items=errors,
        actions=allowed_actions(report, current_user),
        events=cases.timeline(report, internal=True),
        proof_problems=display.proof_problems(report),
        wards=wards,
        agencies=db.session.scalars(sa.select(Agency).where(Agency.active).order_by(Agency.id)).all(),
        drafts=drafts,
        max_photos=current_app.config["PHOTO_MAX_COUNT"],
        reject_reasons=list(RejectReason), levels=list(Level),
    ))
    response.status_code = status
    # The page shows the reporter's name and internal notes.
    response.cache_control.no_store = True
    return response


@bp.get("/reports/<int:report_id>")
@require(can_use_console)
def show_report(report_id: int):
    return _handling_page(_load(report_id))


@bp.get("/reports/<int:report_id>/<any(accept, transfer, reject, resolve, notes, hidden, redact):step>")
@require(can_use_console)
def step_page(report_id: int, step: str):
    """A step's form posts here and a form with errors is drawn at this URL: reloading it
    (or coming back to it) shows the handling page instead of a 405."""
    return _handling_page(_load(report_id))


def _done(report: Report, action, success: str):
    """Run a workflow step; a refused step is flashed and changes nothing."""
    try:
        action()
    except WorkflowError as e:
        db.session.rollback()
        flash(workflow_message(e.code), "error")
    else:
        flash(success, "success")
    return _back_to_report(report)


@bp.post("/reports/<int:report_id>/transfer")
@require(can_use_console)
def transfer_report(report_id: int):
    report = _load(report_id)
    form = TransferForm()
    if not form.validate():
        return _handling_page(report, invalid_status(), transfer=form)
    try:
        cases.transfer(report, current_user, ward=form.ward, agency=form.agency, reason=form.reason.data)
    except WorkflowError as e:
        db.session.rollback()
        flash(workflow_message(e.code), "error")
        return _back_to_report(report)
    unit = form.ward.name if form.ward is not None else form.agency.display_name(get_locale().language)
    flash(_("%(case)s was transferred to %(unit)s.", case=case_type(report).name(report), unit=unit), "success")
    if can_handle_case(current_user, report):
        return _back_to_report(report)
    # It has left the official's units: back to what is still theirs.
    return redirect_to(url_for("console.dashboard"))


@bp.post("/reports/<int:report_id>/reject")
@require(can_use_console)
def reject_report(report_id: int):
    report = _load(report_id)
    form = RejectForm(report=report)
    if not form.validate():
        return _handling_page(report, invalid_status(), reject=form)
    return _done(report, lambda: cases.reject(report, current_user, form.reason.data, form.text.data or "",
                                                 duplicate_of=form.duplicate),
                 _("%(case)s rejected.", case=case_type(report).name(report)))


@bp.post("/reports/<int:report_id>/resolve")
@require(can_use_console)
def resolve_report(report_id: int):
    report = _load(report_id)
    kind = case_type(report)
    form = ResolveForm()
    photo_errors: list[str] = []
    drafts: list = []
    if kind.takes_result_photos:
        drafts, photo_errors = _result_photos()
    valid = form.validate()
    if not drafts and kind.result_photo_required(report) and not photo_errors:
        photo_errors.append(_("Add at least one photo that shows the problem was fixed."))
    if not valid or photo_errors:
        form.photos.errors = photo_errors
        # Keep the photos already sent, so the official does not have to choose them again.
        db.session.commit()
        return _handling_page(report, invalid_status(), resolve=form, drafts=drafts)
    return _done(report, lambda: cases.resolve(report, current_user, form.answer.data, drafts),
                 _("%(case)s resolved: the citizen will be notified.", case=case_type(report).name(report)))


def _result_photos() -> tuple[list, list[str]]:
    """Result photos kept from an earlier attempt plus new uploads, each verified and stored.

    Returns ``(draft photos, error messages)``.
    """
    max_photos = current_app.config["PHOTO_MAX_COUNT"]
    tokens = request.form.getlist("photo_token")
    photo_errors: list[str] = []
    # Counted and size-checked before anything is stored.
    batch = uploads.read_photos(request.files.getlist("photos"), key=f"user:{current_user.id}",
                                kept=len(reports.draft_photos(current_user, tokens, kind=PhotoKind.RESULT)))
    if batch.too_many:
        photo_errors.append(_("You can add at most %(num)d photos.", num=max_photos))
    if batch.rate_limited:
        photo_errors.append(uploads.rate_limited_message())
    for filename, problem in batch.problems:
        photo_errors.append(_("%(file)s: %(message)s", file=filename, message=problem))
    for upload in batch.uploads:
        try:
            photo = reports.store_photo(current_user, upload.data, kind=PhotoKind.RESULT)
        except PhotoError as e:
            photo_errors.append(_("%(file)s: %(message)s", file=upload.filename, message=e.message))
        else:
            tokens.append(photo.token)
    return reports.draft_photos(current_user, tokens, kind=PhotoKind.RESULT), photo_errors


@bp.post("/reports/<int:report_id>/notes")
@require(can_use_console)
def add_note(report_id: int):
    report = _load(report_id)
    form = NoteForm()
    if not form.validate():
        return _handling_page(report, invalid_status(), note=form)
    return _done(report, lambda: cases.add_note(report, current_user, form.text.data),
                 _("Internal note added."))


@bp.post("/reports/<int:report_id>/hidden")
@require(can_use_console)
def set_hidden(report_id: int):
    report = _load_report(report_id)
    form = HideForm()
    if not form.validate():
        return _handling_page(report, invalid_status(), hide=form)
    success = (_("Report #%(num)d is now hidden from the public.", num=report.id) if form.hide
               else _("Report #%(num)d is public again.", num=report.id))
    return _done(report, lambda: reports.set_hidden(report, current_user, form.hide, form.reason.data), success)


@bp.post("/reports/<int:report_id>/redact")
@require(can_use_console)
def redact_report(report_id: int):
    report = _load_report(report_id)
    form = RedactForm()
    valid = form.validate()
    texts = {}
    for text in reports.public_texts(report):
        name = f"text-{text.key}"
        if text.key == "description" or name not in request.form:
            continue
        try:
            texts[text.key] = normalize_text(request.form[name]).strip()
        except ForbiddenCharacterError as error:
            form.form_errors.append(str(error.args[0]))
            valid = False
        else:
            if len(texts[text.key]) > TEXT_MAX:
                form.form_errors.append(_("A text is too long (at most %(num)d characters).", num=TEXT_MAX))
                valid = False
    if not valid:
        return _handling_page(report, invalid_status(), redact=form)
    return _done(report, lambda: reports.redact(report, current_user, form.description.data,
                                                 form.reason.data, form.hide_photos.data or (), texts=texts),
                 _("The public content of report #%(num)d was changed.", num=report.id))


# --- helpers for the forms --------------------------------------------------------------

@bp.get("/wards")
@require(can_use_console)
def ward_options():
    """``<option>``s of the wards matching ``q`` (diacritics-insensitive), for the transfer form."""
    query = request.args.get("q", "").strip()
    wards = places.search_wards(query, limit=ALL_WARDS)
    return render("console/_ward_options.html", wards=wards, query=query, selected_ward=None)
