"""Zones: directory, zone page, diagnostic, manager's queue, location corrections."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, can, ensure, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Organisation, Zone
from symbiosis.services import diagnostic as diagnostic_service
from symbiosis.services import proposals, zone_overview
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


def _detail_page(
    zone: Zone,
    form: LocationForm | None,
    pools: list[dict[str, Any]],
    status: int = 200,
) -> ResponseReturnValue:
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.zone_id == zone.id)
        .order_by(Organisation.name_key)
    ).all()
    return render_template(
        "zones/detail.html",
        zone=zone,
        orgs=orgs,
        form=form,
        pools=pools,
        labels=labels,
        overview=zone_overview.overview(current_user, zone),
    ), status


@bp.get("/<int:zone_id>")
@requires(Perm.SIGNED_IN)
def detail(zone_id: int) -> ResponseReturnValue:
    zone = db.get_or_404(Zone, zone_id)
    manager = can(current_user, Perm.MANAGE_ZONE, zone)
    form = LocationForm(obj=zone) if manager else None
    pools = proposals.pooling_for(zone.id) if manager else []
    return _detail_page(zone, form, pools)


def _diagnostic_of(zone_id: int) -> diagnostic_service.Diagnostic:
    zone = db.get_or_404(Zone, zone_id)
    ensure(Perm.MANAGE_ZONE, zone)
    return diagnostic_service.diagnostic(current_user, zone)


@bp.get("/<int:zone_id>/diagnostic")
@requires(Perm.MANAGE_ZONE)
def diagnostic(zone_id: int) -> ResponseReturnValue:
    diag = _diagnostic_of(zone_id)
    return render_template(
        "zones/diagnostic.html",
        diag=diag,
        zone=diag.zone,
        charts=diag.charts(),
        labels=labels,
    )


@bp.get("/<int:zone_id>/diagnostic.csv")
@requires(Perm.MANAGE_ZONE)
def diagnostic_csv(zone_id: int) -> ResponseReturnValue:
    diag = _diagnostic_of(zone_id)
    return Response(
        diagnostic_service.to_csv(diag),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f"attachment; filename={diag.zone.slug}-diagnostic.csv"
            )
        },
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
    return _detail_page(zone, form, [], status=400)


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
