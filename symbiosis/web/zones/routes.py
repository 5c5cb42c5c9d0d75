"""Zones: directory, manager's queue of requests, location corrections."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, can, ensure, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.models import Organisation, Zone
from symbiosis.services import proposals
from symbiosis.services import zones as zone_service
from symbiosis.web.zones.forms import DecisionForm, LocationForm

bp = Blueprint("zones", __name__, url_prefix="/zones")


@bp.get("/")
@requires(Perm.SIGNED_IN)
def index() -> ResponseReturnValue:
    counts = dict(
        db.session.execute(
            sa.select(Organisation.zone_id, sa.func.count(Organisation.id)).group_by(
                Organisation.zone_id
            )
        ).all()
    )
    zones = db.session.scalars(sa.select(Zone).order_by(Zone.name)).all()
    return render_template("zones/index.html", zones=zones, counts=counts)


@bp.get("/<int:zone_id>")
@requires(Perm.SIGNED_IN)
def detail(zone_id: int) -> ResponseReturnValue:
    zone = db.get_or_404(Zone, zone_id)
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.zone_id == zone.id)
        .order_by(Organisation.name_key)
    ).all()
    manager = can(current_user, Perm.MANAGE_ZONE, zone)
    form = LocationForm(obj=zone) if manager else None
    pools = proposals.pooling_for(zone.id) if manager else []
    return render_template(
        "zones/detail.html", zone=zone, orgs=orgs, form=form, pools=pools, labels=labels
    )


@bp.post("/<int:zone_id>/location")
@requires(Perm.MANAGE_ZONE)
def location_submit(zone_id: int) -> ResponseReturnValue:
    zone = db.get_or_404(Zone, zone_id)
    ensure(Perm.MANAGE_ZONE, zone)
    form = LocationForm()
    if form.validate_on_submit():
        try:
            zone_service.update_location(
                zone, lat=float(form.lat.data or 0), lon=float(form.lon.data or 0)
            )
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("The zone's point is saved."), "success")
            return redirect(url_for("zones.detail", zone_id=zone.id))
    orgs = db.session.scalars(
        sa.select(Organisation).where(Organisation.zone_id == zone.id)
    ).all()
    return render_template(
        "zones/detail.html", zone=zone, orgs=orgs, form=form, pools=[], labels=labels
    ), 400


@bp.get("/requests")
@requires(Perm.MANAGE_ZONE)
def requests() -> ResponseReturnValue:
    return render_template(
        "zones/requests.html",
        requests=zone_service.pending_requests(current_user),
        form=DecisionForm(),
    )


@bp.post("/requests/<int:request_id>")
@requires(Perm.MANAGE_ZONE)
def decide_submit(request_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            zone_service.decide(
                request_id,
                by=current_user,
                approve=form.decision.data == "approve",
                reason=form.reason.data,
            )
        except FieldErrors as errors:
            errors.apply_to(form)
        except NotAllowed as error:
            flash(error.message, "danger")
            return redirect(url_for("zones.requests"))
        else:
            flash(_("The decision is recorded."), "success")
            return redirect(url_for("zones.requests"))
    return render_template(
        "zones/requests.html",
        requests=zone_service.pending_requests(current_user),
        form=form,
        failed_request=request_id,
    ), 400
