"""Officials manage the lookups' data: transport (GTFS feed, airport trips, parking) and
education (exam scores, schools). Each page is gated on the agency (city admins see all)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.auth.decorators import require
from app.core.clock import HANOI_TZ
from app.core.dates import parse_day
from app.core.htmx import redirect_to, render
from app.core.models import utcnow
from app.core.text import fold
from app.extensions import db
from app.lookups import bp, exams, gtfs, parking, permissions
from app.lookups.forms import (
    AvailabilityForm,
    ExamUploadForm,
    GtfsUploadForm,
    ParkingLotForm,
    SchoolForm,
    TripForm,
    choices,
)
from app.lookups.models import AirportTrip, GtfsFeed, ParkingLot, ParkingOperator, School
from app.places.models import Ward

GTFS_MAX_BYTES = 200 * 1024 * 1024


@bp.get("/manage/")
@require(permissions.can_manage_any)
def manage():
    feed = db.session.scalar(sa.select(GtfsFeed).where(GtfsFeed.active))
    return render("lookups/manage.html",
                  transport=permissions.can_manage_transport(current_user),
                  education=permissions.can_manage_education(current_user),
                  feed=feed, gtfs_form=GtfsUploadForm(), exam_form=ExamUploadForm(), trip_form=TripForm(),
                  trips=list(db.session.scalars(sa.select(AirportTrip).order_by(AirportTrip.departs_at.desc())
                                                .limit(20))),
                  lots=list(db.session.scalars(sa.select(ParkingLot).order_by(ParkingLot.name))),
                  operators=list(db.session.scalars(sa.select(ParkingOperator).order_by(ParkingOperator.name))),
                  schools=list(db.session.scalars(sa.select(School).order_by(School.level, School.name))),
                  availability_form=AvailabilityForm(), exam_year=exams.latest_year(),
                  school_form=_school_form(), lot_form=_lot_form())


def _ward_choices():
    return choices((w.id, w.name) for w in db.session.scalars(sa.select(Ward).where(Ward.active).order_by(Ward.name)))


def _school_form() -> SchoolForm:
    form = SchoolForm()
    form.ward.choices = _ward_choices()
    form.catchment.choices = _ward_choices()
    return form


def _lot_form() -> ParkingLotForm:
    form = ParkingLotForm()
    form.ward.choices = _ward_choices()
    form.operator.choices = choices([(0, "—")] + [(o.id, o.name) for o in db.session.scalars(
        sa.select(ParkingOperator).order_by(ParkingOperator.name))])
    return form


@bp.post("/manage/schools")
@require(permissions.can_manage_education)
def add_school():
    form = _school_form()
    ward = db.session.get(Ward, form.ward.data) if form.validate_on_submit() else None
    if ward is None:
        flash(_("Check the school: name, level, ward and quota are needed."), "error")
        return redirect_to(url_for("lookups.manage"))
    catchment = [w for w in (form.catchment.data or []) if db.session.get(Ward, w) is not None] or [ward.id]
    school = School(name=form.name.data, level=form.level.data, ward_id=ward.id, quota=form.quota.data,
                    catchment_ward_ids=catchment)
    db.session.add(school)
    audit.record("school.created", school)
    flash(_("The school was added."), "success")
    return redirect_to(url_for("lookups.manage"))


@bp.post("/manage/parking")
@require(permissions.can_manage_transport)
def add_parking_lot():
    form = _lot_form()
    ward = db.session.get(Ward, form.ward.data) if form.validate_on_submit() else None
    if ward is None:
        flash(_("Check the parking lot: every field is needed, with coordinates in Hanoi."), "error")
        return redirect_to(url_for("lookups.manage"))
    operator = db.session.get(ParkingOperator, form.operator.data) if form.operator.data else None
    lot = ParkingLot(name=form.name.data, search_name=fold(form.name.data), address=form.address.data,
                     ward_id=ward.id, lat=form.lat.data, lon=form.lon.data, capacity=form.capacity.data,
                     vehicle_types=",".join(form.vehicle_types.data), prices=form.prices.data or "",
                     opening_hours=form.opening_hours.data or "", operator=operator)
    db.session.add(lot)
    audit.record("parking_lot.created", lot)
    flash(_("The parking lot was added."), "success")
    return redirect_to(url_for("lookups.manage"))


@bp.post("/manage/gtfs")
@require(permissions.can_manage_transport)
def upload_gtfs():
    form = GtfsUploadForm()
    upload = request.files.get("feed")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose a GTFS ZIP file."), "error")
        return redirect_to(url_for("lookups.manage"))
    try:
        feed = gtfs.import_feed(upload.stream, source_name=upload.filename, imported_by_id=current_user.id)
    except gtfs.GtfsError as error:
        db.session.rollback()
        response = make_response(render("lookups/gtfs_result.html", report=error.report, feed=None), 422)
        return response
    audit.record("gtfs_feed.imported", feed, counts=feed.counts)
    return render("lookups/gtfs_result.html", report=None, feed=feed,
                  gtfs_message=lambda code: str(gtfs.MESSAGES.get(code, code)))


@bp.post("/manage/exams")
@require(permissions.can_manage_education)
def upload_exams():
    form = ExamUploadForm()
    upload = request.files.get("scores")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose the year and a CSV file."), "error")
        return redirect_to(url_for("lookups.manage"))
    result = exams.import_csv(upload.stream, form.year.data)
    if result.error_count:
        db.session.rollback()
        return make_response(render("lookups/exam_result.html", result=result), 422)
    audit.record("exam_scores.imported", object_type="exam_scores", object_id=form.year.data,
                 rows=result.imported)
    return render("lookups/exam_result.html", result=result)


def parse_departure(text: str | None) -> datetime | None:
    """``YYYY-MM-DD HH:MM`` (digits 0-9, Hanoi time) on a day of app.core.dates' range, or None."""
    match = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}):([0-9]{2})", (text or "").strip(), re.ASCII)
    day = parse_day(match.group(1)) if match else None
    if day is None or int(match.group(2)) > 23 or int(match.group(3)) > 59:
        return None
    return datetime(day.year, day.month, day.day, int(match.group(2)), int(match.group(3)),
                    tzinfo=ZoneInfo(HANOI_TZ))


