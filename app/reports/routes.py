"""Field reports, citizen side: file a report, follow it, rate the answer; the public feed and map."""

from __future__ import annotations

import functools
import uuid

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.auth.decorators import login_required, require
from app.auth.forms import invalid_status
from app.auth.services import safe_next
from app.cases import feedback
from app.cases.display import is_overdue, locale, status_label, time_left, unit_name
from app.core import uploads
from app.core.errors import answers_json
from app.core.htmx import is_htmx, redirect_to, render
from app.core.ids import arg_id
from app.core.images import PhotoError
from app.core.pagecache import cached_page
from app.core.ratelimit import limiter
from app.extensions import db
from app.places import services as places
from app.places.geo import in_hanoi
from app.places.models import Ward
from app.reports import bp, permissions, services
from app.reports.forms import RateForm, ReopenForm, ReportForm, parse_answers
from app.reports.models import Report, ReportPhoto, Status

MAP_POINTS_LIMIT = 500
# A citizen moving the pin asks once per move: generous for people, a wall for scrapers.
NEAREST_WARD_LIMIT = "60/minute"
# Photos and thumbnails: a year in the browser (Lighthouse counts under 30 days as too short).
PHOTO_MAX_AGE = 365 * 24 * 3600


def full_page_load(view):
    """Pages with their own script need a real page load: htmx does not run the scripts of
    content it swaps in, so a boosted navigation here (a link, or the redirect after logging
    in) is turned into a full one."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "GET" and request.headers.get("HX-Boosted") == "true":
            return redirect_to(request.full_path.rstrip("?"))
        return view(*args, **kwargs)

    return wrapper


def _wards() -> list[Ward]:
    return list(db.session.scalars(sa.select(Ward).where(Ward.active).order_by(Ward.name)))


def _load_report(report_id: int) -> Report:
    """The report if it exists and the current user may see it; 404 otherwise (also when
    hidden, so a hidden report's existence is not revealed)."""
    report = db.session.get(Report, report_id, options=[
        joinedload(Report.category), joinedload(Report.ward),
        selectinload(Report.photos), selectinload(Report.events),
    ])
    if report is None or not permissions.can_view_report(current_user, report):
        abort(404)
    return report


# --- filing -------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@require(permissions.can_file_report)
@full_page_load
def new_report():
    categories = services.active_categories()
    wards = _wards()
    form = ReportForm(categories=categories, ward_ids={w.id for w in wards})
    if request.method == "GET":
        form.submission_id.data = str(uuid.uuid4())
        form.ward.data = services.last_ward_id(current_user)
        return render("reports/new.html", **_form_context(form, categories, wards))

    submission_id = form.valid_submission_id()
    if submission_id is not None:
        existing = services.find_submission(current_user, submission_id)
        if existing is not None:
            # A retried POST (double tap, flaky network): the report already exists.
            return redirect(url_for("reports.show_report", report_id=existing.id), code=303)
    else:
        form.submission_id.data = submission_id = str(uuid.uuid4())

    form_ok = form.validate()
    answers, answer_errors = parse_answers(form.chosen_category, request.form)
    photos, photo_errors = _collect_photos(form)
    if form_ok and not answer_errors and not photo_errors:
        ward = db.session.get(Ward, form.ward.data)
        lat, lon = form.coordinates or (None, None)
        report, created = services.submit_report(current_user, submission_id, services.NewReport(
            category=form.chosen_category, description=form.description.data, ward=ward,
            lat=lat, lon=lon, address=form.address.data or None, show_name=form.show_name.data,
            answers=answers, photos=photos,
        ))
        if created:
            flash(_("Thank you. Your report #%(id)s was sent to %(unit)s.", id=report.id,
                    unit=unit_name(report)), "success")
        return redirect(url_for("reports.show_report", report_id=report.id), code=303)

    # The photos already stored must outlive this failed attempt, so the citizen does not
    # have to choose them again.
    db.session.commit()
    nearby = _nearby_for(form.category.data, form.coordinates, form.ward.data)
    response = render("reports/new.html", **_form_context(
        form, categories, wards, drafts=photos, photo_errors=photo_errors,
        answer_errors=answer_errors, nearby=nearby))
    response.status_code = invalid_status()
    return response


def _form_context(form, categories, wards, *, drafts=(), photo_errors=(), answer_errors=None,
                  nearby=None) -> dict:
    return {
        "form": form, "categories": categories, "wards": wards, "drafts": list(drafts),
        "photo_errors": list(photo_errors), "answer_errors": answer_errors or {},
        "nearby": nearby, "max_photos": current_app.config["PHOTO_MAX_COUNT"],
        "map_tile_url": current_app.config["MAP_TILE_URL"],
        "map_tile_attribution": current_app.config["MAP_TILE_ATTRIBUTION"],
    }


def _collect_photos(form: ReportForm) -> tuple[list[ReportPhoto], list[str]]:
    """Photos kept from an earlier attempt plus new uploads, each new one verified and stored.

    A bad file costs only itself: the good ones are kept and sent back with the form.
    """
    removed = set(request.form.getlist("remove_photo"))
    kept = [p for p in services.draft_photos(current_user, request.form.getlist("photo_token"))
            if p.token not in removed]
    errors: list[str] = []
    stored: list[ReportPhoto] = []
    # Counted and size-checked before anything is stored.
    batch = uploads.read_photos(form.photos.data or [], kept=len(kept), key=f"user:{current_user.id}")
    if batch.rate_limited:
        errors.append(uploads.rate_limited_message())
    for filename, problem in batch.problems:
        errors.append(_("%(file)s: %(problem)s", file=filename, problem=problem))
    for upload in batch.uploads:
        try:
            stored.append(services.store_photo(current_user, upload.data))
        except PhotoError as e:
            errors.append(_("%(file)s: %(problem)s", file=upload.filename, problem=e.message))
    photos = kept + stored
    max_photos = current_app.config["PHOTO_MAX_COUNT"]
    if batch.too_many:
        errors.append(ngettext(
            "A report can have at most %(num)d photo. None of the new ones were kept: choose again.",
            "A report can have at most %(num)d photos. None of the new ones were kept: choose again.",
            max_photos))
    elif len(photos) > max_photos:
        errors.append(ngettext(
            "A report can have at most %(num)d photo. Tick “Remove” on the ones to leave out.",
            "A report can have at most %(num)d photos. Tick “Remove” on the ones to leave out.",
            max_photos))
    elif not photos and not errors:
        errors.append(_("Add at least one photo of the problem."))
    return photos, errors


@bp.get("/wards")
def ward_options():
    """``<option>``s of the wards matching ``q`` (diacritics ignored), for the ward picker."""
    query = request.args.get("q", "").strip()[:100]
    selected = request.args.get("ward", type=arg_id)
    wards = places.search_wards(query, limit=200) if query else _wards()
    if wards and selected not in {w.id for w in wards}:
        selected = wards[0].id if query else selected
    response = render("reports/_ward_options.html", wards=wards, selected=selected, query=query)
    # The chosen ward may have changed: the nearby suggestions listen for this.
    response.headers["HX-Trigger-After-Swap"] = "ward-options"
    return response


def _nearby_for(category_id, coordinates, ward_id):
    if not category_id:
        return None
    lat, lon = coordinates or (None, None)
    return services.nearby(category_id, lat=lat, lon=lon, ward_id=ward_id)


@bp.get("/nearby")
def nearby():
    """Open reports like the one being filed: the citizen can follow one instead."""
    category_id = request.args.get("category", type=arg_id)
    ward_id = request.args.get("ward", type=arg_id)
    lat, lon = request.args.get("lat", type=float), request.args.get("lon", type=float)
    coordinates = (lat, lon) if lat is not None and lon is not None else None
    results = _nearby_for(category_id, coordinates, ward_id)
    return render("reports/nearby.html", "reports/_nearby.html", nearby=results)


# --- one report ---------------------------------------------------------------------------

@bp.get("/<int:report_id>")
@cached_page("case:{report_id}", "categories", "places")
def show_report(report_id: int):
    report = _load_report(report_id)
    return _render_report(report)


def _render_report(report: Report, *, rate_form=None, reopen_form=None):
    user = current_user
    internal = permissions.can_see_internal(user, report)
    return render(
        "reports/show.html", report=report,
        events=services.timeline(report, internal=internal), internal=internal,
        following=services.is_following(report, user),
        error_items=feedback.error_items(rate_form=rate_form, reopen_form=reopen_form),
        rate_form=rate_form or (RateForm(formdata=None) if permissions.can_rate(user, report) else None),
        reopen_form=reopen_form or (ReopenForm(formdata=None)
                                    if permissions.can_request_reopen(user, report) else None),
        before_photos=report.photos_of("report"),
        # Each answer shows the photos sent with it, not those of an earlier answer.
        after_photos=services.answer_photos(report, next(
            (e for e in reversed(report.events) if e.kind == "resolved"), None)),
        duplicate=db.session.get(Report, report.duplicate_of_id) if report.duplicate_of_id else None,
    )


def _back_to(report: Report):
    return redirect_to(url_for("reports.show_report", report_id=report.id))


@bp.post("/<int:report_id>/follow")
@login_required
def follow_report(report_id: int):
    return _set_following(report_id, True)


@bp.post("/<int:report_id>/unfollow")
@login_required
def unfollow_report(report_id: int):
    return _set_following(report_id, False)


def _set_following(report_id: int, follow: bool):
    report = _load_report(report_id)
    if not permissions.can_follow(current_user, report):
        abort(403)
    if follow:
        services.follow(report, current_user)
    else:
        services.unfollow(report, current_user)
    if is_htmx():
        # The nearby list (inside the report form) must not receive a nested <form>.
        template = "reports/_followed.html" if request.args.get("from") == "nearby" else "reports/_follow.html"
        return render(template, report=report, following=follow, changed=True)
    if follow:
        flash(_("You follow this report: you will be told when it changes."), "success")
    else:
        flash(_("You no longer follow this report."), "success")
    target = safe_next(request.form.get("next"), url_for("reports.show_report", report_id=report.id))
    return redirect(target, code=303)


@bp.route("/<int:report_id>/rate", methods=["GET", "POST"])
@login_required
def rate_report(report_id: int):
    report = _load_report(report_id)
    return feedback.rate_view(report, functools.partial(_render_report, report),
                              url_for("reports.show_report", report_id=report.id),
                              allowed=permissions.is_reporter(current_user, report), form_class=RateForm)


@bp.route("/<int:report_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen_report(report_id: int):
    report = _load_report(report_id)
    return feedback.reopen_view(
        report, functools.partial(_render_report, report), url_for("reports.show_report", report_id=report.id),
        lambda: _("Your report was sent back to %(unit)s to be handled again.", unit=unit_name(report)),
        allowed=permissions.is_reporter(current_user, report), form_class=ReopenForm)


# --- photos -------------------------------------------------------------------------------

@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int):
    return _send_photo(photo_id, thumb=False)


@bp.get("/photos/<int:photo_id>/thumb")
def photo_thumb(photo_id: int):
    return _send_photo(photo_id, thumb=True)


def _send_photo(photo_id: int, *, thumb: bool):
    """A re-encoded photo (no metadata), only to those who may see it.

    Draft uploads (no report yet) go to their owner only; a report's photos to whoever may
    see the report, unless moderators hid the photo.
    """
    from app.core.storage import get_storage

    item = db.session.get(ReportPhoto, photo_id)
    if item is None:
        abort(404)
    user = current_user
    if item.report_id is None:
        public = False
        if not (user.is_authenticated and item.owner_id == user.id):
            abort(404)
    else:
        report = item.report
        if not permissions.can_view_report(user, report):
            abort(404)
        if item.hidden and not permissions.can_see_internal(user, report):
            abort(404)
        public = not report.hidden and not item.hidden
    key = item.thumb_key if thumb else item.key
    storage = get_storage()
    if (address := storage.url(key)) is not None:
        return redirect(address, code=302)
    try:
        data = storage.open(key)
    except FileNotFoundError:
        abort(404)
    response = make_response(data)
    response.mimetype = "image/jpeg"
    # A photo never changes under its address (its ETag is the content's hash), so browsers keep
    # it a year. Shared caches keep public photos only an hour, so one that moderators hide soon
    # stops being served to others (pages stop linking it at once).
    response.cache_control.max_age = PHOTO_MAX_AGE
    if public:
        response.cache_control.immutable = True
        response.cache_control.public = True
        response.cache_control.s_maxage = 3600
    else:
        response.cache_control.private = True
    response.set_etag(item.sha256 + ("-thumb" if thumb else ""))
    return response.make_conditional(request)


# --- lists --------------------------------------------------------------------------------

@bp.get("/mine")
@login_required
def my_reports():
    return render("reports/mine.html", reports=services.reports_of(current_user),
                  followed=services.followed_by(current_user))


def _feed_filters() -> tuple[services.FeedFilters, dict]:
    """Filters from the query string, and the same as URL arguments for links."""
    status = request.args.get("status", "")
    filters = services.FeedFilters(
        ward_id=request.args.get("ward", type=arg_id),
        category_id=request.args.get("category", type=arg_id),
        status=status if status in set(Status) else None,
        overdue=request.args.get("overdue") == "1",
    )
    args = {"ward": filters.ward_id, "category": filters.category_id, "status": filters.status,
            "overdue": "1" if filters.overdue else None}
    return filters, {k: v for k, v in args.items() if v}


@bp.get("", strict_slashes=False)
@cached_page("feed", "categories", "places")
def feed():
    filters, args = _feed_filters()
    before = request.args.get("before", type=arg_id)
    reports, next_cursor = services.feed(filters, before_id=before)
    return render(
        "reports/feed.html", "reports/_feed_items.html", reports=reports,
        next_cursor=next_cursor, before=before,
        filters=filters, args=args, statuses=list(Status),
        show_map=request.args.get("view") == "map",
        map_tile_url=current_app.config["MAP_TILE_URL"],
        map_tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@bp.get("/map.json")
def map_points():
    """Markers of the feed's map, with the feed's own filters (:func:`_feed_filters`: ``ward``,
    ``category``, ``status``, ``overdue``), newest first, at most :data:`MAP_POINTS_LIMIT`.

    Public fields only, never who reported what or their words: ``{"points": [{"id", "lat",
    "lon", "category", "status", "status_label", "title", "label", "deadline", "overdue",
    "url"}], "limit"}``. ``label`` is the marker's accessible name ("Ổ gà – Đang xử lý, #201"),
    ``deadline`` the time left or how late it is ("" once handled), in the reader's language.
    """
    filters, _args = _feed_filters()
    lang = locale()
    points = []
    for r in services.map_points(filters, limit=MAP_POINTS_LIMIT):
        category = r.category.display_name(lang)
        label = _("%(category)s – %(status)s, #%(id)s", category=category,
                  status=status_label(r.status), id=r.id)
        overdue = is_overdue(r)
        if overdue:
            label = _("%(label)s, overdue", label=label)
        points.append({
            "id": r.id, "lat": r.lat, "lon": r.lon, "category": category,
            "status": r.status, "status_label": status_label(r.status),
            "title": f"{category} #{r.id}", "label": label,
            "deadline": time_left(r), "overdue": overdue,
            "url": url_for("reports.show_report", report_id=r.id),
        })
    response = jsonify(points=points, limit=MAP_POINTS_LIMIT)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/wards/nearest")
@limiter.limit(NEAREST_WARD_LIMIT)
@answers_json
def nearest_ward():
    """The ward a pin at ``lat``/``lon`` (decimal degrees) is taken to be in, for the report
    form's ward select: ``{"in_hanoi": bool, "ward": {"id", "name"} | null}``.

    The ward comes from :func:`app.places.services.ward_of_point` (nearest known centre); null
    when the point is outside Hanoi or no centre is close enough to be sure. 400 without a
    valid number pair; rate limited per client (:data:`NEAREST_WARD_LIMIT`).
    """
    lat, lon = request.args.get("lat", type=float), request.args.get("lon", type=float)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        abort(400)
    inside = in_hanoi(lat, lon)
    ward = places.ward_of_point(lat, lon) if inside else None
    return jsonify(in_hanoi=inside, ward={"id": ward.id, "name": ward.name} if ward is not None else None)
