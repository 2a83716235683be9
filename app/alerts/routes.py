"""Alert pages for citizens, the officials' editor, and the feeds (Atom, CAP 1.2)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.alerts import bp, cap, feeds, permissions, services
from app.alerts.display import KINDS, kind_label
from app.alerts.forms import AlertForm, SubscriptionForm, UpdateForm, WithdrawForm, choices, local_time
from app.alerts.markdown import render as render_markdown
from app.alerts.models import Alert, AlertKind, AlertStatus
from app.auth.decorators import login_required
from app.auth.permissions import is_city_admin
from app.core.htmx import redirect_to, render
from app.core.ids import to_id
from app.core.models import utcnow
from app.core.pagecache import cached_page
from app.core.text import vi_sorted
from app.extensions import db
from app.places.models import Ward

MESSAGES = {
    "validity": _l("The end must be after the start."),
    "area_required": _l("Choose at least one ward."),
    "not_draft": _l("Only a draft can be changed or published this way."),
    "not_published": _l("Only an alert in force can be updated or withdrawn."),
    "already_over": _l("This alert's validity has already ended: change its dates first."),
    "reason_required": _l("Please give a reason."),
}


def _load(alert_id: int) -> Alert:
    alert = db.session.get(Alert, alert_id)
    if alert is None or not permissions.can_view_alert(current_user, alert):
        abort(404)
    return alert


def _managed(alert_id: int) -> Alert:
    alert = _load(alert_id)
    if not permissions.can_manage_alert(current_user, alert):
        abort(403)
    return alert


def _wards() -> list[Ward]:
    return vi_sorted(db.session.scalars(sa.select(Ward).where(Ward.active.is_(True))))


def _kind_arg() -> str | None:
    kind = request.args.get("kind") or None
    return kind if kind in set(AlertKind) else None


def _ward_arg() -> int | None:
    """The ward asked for, else the first ward the citizen subscribed to."""
    raw = request.args.get("ward")
    if raw is not None:
        return to_id(raw)
    if current_user.is_authenticated:
        for sub in services.subscriptions(current_user):
            if sub.ward_id is not None:
                return sub.ward_id
    return None


# --- citizens ----------------------------------------------------------------------------

@bp.get("/alerts")
@cached_page("alerts", "places")
def index():
    kind, ward_id, q = _kind_arg(), _ward_arg(), (request.args.get("q") or "").strip()[:100]
    alerts = services.current(ward_id=ward_id, kind=kind, q=q)
    return render("alerts/index.html", "alerts/_list.html", alerts=alerts, kinds=KINDS, kind=kind,
                  ward_id=ward_id, q=q, wards=_wards(), archive=False)


@bp.get("/alerts/archive")
@cached_page("alerts", "places")
def archive():
    kind, q = _kind_arg(), (request.args.get("q") or "").strip()[:100]
    alerts = services.archive(kind=kind, q=q)
    return render("alerts/index.html", "alerts/_list.html", alerts=alerts, kinds=KINDS, kind=kind,
                  ward_id=None, q=q, wards=[], archive=True)


@bp.get("/alerts/<int:alert_id>")
@cached_page("alerts", "places")
def show(alert_id: int):
    alert = _load(alert_id)
    versions = services.history(alert)
    return render("alerts/show.html", alert=alert, body=render_markdown(alert.body), versions=versions,
                  latest=versions[-1], current=services.is_current(alert),
                  can_manage=permissions.can_manage_alert(current_user, alert),
                  withdraw_form=WithdrawForm())


@bp.route("/alerts/subscriptions", methods=["GET", "POST"])
@login_required
def subscriptions():
    wards = _wards()
    form = SubscriptionForm()
    form.ward.choices = choices([("city", gettext("The whole city"))] + [(str(w.id), w.name) for w in wards])
    if form.validate_on_submit():
        ward_id = None if form.ward.data == "city" else to_id(form.ward.data)
        services.set_subscriptions(current_user, ward_id, set(form.kinds.data or ()))
        flash(gettext("Your alert subscriptions are saved."), "success")
        return redirect_to(url_for("alerts.subscriptions"))
    mine = services.subscriptions(current_user)
    return render("alerts/subscriptions.html", form=form, mine=mine, kinds=KINDS, wards=wards)


# --- feeds -------------------------------------------------------------------------------

def _xml(body: bytes, mimetype: str):
    response = make_response(body)
    response.mimetype = mimetype
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


def _feed(kind: str | None, cap_index: bool = False):
    alerts = services.published_messages(kind=kind)
    updated = alerts[0].published_at if alerts else utcnow()
    if cap_index:
        title = gettext("Hanoi alerts: CAP 1.2 documents")
    elif kind:
        title = gettext("Hanoi alerts: %(kind)s", kind=kind_label(kind))
    else:
        title = gettext("Hanoi alerts")
    body = feeds.atom(alerts, title=title, self_url=request.base_url, updated=updated, cap_index=cap_index)
    return _xml(body, "application/atom+xml")


@bp.get("/alerts.atom")
def atom():
    return _feed(None)


@bp.get("/alerts/kind/<kind>.atom")
def kind_atom(kind: str):
    if kind not in set(AlertKind):
        abort(404)
    return _feed(kind)


@bp.get("/alerts/cap.atom")
def cap_index():
    return _feed(None, cap_index=True)


@bp.get("/alerts/<int:alert_id>.cap.xml")
def cap_document(alert_id: int):
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.status == AlertStatus.DRAFT:
        abort(404)
    return _xml(cap.document(alert, services.earlier_versions(alert)), "application/cap+xml")


@bp.get("/alerts/<int:alert_id>/image")
def image(alert_id: int):
    return _send_image(alert_id, thumb=False)


@bp.get("/alerts/<int:alert_id>/image/thumb")
def image_thumb(alert_id: int):
    return _send_image(alert_id, thumb=True)


def _send_image(alert_id: int, *, thumb: bool):
    from app.core.storage import get_storage

    alert = _load(alert_id)
    key = alert.image_thumb_key if thumb else alert.image_key
    if key is None:
        abort(404)
    storage = get_storage()
    if (address := storage.url(key)) is not None:
        return redirect(address, code=302)
    try:
        data = storage.open(key)
    except FileNotFoundError:
        abort(404)
    response = make_response(data)
    response.mimetype = "image/jpeg"
    response.cache_control.max_age = 7 * 24 * 3600
    if alert.status == AlertStatus.DRAFT:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    # A new photo gets a new storage key: revalidation answers 304 until it changes.
    response.set_etag(key.replace("/", "-"))
    return response.make_conditional(request)


# --- officials ---------------------------------------------------------------------------

def _store_image(alert: Alert) -> bool:
    """Attach the uploaded photo, if any; False (with a message) when it cannot be kept."""
    from app.core import images, uploads

    batch = uploads.read_photos([request.files.get("image")], kept=0, key=f"user:{current_user.id}")
    if batch.rate_limited:
        flash(uploads.rate_limited_message(), "error")
        return False
    for _name, message in batch.problems:
        flash(str(message), "error")
    if batch.problems:
        return False
    for upload in batch.uploads:
        try:
            services.set_image(alert, upload.data)
        except images.PhotoError as error:
            flash(str(error.message), "error")
            return False
    return True


def _require_writer() -> None:
    if not permissions.can_write_alerts(current_user):
        abort(403)


def _prepare(form: AlertForm) -> None:
    form.agency.choices = choices((a.id, a.name) for a in permissions.agencies_for(current_user))
    form.wards.choices = choices((w.id, w.name) for w in _wards())


def _fill(form: AlertForm, alert: Alert) -> None:
    for name in ("kind", "severity", "urgency", "certainty", "title", "title_en", "summary", "summary_en",
                 "body", "instruction", "instruction_en"):
        getattr(form, name).data = getattr(alert, name)
    if "agency" in form:
        form.agency.data = alert.agency_id
    form.area.data = "city" if alert.city_wide else "wards"
    form.wards.data = [w.id for w in alert.wards]
    form.valid_from.data = local_time(alert.valid_from)
    form.valid_until.data = local_time(alert.valid_until)


@bp.get("/alerts/manage")
@login_required
def manage():
    _require_writer()
    agency_ids = None if is_city_admin(current_user) else set(current_user.agency_ids)
    return render("alerts/manage.html", alerts=services.drafts_and_mine(current_user, agency_ids))


@bp.route("/alerts/new", methods=["GET", "POST"])
@login_required
def new_alert():
    _require_writer()
    form = AlertForm()
    _prepare(form)
    if form.validate_on_submit():
        try:
            alert = services.create_draft(current_user, form.agency.data, form.data_object())
        except services.AlertError as error:
            flash(str(MESSAGES[error.args[0]]), "error")
        else:
            _store_image(alert)
            return redirect_to(url_for("alerts.show", alert_id=alert.id))
    return render("alerts/edit.html", form=form, alert=None, mode="new")


@bp.route("/alerts/<int:alert_id>/edit", methods=["GET", "POST"])
@login_required
def edit_alert(alert_id: int):
    alert = _managed(alert_id)
    if alert.status != AlertStatus.DRAFT:
        return redirect_to(url_for("alerts.update_alert", alert_id=alert.id))
    form = AlertForm()
    _prepare(form)
    if request.method == "GET":
        _fill(form, alert)
    if form.validate_on_submit():
        alert.agency_id = form.agency.data
        try:
            services.edit_draft(alert, current_user, form.data_object())
        except services.AlertError as error:
            flash(str(MESSAGES[error.args[0]]), "error")
        else:
            _store_image(alert)
            return redirect_to(url_for("alerts.show", alert_id=alert.id))
    return render("alerts/edit.html", form=form, alert=alert, mode="edit")


@bp.post("/alerts/<int:alert_id>/publish")
@login_required
def publish_alert(alert_id: int):
    alert = _managed(alert_id)
    try:
        services.publish(alert, current_user)
    except services.AlertError as error:
        flash(str(MESSAGES[error.args[0]]), "error")
    else:
        flash(gettext("The alert is published. Subscribers are being told."), "success")
    return redirect_to(url_for("alerts.show", alert_id=alert.id))


@bp.route("/alerts/<int:alert_id>/update", methods=["GET", "POST"])
@login_required
def update_alert(alert_id: int):
    alert = _managed(alert_id)
    if alert.status != AlertStatus.PUBLISHED:
        abort(404)
    form = UpdateForm()
    _prepare(form)
    if request.method == "GET":
        _fill(form, alert)
    del form.agency  # an update stays with the issuing agency
    if form.validate_on_submit():
        try:
            new = services.update(alert, current_user, form.data_object(), form.note.data.strip())
        except services.AlertError as error:
            flash(str(MESSAGES[error.args[0]]), "error")
        else:
            _store_image(new)
            flash(gettext("The alert is updated. Subscribers are being told."), "success")
            return redirect_to(url_for("alerts.show", alert_id=new.id))
    return render("alerts/edit.html", form=form, alert=alert, mode="update")


@bp.post("/alerts/<int:alert_id>/withdraw")
@login_required
def withdraw_alert(alert_id: int):
    alert = _managed(alert_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(gettext("Please give a reason."), "error")
        return redirect_to(url_for("alerts.show", alert_id=alert.id))
    try:
        new = services.withdraw(alert, current_user, form.note.data.strip())
    except services.AlertError as error:
        flash(str(MESSAGES[error.args[0]]), "error")
        return redirect_to(url_for("alerts.show", alert_id=alert.id))
    flash(gettext("The alert is withdrawn."), "success")
    return redirect_to(url_for("alerts.show", alert_id=new.id))