@bp.post("/manage/airport")
@require(permissions.can_manage_transport)
def add_trip():
    form = TripForm()
    if not form.validate_on_submit():
        field_errors = [str(e) for f in (form.seats_total, form.price_vnd, form.route_name, form.origin,
                                         form.destination) for e in f.errors]
        flash(field_errors[0] if field_errors else _("Check the trip: every field is needed."), "error")
        return redirect_to(url_for("lookups.manage"))
    departs = parse_departure(form.departs_at.data)
    if departs is None:
        flash(_("Enter the departure as YYYY-MM-DD HH:MM, Hanoi time."), "error")
        return redirect_to(url_for("lookups.manage"))
    if departs <= utcnow():
        flash(_("The departure must be later than now."), "error")
        return redirect_to(url_for("lookups.manage"))
    trip = AirportTrip(route_name=form.route_name.data, origin=form.origin.data, destination=form.destination.data,
                       departs_at=departs, seats_total=form.seats_total.data, price_vnd=form.price_vnd.data or 0)
    db.session.add(trip)
    audit.record("airport_trip.created", trip)
    flash(_("The trip was added."), "success")
    return redirect_to(url_for("lookups.manage"))


@bp.post("/manage/parking/<int:lot_id>/availability")
@require(permissions.can_manage_transport)
def update_availability(lot_id: int):
    lot = db.session.get(ParkingLot, lot_id)
    if lot is None:
        abort(404)
    form = AvailabilityForm()
    try:
        if not form.validate_on_submit():
            raise parking.AvailabilityError("invalid")
        parking.set_free_spaces(lot, form.free_spaces.data, actor=current_user)
    except parking.AvailabilityError:
        flash(_("Free spaces must be between 0 and the capacity (%(capacity)d).", capacity=lot.capacity), "error")
        return redirect_to(url_for("lookups.manage"))
    flash(_("Free spaces updated."), "success")
    return redirect_to(url_for("lookups.manage"))


@bp.post("/manage/parking/operators/<int:operator_id>/token")
@require(permissions.can_manage_transport)
def issue_operator_token(operator_id: int):
    operator = db.session.get(ParkingOperator, operator_id)
    if operator is None:
        abort(404)
    token = parking.new_token(operator)
    response = render("lookups/token.html", operator=operator, token=token)
    response.headers["Cache-Control"] = "no-store"
    return response
