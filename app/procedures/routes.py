"""The procedure catalogue, procedure complaints (citizen side) and the health-book entry."""

from __future__ import annotations

import functools
import uuid

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.decorators import login_required, require
from app.auth.forms import invalid_status
from app.cases import feedback
from app.cases.display import unit_name
from app.cases.feedback import RateForm, ReopenForm
from app.cases.workflow import Action, allowed_actions
from app.core.htmx import redirect_to, render
from app.core.ids import arg_id
from app.core.pagecache import cached_page
from app.core.ratelimit import limiter
from app.core.storage import get_storage
from app.core.text import vi_sorted
from app.extensions import db
from app.places.models import Agency
from app.procedures import bp, health_bp, permissions, services
from app.procedures.attachments import MAX_ATTACHMENTS, AttachmentError, check_file
from app.procedures.forms import ComplaintForm, ProcedureForm
from app.procedures.models import ComplaintAttachment, Procedure, ProcedureComplaint


def _procedure_or_404(procedure_id: int) -> Procedure:
    procedure = db.session.get(Procedure, procedure_id)
    if procedure is None or (not procedure.active and not permissions.can_edit_procedure(current_user, procedure)):
        abort(404)
    return procedure


def level_gate(page_title: str):
    """Visitors log in first; a level-1 account is told why it cannot go on and how to reach
    level 2 (403 with the explanation); level 2 goes on (None)."""
    if not current_user.is_authenticated:
        return redirect_to(url_for("auth.login", next=request.full_path.rstrip("?")), code=302)
    if not permissions.can_file_complaint(current_user):
        response = make_response(render_template("procedures/level2_needed.html", page_title=page_title))
        response.status_code = 403
        return response
    return None


# --- the catalogue ------------------------------------------------------------------------

@bp.get("", strict_slashes=False)
@cached_page("procedures", "places")
def catalogue():
    field = request.args.get("field") or None
    filters = services.CatalogueFilters(
        field=field if field in services.FIELDS else None,
        agency_id=request.args.get("agency", type=arg_id),
        query=request.args.get("q", "").strip()[:200],
    )
    procedures = services.catalogue(filters)
    return render("procedures/catalogue.html", "procedures/_list.html", procedures=procedures, filters=filters,
                  fields=services.FIELDS, agencies=services.agencies_with_procedures(),
                  field_label=services.field_label)


@bp.get("/<int:procedure_id>")
@cached_page("procedures", "places")
def show_procedure(procedure_id: int):
    procedure = _procedure_or_404(procedure_id)
    return render("procedures/show.html", procedure=procedure, field_label=services.field_label,
                  can_edit=permissions.can_edit_procedure(current_user, procedure))


def _editor_agencies() -> list[tuple[int, str]]:
    from app.auth.permissions import is_city_admin
    from app.cases.display import locale

    query = sa.select(Agency).where(Agency.active)
    if not is_city_admin(current_user):
        query = query.where(Agency.id.in_(sorted(current_user.agency_ids)))
    return vi_sorted(((a.id, a.display_name(locale())) for a in db.session.scalars(query)), lambda pair: pair[1])


def _procedure_form(procedure: Procedure | None):
    fields = [(code, str(label)) for code, label in services.FIELDS.items()]
    if request.method == "POST":
        return ProcedureForm(fields=fields, agencies=_editor_agencies())
    return ProcedureForm(obj=procedure, fields=fields, agencies=_editor_agencies())


@bp.route("/new", methods=["GET", "POST"])
@require(permissions.can_edit_some_procedure)
def new_procedure():
    form = _procedure_form(None)
    if request.method == "GET":
        form.active.data = True
        form.processing_days.data = 0
    if request.method == "POST" and form.validate():
        procedure = Procedure(code=f"p-{uuid.uuid4().hex[:12]}", sample=False)
        services.save_procedure(procedure, current_user, form.values())
        flash(_("The procedure was added."), "success")
        return redirect(url_for("procedures.show_procedure", procedure_id=procedure.id), code=303)
    response = render("procedures/edit.html", form=form, procedure=None)
    if request.method == "POST":
        response.status_code = invalid_status()
    return response


