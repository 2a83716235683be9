"""Citizen side of the lookups. Every page works without JavaScript."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse

from app.auth.decorators import login_required, require
from app.cases.display import status_label
from app.cases.models import Case
from app.core.htmx import redirect_to, render
from app.core.ids import arg_id
from app.core.images import PhotoError, process_photo
from app.core.pagecache import cached_page
from app.core.ratelimit import limiter
from app.core.storage import get_storage
from app.extensions import db
from app.lookups import airport, bp, exams, parking, permissions, services, transit
from app.lookups.fields import ascii_float
from app.lookups.forms import (
    LEVELS,
    PICKUP_POINTS,
    PRIORITY_GROUPS,
    BookForm,
    BusPassForm,
    EnrollmentForm,
    ExamLookupForm,
    choices,
)
from app.lookups.models import AirportTicket, AirportTrip, BusPassApplication, EnrollmentApplication
from app.places.models import Ward

EXAM_IP_LIMIT = "20/minute;200/day"
EXAM_NUMBER_LIMIT = "5/10minutes"


def _wards() -> list[Ward]:
    return list(db.session.scalars(sa.select(Ward).where(Ward.active).order_by(Ward.name)))


def _point(prefix: str = "") -> tuple[float, float] | None:
    """A point from the query string: typed coordinates (``lat``/``lon``), else a known place
    picked from the list (``place`` = "lat,lon"); None when absent or invalid."""
    lat_text = request.args.get(f"{prefix}lat", "").strip().replace(",", ".")
    lon_text = request.args.get(f"{prefix}lon", "").strip().replace(",", ".")
    if not lat_text and not lon_text:
        lat_text, _sep, lon_text = request.args.get(f"{prefix}place", "").partition(",")
    lat, lon = ascii_float(lat_text), ascii_float(lon_text)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


@bp.get("/")
@cached_page("lookups")
def index():
    return render("lookups/index.html", can_manage=permissions.can_manage_any(current_user))


# --- find a bus ---------------------------------------------------------------------------

@bp.get("/bus")
@cached_page("lookups")
def bus():
    query = (request.args.get("q") or "").strip()[:100]
    routes = transit.search_routes(query) if query else transit.search_routes("", limit=30)
    return render("lookups/bus.html", "lookups/_routes.html", query=query, routes=routes,
                  has_feed=transit.active_feed_id() is not None)


@bp.get("/bus/routes/<int:route_id>")
@cached_page("lookups")
def bus_route(route_id: int):
    route = transit.get_route(route_id)
    if route is None:
        abort(404)
    today = transit.hanoi_now().date()
    return render("lookups/route.html", route=route, directions=transit.route_directions(route, today), today=today)


@bp.get("/bus/nearby")
def bus_nearby():
    point = _point()
    asked = "lat" in request.args or "place" in request.args
    stops = transit.nearby(*point) if point else []
    return render("lookups/nearby.html", "lookups/_nearby.html", point=point, asked=asked, stops=stops,
                  places=_sample_places())


@bp.get("/bus/journey")
def bus_journey():
    start, end = _point("from_"), _point("to_")
    asked = "from_lat" in request.args or "from_place" in request.args
    journeys = transit.plan(*start, *end) if start and end else []
    return render("lookups/journey.html", "lookups/_journeys.html", start=start, end=end, asked=asked,
                  journeys=journeys, places=_sample_places())


def _sample_places() -> list[tuple[str, float, float]]:
    """Well-known places to pick from without GPS or a map (the sample feed's area)."""
    return [
        (_("Kim Mã bus station"), 21.0200, 105.8000),
        (_("Tràng Tiền crossroads"), 21.0200, 105.8320),
        (_("Giáp Bát"), 21.0040, 105.8320),
        (_("Ba Đình"), 21.0600, 105.8320),
        (_("Yên Phụ"), 21.0440, 105.8655),
    ]


# --- Nội Bài airport bus ------------------------------------------------------------------

@bp.get("/airport")
def airport_trips():
    tickets = []
    if current_user.is_authenticated:
        tickets = list(db.session.scalars(sa.select(AirportTicket).where(
            AirportTicket.user_id == current_user.id).order_by(AirportTicket.id.desc()).limit(20)))
    return render("lookups/airport.html", trips=airport.upcoming_trips(), tickets=tickets, form=BookForm())


@bp.post("/airport/trips/<int:trip_id>/book")
@require(permissions.can_book)
@limiter.limit("20/hour", key_func=lambda: f"book:{current_user.get_id()}")
def book_trip(trip_id: int):
    trip = db.session.get(AirportTrip, trip_id)
    if trip is None:
        abort(404)
    form = BookForm()
    if not form.validate_on_submit():
        flash(_("You can book 1 to 4 seats."), "error")
        return redirect_to(url_for("lookups.airport_trips"))
    try:
        ticket = airport.book(trip.id, current_user, form.seats.data)
    except airport.BookingError as error:
        db.session.rollback()
        flash(_("Not enough seats left on this trip.") if error.code == "sold_out"
              else _("Booking for this trip has closed."), "error")
        return redirect_to(url_for("lookups.airport_trips"))
    flash(_("Your seats are booked. Show the QR code when you board."), "success")
    return redirect_to(url_for("lookups.show_ticket", ticket_id=ticket.id))


def _own_ticket(ticket_id: int) -> AirportTicket:
    ticket = db.session.get(AirportTicket, ticket_id)
    if ticket is None or not permissions.can_view_ticket(current_user, ticket):
        abort(404)
    return ticket


@bp.get("/airport/tickets/<int:ticket_id>")
@login_required
def show_ticket(ticket_id: int):
    ticket = _own_ticket(ticket_id)
    code = airport.ticket_code(ticket)
    verify_url = url_for("lookups.verify_ticket", code=code, _external=True)
    response = render("lookups/ticket.html", ticket=ticket, code=code, qr=services.qr_svg(verify_url),
                      can_cancel=airport.can_cancel(ticket), cutoff_hours=int(airport.CANCEL_CUTOFF.seconds / 3600))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/airport/tickets/<int:ticket_id>/cancel")
@login_required
def cancel_ticket(ticket_id: int):
    ticket = _own_ticket(ticket_id)
    try:
        airport.cancel(ticket, current_user)
    except airport.BookingError:
        flash(_("This ticket can no longer be cancelled."), "error")
        return redirect_to(url_for("lookups.show_ticket", ticket_id=ticket.id))
    flash(_("The ticket is cancelled and its seats are free again."), "success")
    return redirect_to(url_for("lookups.airport_trips"))


@bp.get("/airport/verify")
@limiter.limit("60/minute")
def verify_ticket():
    code = request.args.get("code", "")
    ticket = airport.verify_code(code) if code else None
    status = 200 if ticket is not None or not code else 400
    verdict = airport.verdict(ticket) if ticket is not None else None
    response = make_response(render("lookups/verify.html", code=code, ticket=ticket, verdict=verdict,
                                    can_board=permissions.can_manage_transport(current_user)), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/airport/verify/board")
@require(permissions.can_manage_transport)
def board_ticket():
    """An inspector marks a ticket boarded; a second scan then shows it as already used."""
    code = (request.form.get("code") or "")[:300]
    ticket = airport.verify_code(code)
    if ticket is None:
        abort(404)
    if airport.board(ticket, current_user):
        flash(_("Boarding recorded."), "success")
    else:
        flash(_("This ticket cannot be used for boarding."), "error")
    return redirect_to(url_for("lookups.verify_ticket", code=code))


# --- parking ------------------------------------------------------------------------------

@bp.get("/parking")
def parking_search():
    point = _point()
    ward_id = request.args.get("ward", type=arg_id)
    vehicle = request.args.get("vehicle") if request.args.get("vehicle") in ("car", "motorbike", "bicycle") else None
    asked = point is not None or ward_id is not None
    found = parking.search(lat=point[0] if point else None, lon=point[1] if point else None, ward_id=ward_id,
                           vehicle=vehicle) if asked else []
    return render("lookups/parking.html", "lookups/_parking.html", point=point, ward_id=ward_id, vehicle=vehicle,
                  found=found, asked=asked, wards=_wards(), places=_sample_places())


# --- exam scores --------------------------------------------------------------------------

def _candidate_limited(number: str) -> bool:
    """Count a look-up of this candidate number; True when it has been tried too often."""
    if not limiter.enabled:
        return False
    return not limiter.limiter.hit(parse(EXAM_NUMBER_LIMIT), "exam-candidate", number)


@bp.route("/exams", methods=["GET", "POST"])
@limiter.limit(EXAM_IP_LIMIT, methods=["POST"])
def exam_scores():
    form = ExamLookupForm()
    year = exams.latest_year()
    result, not_found, status = None, False, 200
    if request.method == "POST" and form.validate_on_submit():
        if _candidate_limited(form.candidate_number.data):
            status = 429
            flash(_("Too many look-ups for this candidate number. Please try again later."), "error")
        else:
            result = exams.lookup(year or 0, form.candidate_number.data, form.birth_date.data)
            not_found = result is None
    elif request.method == "POST":
        status = 422
    response = make_response(render("lookups/exams.html", form=form, year=year, result=result, not_found=not_found,
                                    subjects=exams.SUBJECTS), status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- schools and enrollment ---------------------------------------------------------------

@bp.get("/schools")
@cached_page("lookups", "places")
def schools():
    level = request.args.get("level") if request.args.get("level") in LEVELS else None
    ward_id = request.args.get("ward", type=arg_id)
    found = services.schools(level, ward_id) if (level or ward_id) else []
    ward_names = {w.id: w.name for w in _wards()}
    return render("lookups/schools.html", levels=LEVELS, level=level, ward_id=ward_id, schools=found,
                  wards=_wards(), ward_names=ward_names, asked=bool(level or ward_id))


@bp.get("/schools/rules/<level>")
def school_rules(level: str):
    if level not in LEVELS:
        abort(404)
    return render("lookups/rules.html", level=level, levels=LEVELS)


def _file_form_guard():
    if not permissions.can_apply(current_user):
        return render("lookups/need_level.html"), 403
    return None


@bp.route("/enrollment/new", methods=["GET", "POST"])
@login_required
def new_enrollment():
    if (refused := _file_form_guard()) is not None:
        return make_response(*refused)
    form = EnrollmentForm()
    if request.method == "GET" and request.args.get("level") in LEVELS:
        form.level.data = request.args["level"]
    level = form.level.data if form.level.data in LEVELS else "grade1"
    options = [(0, "—")] + [(s.id, f"{s.name} ({s.ward.name})") for s in services.schools(level)]
    for f in (form.school_1, form.school_2, form.school_3):
        f.choices = choices(options)
    valid_ids = {sid for sid, _label in options if sid}
    if request.method == "POST" and form.validate_on_submit():
        chosen = form.chosen()
        if not chosen or any(s not in valid_ids for s in chosen):
            form.school_1.errors = [_("Choose at least one school of this level.")]
        else:
            case, _created = services.file_enrollment(
                current_user, level=level, child_name=form.child_name.data,
                child_birth_date=form.child_birth_date.data, child_id=form.child_id.data, school_ids=chosen,
                submission_id=form.submission_id.data)
            flash(_("Your application was sent to the Department of Education."), "success")
            return redirect_to(url_for("lookups.show_enrollment", case_id=case.id))
    status = 422 if request.method == "POST" else 200
    return make_response(render("lookups/enrollment_new.html", form=form, levels=LEVELS), status)


@bp.get("/enrollment/<int:case_id>")
@login_required
def show_enrollment(case_id: int):
    application = db.session.get(EnrollmentApplication, case_id)
    if application is None or not permissions.can_view_case(current_user, application):
        abort(404)
    response = render("lookups/enrollment.html", case=application, levels=LEVELS,
                      schools=services.schools_by_id(application.school_ids),
                      child_id=services.masked_child_id(application), status_label=status_label)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/bus-pass/new", methods=["GET", "POST"])
@login_required
def new_bus_pass():
    if (refused := _file_form_guard()) is not None:
        return make_response(*refused)
    form = BusPassForm()
    if request.method == "POST" and form.validate_on_submit():
        max_bytes = current_app.config["PHOTO_MAX_BYTES"]
        # Check every photo (and the rest of the form) first; store only when all of it is right,
        # so a refused form leaves no orphan photo behind.
        photos: dict[str, object] = {"portrait": None, "proof": None}
        for name in ("portrait", "proof"):
            upload = request.files.get(name)
            if upload is None or not upload.filename:
                continue
            data = upload.stream.read(max_bytes + 1)
            try:
                if len(data) > max_bytes:
                    raise PhotoError("too_large", _("This photo is too large."))
                photos[name] = process_photo(data)
            except PhotoError:
                getattr(form, name).errors = [_("This file is not a photo we can read (JPEG, PNG or WebP).")]
        if photos["portrait"] is None and not form.portrait.errors:
            form.portrait.errors = [_("Add a portrait photo.")]
        if form.priority_group.data != "none" and photos["proof"] is None and not form.proof.errors:
            form.proof.errors = [_("Add a photo of the proof of your priority group.")]
        if not form.portrait.errors and not form.proof.errors:
            keys = {name: services.store_processed(photo, "buspass") if photo is not None else None
                    for name, photo in photos.items()}
            case, _created = services.file_bus_pass(
                current_user, pass_type=form.pass_type.data, route_short_name=form.route_short_name.data or None,
                priority_group=form.priority_group.data, pickup_point=form.pickup_point.data,
                portrait_key=keys["portrait"], proof_key=keys["proof"], submission_id=form.submission_id.data)
            flash(_("Your application was sent to the transport department."), "success")
            return redirect_to(url_for("lookups.show_bus_pass", case_id=case.id))
    status = 422 if request.method == "POST" else 200
    return make_response(render("lookups/bus_pass_new.html", form=form), status)


def _bus_pass(case_id: int) -> BusPassApplication:
    application = db.session.get(BusPassApplication, case_id)
    if application is None or not permissions.can_view_case(current_user, application):
        abort(404)
    return application


@bp.get("/bus-pass/<int:case_id>")
@login_required
def show_bus_pass(case_id: int):
    application = _bus_pass(case_id)
    qr = None
    if services.is_approved(application):
        qr = services.qr_svg(url_for("lookups.verify_bus_pass", code=services.pass_code(application), _external=True))
    response = render("lookups/bus_pass.html", case=application, qr=qr, groups=PRIORITY_GROUPS, points=PICKUP_POINTS,
                      status_label=status_label)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/bus-pass/<int:case_id>/photos/<which>")
@login_required
def bus_pass_photo(case_id: int, which: str):
    application = _bus_pass(case_id)
    key = {"portrait": application.portrait_key, "proof": application.proof_photo_key}.get(which)
    if not key:
        abort(404)
    try:
        data = get_storage().open(key)
    except FileNotFoundError:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/bus-pass/verify")
@limiter.limit("60/minute")
def verify_bus_pass():
    code = request.args.get("code", "")
    application = services.verify_pass_code(code) if code else None
    status = 200 if application is not None or not code else 400
    # The holder's name, month, route and priority group show to whoever scans; the portrait only
    # to transport officials (inspectors), who may open it (can_view_case: they handle the case).
    show_portrait = application is not None and permissions.can_view_case(current_user, application)
    response = make_response(render("lookups/verify_pass.html", code=code, application=application,
                                    groups=PRIORITY_GROUPS, show_portrait=show_portrait), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/mine")
@login_required
def my_applications():
    rows = list(db.session.scalars(sa.select(Case).where(
        Case.requester_id == current_user.id, Case.kind.in_(("bus_pass", "enrollment"))).order_by(Case.id.desc())))
    return render("lookups/mine.html", cases=rows, status_label=status_label)

