"""Facilitator tools: people and zone managers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from symbiosis.authz import Perm, requires
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import User, Zone
from symbiosis.services import zones as zone_service
from symbiosis.web.forms import CsrfForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires(Perm.FACILITATOR)
def users() -> ResponseReturnValue:
    query = sa.select(User).order_by(User.email)
    q = request.args.get("q", "").strip().lower()[:100]
    if q:
        query = query.where(User.email.contains(q, autoescape=True))
    page = db.paginate(
        query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False
    )
    return render_template("admin/users.html", page=page, q=q)


@bp.get("/zones")
@requires(Perm.FACILITATOR)
def zones() -> ResponseReturnValue:
    all_zones = db.session.scalars(sa.select(Zone).order_by(Zone.name)).all()
    return render_template("admin/zones.html", zones=all_zones, form=CsrfForm())


@bp.post("/zones/<int:zone_id>/managers")
@requires(Perm.FACILITATOR)
def manager_submit(zone_id: int) -> ResponseReturnValue:
    zone = db.get_or_404(Zone, zone_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    email = request.form.get("email", "").strip().lower()[:254]
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        flash(_("No account has the e-mail %(email)s.", email=email), "danger")
    else:
        add = request.form.get("action") != "remove"
        zone_service.set_manager(zone, user, manager=add)
        flash(
            _("The managers of %(zone)s are updated.", zone=zone.short_name), "success"
        )
    return redirect(url_for("admin.zones"))