@bp.route("/<int:procedure_id>/edit", methods=["GET", "POST"])
@login_required
def edit_procedure(procedure_id: int):
    procedure = db.session.get(Procedure, procedure_id) or abort(404)
    if not permissions.can_edit_procedure(current_user, procedure):
        abort(403)
    form = _procedure_form(procedure)
    if request.method == "POST" and form.validate():
        changed = services.save_procedure(procedure, current_user, form.values())
        flash(_("The procedure was saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("procedures.show_procedure", procedure_id=procedure.id), code=303)
    response = render("procedures/edit.html", form=form, procedure=procedure)
    if request.method == "POST":
        response.status_code = invalid_status()
    return response


@bp.get("/<int:procedure_id>/history")
@login_required
def procedure_history(procedure_id: int):
    procedure = db.session.get(Procedure, procedure_id) or abort(404)
    if not permissions.can_edit_procedure(current_user, procedure):
        abort(403)
    return render("procedures/history.html", procedure=procedure, field_label=services.field_label)


# --- complaints ---------------------------------------------------------------------------

def _active_procedures() -> list[Procedure]:
    return vi_sorted(list(db.session.scalars(sa.select(Procedure).where(Procedure.active))))


def _account_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else (request.remote_addr or "unknown")


# Each filing reads and checks up to five files: a bound on what one account can make the server do.
@bp.route("/complaints/new", methods=["GET", "POST"])
@limiter.limit("20 per hour", key_func=_account_key, methods=["POST"])
def new_complaint():
    gate = level_gate(_("Complain about a procedure"))
    if gate is not None:
        return gate
    procedures = _active_procedures()
    form = ComplaintForm(procedure_ids={p.id for p in procedures})
    if request.method == "GET":
        form.submission_id.data = str(uuid.uuid4())
        form.procedure.data = request.args.get("procedure", type=arg_id)
        return render("procedures/complaint_new.html", form=form, procedures=procedures, file_errors=[],
                      drafts=[], max_files=MAX_ATTACHMENTS)
    submission_id = form.valid_submission_id() or str(uuid.uuid4())
    existing = services.cases.find_submission(ProcedureComplaint, current_user.id, submission_id)
    if existing is not None:
        return redirect(url_for("procedures.show_complaint", complaint_id=existing.id), code=303)
    form_ok = form.validate()
    attachments, file_errors = _collect_files()
    if form_ok and not file_errors:
        procedure = db.session.get(Procedure, form.procedure.data)
        complaint, created = services.file_complaint(current_user, submission_id, services.NewComplaint(
            procedure=procedure, file_number=form.file_number.data or "", description=form.description.data,
            attachments=attachments))
        if created:
            flash(_("Your complaint #%(id)s was sent to %(unit)s.", id=complaint.id, unit=unit_name(complaint)),
                  "success")
        return redirect(url_for("procedures.show_complaint", complaint_id=complaint.id), code=303)
    # The files already stored must outlive this failed attempt: the citizen does not choose
    # them again.
    db.session.commit()
    response = render("procedures/complaint_new.html", form=form, procedures=procedures, file_errors=file_errors,
                      drafts=attachments, max_files=MAX_ATTACHMENTS, size_label=size_label)
    response.status_code = invalid_status()
    return response


def size_label(size: int) -> str:
    """A file's size for people: whole kilobytes, or megabytes with one decimal (in the locale)."""
    if size < 1024 * 1024:
        return _("%(num)s KB", num=format_decimal(max(1, -(-size // 1024))))
    return _("%(num)s MB", num=format_decimal(round(size / (1024 * 1024), 1)))


def _collect_files() -> tuple[list[ComplaintAttachment], list[str]]:
    """Attachments kept from an earlier attempt (the user's own drafts, minus those ticked
    “Remove”) plus the new files, each checked by content and stored as a draft.

    The new files are counted first: too many and none is read or stored. A bad file costs
    only itself: the good ones are kept and listed back with the form.
    """
    removed = set(request.form.getlist("remove_file"))
    drafts = services.draft_attachments(current_user, request.form.getlist("file_token"))
    services.discard_drafts(d for d in drafts if d.token in removed)
    kept = [d for d in drafts if d.token not in removed]
    files = [f for f in request.files.getlist("files") if f and getattr(f, "filename", None)]
    if len(kept) + len(files) > MAX_ATTACHMENTS:
        if files:
            message = ngettext("A complaint can have at most %(num)d attachment. None of the new files were "
                               "kept: choose again.",
                               "A complaint can have at most %(num)d attachments. None of the new files were "
                               "kept: choose again.", MAX_ATTACHMENTS)
        else:
            message = ngettext("A complaint can have at most %(num)d attachment. Tick “Remove” on the ones to "
                               "leave out.",
                               "A complaint can have at most %(num)d attachments. Tick “Remove” on the ones to "
                               "leave out.", MAX_ATTACHMENTS)
        return kept, [message]
    limit = max(current_app.config["PHOTO_MAX_BYTES"], current_app.config.get("COMPLAINT_PDF_MAX_BYTES") or 0,
                10 * 1024 * 1024)
    stored, errors = [], []
    for number, upload in enumerate(files, start=1):
        data = upload.stream.read(limit + 1)
        try:
            if len(data) > limit:
                raise AttachmentError("too_large", _("This file is too large."))
            stored.append(services.store_attachment(current_user, check_file(data)))
        except AttachmentError as e:
            errors.append(_("Attachment %(num)d: %(problem)s", num=number, problem=e.message))
    return kept + stored, errors


def _complaint_or_404(complaint_id: int) -> ProcedureComplaint:
    complaint = db.session.get(ProcedureComplaint, complaint_id, options=[
        selectinload(ProcedureComplaint.attachments), selectinload(ProcedureComplaint.events)])
    if complaint is None or not permissions.can_view_complaint(current_user, complaint):
        abort(404)
    return complaint


@bp.get("/complaints")
@login_required
def my_complaints():
    return render("procedures/complaints.html", complaints=services.complaints_of(current_user),
                  can_file=permissions.can_file_complaint(current_user))


@bp.get("/complaints/<int:complaint_id>")
@login_required
def show_complaint(complaint_id: int):
    return _render_complaint(_complaint_or_404(complaint_id))


def _render_complaint(complaint, *, rate_form=None, reopen_form=None):
    actions = allowed_actions(complaint, current_user)
    return render("procedures/complaint.html", complaint=complaint,
                  events=services.cases.timeline(complaint, internal=False),
                  error_items=feedback.error_items(rate_form=rate_form, reopen_form=reopen_form),
                  rate_form=rate_form or (RateForm(formdata=None) if Action.RATE in actions else None),
                  reopen_form=reopen_form or (ReopenForm(formdata=None) if Action.REOPEN in actions else None))


@bp.route("/complaints/<int:complaint_id>/rate", methods=["GET", "POST"])
@login_required
def rate_complaint(complaint_id: int):
    complaint = _complaint_or_404(complaint_id)
    return feedback.rate_view(complaint, functools.partial(_render_complaint, complaint),
                              url_for("procedures.show_complaint", complaint_id=complaint.id))


@bp.route("/complaints/<int:complaint_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen_complaint(complaint_id: int):
    complaint = _complaint_or_404(complaint_id)
    return feedback.reopen_view(
        complaint, functools.partial(_render_complaint, complaint),
        url_for("procedures.show_complaint", complaint_id=complaint.id),
        lambda: _("Your complaint was sent back to %(unit)s to be handled again.", unit=unit_name(complaint)))


@bp.get("/complaints/attachments/<int:attachment_id>")
@login_required
def complaint_attachment(attachment_id: int):
    item = db.session.get(ComplaintAttachment, attachment_id)
    # A draft (not filed yet) is served to no one: the form lists it by kind and size only.
    if item is None or item.complaint is None or not permissions.can_view_complaint(current_user, item.complaint):
        abort(404)
    try:
        data = get_storage().open(item.key)
    except FileNotFoundError:
        abort(404)
    response = make_response(data)
    response.mimetype = item.content_type
    extension = "pdf" if item.is_pdf else "jpg"
    # A PDF is downloaded, never rendered inside the app's origin.
    disposition = "attachment" if item.is_pdf else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="attachment-{item.id}.{extension}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


# --- the electronic health book -----------------------------------------------------------

@health_bp.get("", strict_slashes=False)
def health_book():
    """Explains the national health book and hands level-2 citizens to it; nothing is stored."""
    if current_user.is_authenticated and not permissions.can_use_health_book(current_user):
        response = make_response(render_template(
            "procedures/level2_needed.html", page_title=_("Electronic health book"), health=True))
        response.status_code = 403
        return response
    return render("procedures/health_book.html", url=current_app.config.get("HEALTH_BOOK_URL"),
                  allowed=permissions.can_use_health_book(current_user))
