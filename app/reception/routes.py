"""Citizen reception: sessions to book (level 2), a booking's confirmation, QR code and calendar
file, cancelling; the officials' side: publish sessions, see who booked, mark attendance,
cancel a session."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import login_required, require
from app.core.htmx import redirect_to, render
from app.core.ids import to_id
from app.core.text import vi_sorted
from app.extensions import db, limiter
from app.places.models import Agency, Ward
from app.reception import bp, permissions, services
from app.reception.forms import AttendanceForm, BookingForm, ReasonForm, SessionForm, choices
from app.reception.models import ReceptionBooking, ReceptionSession, ReceptionSlot


def _session_or_404(session_id: int) -> ReceptionSession:
    session = db.session.get(ReceptionSession, session_id)
    if session is None:
        abort(404)
    return session


def _booking_or_404(booking_id: int) -> ReceptionBooking:
    """Another citizen's booking answers 404: its existence is not revealed."""
    booking = db.session.get(ReceptionBooking, booking_id)
    if booking is None or not permissions.can_view_booking(current_user, booking):
        abort(404)
    return booking


def _level_gate():
    """Logged in but below level 2: explain why and how to reach it (403)."""
    return make_response(render_template("reception/need_level.html"), 403)


# --- citizens -----------------------------------------------------------------------------

@bp.get("/")
def list_sessions():
    return render("reception/list.html", sessions=services.upcoming_sessions(),
                  can_book=permissions.can_book(current_user))


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
@login_required
def book_session(session_id: int):
    session = _session_or_404(session_id)
    if not permissions.can_book(current_user):
        return _level_gate()
    existing = services.active_booking(current_user, session)
    form = BookingForm(session=session)
    if request.method == "POST" and form.validate_on_submit():
        slot = db.session.get(ReceptionSlot, form.slot.data)
        if slot is None or slot.session_id != session.id:
            abort(404)
        try:
            booking = services.book(current_user, slot, form.topic.data, form.description.data)
        except services.BookingError as error:
            db.session.rollback()
            flash(services.message(error.code), "error")
            return redirect_to(url_for("reception.book_session", session_id=session.id))
        flash(_("Your booking is confirmed."), "success")
        return redirect_to(url_for("reception.show_booking", booking_id=booking.id))
    status = 422 if request.method == "POST" else 200
    response = render("reception/book.html", session=session, form=form, existing=existing)
    response.status_code = status
    return response


@bp.get("/bookings")
@require(permissions.can_book)
def my_bookings():
    return render("reception/mine.html", bookings=services.bookings_of_user(current_user))


@bp.get("/bookings/<int:booking_id>")
@login_required
def show_booking(booking_id: int):
    booking = _booking_or_404(booking_id)
    return render("reception/booking.html", booking=booking, qr=services.qr_svg(booking),
                  can_cancel=services.can_cancel(booking), cancel_by=services.cancel_deadline(booking),
                  form=ReasonForm())


@bp.get("/bookings/<int:booking_id>/calendar.ics")
@login_required
def booking_calendar(booking_id: int):
    booking = _booking_or_404(booking_id)
    url = url_for("reception.show_booking", booking_id=booking.id, _external=True)
    response = make_response(services.ics(booking, url))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f'attachment; filename="tiep-cong-dan-{booking.code}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    booking = _booking_or_404(booking_id)
    try:
        services.cancel_booking(booking, current_user)
    except services.BookingError as error:
        flash(services.message(error.code), "error")
        return redirect_to(url_for("reception.show_booking", booking_id=booking.id))
    flash(_("Your booking was cancelled."), "success")
    return redirect_to(url_for("reception.show_booking", booking_id=booking.id))


# --- officials ----------------------------------------------------------------------------

def _managed_session_or_404(session_id: int) -> ReceptionSession:
    session = _session_or_404(session_id)
    if not permissions.can_manage_session(current_user, session):
        abort(403)
    return session


def _unit_choices() -> list[tuple[str, str]]:
    from app.auth.permissions import is_city_admin
    from app.cases.display import locale

    if is_city_admin(current_user):
        wards = vi_sorted(db.session.scalars(sa.select(Ward).where(Ward.active)))
        agencies = vi_sorted(db.session.scalars(sa.select(Agency).where(Agency.active)))
    else:
        wards = vi_sorted(db.session.scalars(sa.select(Ward).where(Ward.id.in_(sorted(current_user.ward_ids) or [-1]))))
        agencies = vi_sorted(db.session.scalars(sa.select(Agency).where(
            Agency.id.in_(sorted(current_user.agency_ids) or [-1]))))
    return ([(f"ward:{w.id}", w.name) for w in wards]
            + [(f"agency:{a.id}", a.display_name(locale())) for a in agencies])


@bp.get("/manage")
@require(permissions.can_manage_receptions)
def manage_sessions():
    return render("reception/manage_list.html", sessions=services.sessions_of(current_user))


@bp.route("/manage/new", methods=["GET", "POST"])
@require(permissions.can_manage_receptions)
def new_session():
    form = SessionForm()
    form.unit.choices = choices(_unit_choices())
    if form.validate_on_submit():
        kind, _sep, unit_id = form.unit.data.partition(":")
        try:
            session = services.create_session(
                current_user, ward_id=to_id(unit_id) if kind == "ward" else None,
                agency_id=to_id(unit_id) if kind == "agency" else None, leader=form.leader.data,
                place=form.place.data, day=form.day.data, topics=form.topics.data, slots=form.slots.data,
                capacity=form.capacity.data, cancel_cutoff_hours=form.cancel_cutoff_hours.data or 0)
        except services.BookingError as error:
            db.session.rollback()
            field = form.day if error.code in ("in_past", "out_of_range") else form.slots
            field.errors = [error.text]
        else:
            flash(_("The reception session is published."), "success")
            return redirect_to(url_for("reception.manage_session", session_id=session.id))
    response = render("reception/manage_new.html", form=form)
    if request.method == "POST":
        response.status_code = 422
    return response


@bp.get("/manage/<int:session_id>")
@require(permissions.can_manage_receptions)
def manage_session(session_id: int):
    session = _managed_session_or_404(session_id)
    return render("reception/manage_session.html", session=session,
                  bookings=services.bookings_of_session(session), form=ReasonForm())


@bp.post("/manage/bookings/<int:booking_id>/attendance")
@require(permissions.can_manage_receptions)
def mark_attendance(booking_id: int):
    booking = db.session.get(ReceptionBooking, booking_id)
    if booking is None:
        abort(404)
    if not permissions.can_manage_session(current_user, booking.session):
        abort(403)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.mark_attendance(booking, current_user, form.attended.data == "1")
    except services.BookingError as error:
        flash(services.message(error.code), "error")
    return redirect_to(url_for("reception.manage_session", session_id=booking.session_id))


@bp.post("/manage/<int:session_id>/cancel")
@require(permissions.can_manage_receptions)
def cancel_session(session_id: int):
    session = _managed_session_or_404(session_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "error")
        return redirect_to(url_for("reception.manage_session", session_id=session.id))
    try:
        told = services.cancel_session(session, current_user, form.reason.data)
    except services.BookingError as error:
        flash(services.message(error.code), "error")
    else:
        flash(_("The session is cancelled; %(count)d citizens were told.", count=told), "success")
    return redirect_to(url_for("reception.manage_session", session_id=session.id))


@bp.app_context_processor
def _labels():
    return {"booking_status_label": services.status_label}
