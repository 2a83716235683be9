"""Wards and agencies: switch wards on and off, keep each ward's centre, keep the list of city
agencies (city admins)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.admin.forms import AgencyNamesForm, NewAgencyForm, WardCentreForm
from app.audit import services as audit
from app.auth.decorators import require
from app.auth.forms import invalid_status
from app.auth.permissions import can_administer
from app.core.htmx import redirect_to, render
from app.extensions import db
from app.places import services as place_services
from app.places.models import Agency, Ward


def _centre_form(ward: Ward) -> WardCentreForm:
    form = WardCentreForm(formdata=None, prefix=f"ward{ward.id}")
    if ward.centre is not None:
        form.lat.data, form.lon.data = f"{ward.centre_lat:.6f}", f"{ward.centre_lon:.6f}"
    return form


def _render(*, new_form: NewAgencyForm | None = None, edit_forms: dict | None = None,
            centre_forms: dict | None = None, status: int = 200):
    wards = db.session.scalars(sa.select(Ward).order_by(Ward.name)).all()
    agencies = db.session.scalars(sa.select(Agency).order_by(Agency.code)).all()
    forms = {a.id: AgencyNamesForm(formdata=None, obj=a, prefix=f"agency{a.id}") for a in agencies}
    forms.update(edit_forms or {})
    centres = {w.id: _centre_form(w) for w in wards}
    centres.update(centre_forms or {})
    response = render("admin/places.html", wards=wards, agencies=agencies, agency_forms=forms,
                      centre_forms=centres, new_form=new_form or NewAgencyForm(formdata=None))
    response.status_code = status
    return response


@bp.get("/places")
@require(can_administer)
def places():
    return _render()


@bp.post("/places/wards/<int:ward_id>/active")
@require(can_administer)
def toggle_ward(ward_id: int):
    ward = db.session.get(Ward, ward_id) or abort(404)
    ward.active = not ward.active
    audit.record("ward.activated" if ward.active else "ward.deactivated", ward, codename=ward.codename)
    flash(_("%(name)s is now active.", name=ward.name) if ward.active
          else _("%(name)s is now inactive: citizens can no longer choose it.", name=ward.name), "success")
    return redirect_to(url_for("admin.places"))


@bp.post("/places/wards/<int:ward_id>/centre")
@require(can_administer)
def set_ward_centre(ward_id: int):
    ward = db.session.get(Ward, ward_id) or abort(404)
    form = WardCentreForm(prefix=f"ward{ward.id}")
    if not form.validate_on_submit():
        return _render(centre_forms={ward.id: form}, status=invalid_status())
    lat, lon = form.centre
    if place_services.set_centre(ward, lat, lon):
        flash(_("Centre of %(name)s saved.", name=ward.name) if lat is not None
              else _("Centre of %(name)s cleared.", name=ward.name), "success")
    return redirect_to(url_for("admin.places") + f"#ward-{ward.id}")


@bp.post("/places/agencies")
@require(can_administer)
def create_agency():
    form = NewAgencyForm()
    if not form.validate_on_submit():
        return _render(new_form=form, status=invalid_status())
    if db.session.scalar(sa.select(Agency.id).where(Agency.code == form.code.data)):
        form.code.errors.append(_("Another agency already has this code."))
        return _render(new_form=form, status=invalid_status())
    agency = Agency(code=form.code.data, name=form.name.data.strip(), name_en=form.name_en.data.strip())
    db.session.add(agency)
    audit.record("agency.created", agency, code=agency.code)
    flash(_("Agency added."), "success")
    return redirect_to(url_for("admin.places"))


@bp.post("/places/agencies/<int:agency_id>")
@require(can_administer)
def update_agency(agency_id: int):
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = AgencyNamesForm(prefix=f"agency{agency.id}")
    if not form.validate_on_submit():
        return _render(edit_forms={agency.id: form}, status=invalid_status())
    name, name_en = form.name.data.strip(), form.name_en.data.strip()
    if (name, name_en) != (agency.name, agency.name_en):
        agency.name, agency.name_en = name, name_en
        audit.record("agency.renamed", agency, code=agency.code)
        flash(_("Agency renamed."), "success")
    return redirect_to(url_for("admin.places"))


@bp.post("/places/agencies/<int:agency_id>/active")
@require(can_administer)
def toggle_agency(agency_id: int):
    agency = db.session.get(Agency, agency_id) or abort(404)
    agency.active = not agency.active
    audit.record("agency.activated" if agency.active else "agency.deactivated", agency, code=agency.code)
    flash(_("Agency activated.") if agency.active else _("Agency deactivated."), "success")
    return redirect_to(url_for("admin.places"))
