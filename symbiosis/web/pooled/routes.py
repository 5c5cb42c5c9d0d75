"""Pooled services: list, propose (also from a pooling suggestion), decide, enrol."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, requires
from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import PooledService, Zone
from symbiosis.services import pooled as service
from symbiosis.services import proposals
from symbiosis.web.forms import CsrfForm
from symbiosis.web.pooled.forms import EnrolForm, ServiceForm, StepForm, WasteForm
from symbiosis.workflow.pooled import STEPS, PoolState, Role
from symbiosis.workflow.pooled_categories import CATEGORIES

bp = Blueprint("pooled", __name__, url_prefix="/pooled")


@bp.app_context_processor
def _zone_helpers() -> dict[str, Any]:
    """``pooled_in_zone(zone_id)`` for the zone page's section."""
    return {
        "pooled_in_zone": lambda zone_id: service.visible(current_user, zone_id=zone_id)
    }


def _load(service_id: int) -> PooledService:
    try:
        return service.get(current_user, service_id)
    except NotAllowed:
        abort(404)


def _practices(category: str) -> list[Any]:
    try:
        from symbiosis.services.practices import practices_for_category
    except ImportError:  # pragma: no cover - the library ships with the app
        return []
    return list(practices_for_category(category))


@bp.get("/")
@requires(Perm.SIGNED_IN)
def index() -> ResponseReturnValue:
    zone_id = request.args.get("zone", type=int)
    state = request.args.get("state") or None
    category = request.args.get("category") or None
    rows = service.visible(
        current_user,
        zone_id=zone_id,
        state=state if state in tuple(PoolState) else None,
        category=category if category in CATEGORIES else None,
    )
    zones = db.session.scalars(sa.select(Zone).order_by(Zone.name)).all()
    return render_template(
        "pooled/index.html",
        rows=rows,
        zones=zones,
        zone_id=zone_id,
        state=state,
        category=category,
        labels=labels,
    )


def _zones_for(user: Any) -> list[Zone]:
    """Zones where ``user`` may propose: their organisation's, those they run."""
    if user.is_facilitator:
        return list(db.session.scalars(sa.select(Zone).order_by(Zone.name)))
    zones = list(user.managed_zones)
    org = user.organisation if user.is_org_member else None
    if org is not None and org.zone is not None and org.zone not in zones:
        zones.insert(0, org.zone)
    return zones


def _guess_category(kind: str, key: str) -> str:
    if key.startswith(("service.mobility", "service.transport", "service.parking")):
        return "mobility"
    if key.startswith(("service.equipment", "equipment", "service.storage")):
        return "shared_equipment"
    if key.startswith(("energy", "fuel", "gas.")):
        return "energy"
    if key.startswith("service"):
        return "other"
    return "waste_collection" if kind == "offer" else "joint_purchasing"


def _prefill(form: ServiceForm, zone_id: int, key: str, kind: str) -> None:
    """Fill the form from the matcher's pooling suggestion ``key`` of the zone."""
    for group in proposals.pooling_for(zone_id):
        if group["key"] == key and group["kind"] == kind:
            category = _guess_category(kind, key)
            form.category.data = category
            form.title.data = _(
                "%(category)s: %(material)s",
                category=labels.POOL_CATEGORY[category],
                material=group["label"],
            )
            lines = [f"- {listing.title}" for listing in group["listings"]]
            form.description.data = "\n".join(
                [
                    _(
                        "%(n)d organisations of the zone listed the same need or "
                        "resource:",
                        n=group["organisations"],
                    ),
                    *lines,
                ]
            )
            form.target_participants.data = str(group["organisations"])
            form.source_key.data = key
            return


@bp.route("/new", methods=["GET", "POST"])
@requires(Perm.PROPOSE_POOLED)
def new() -> ResponseReturnValue:
    zones = _zones_for(current_user)
    if not zones:
        flash(_("Your organisation has no zone yet: ask to join one first."), "warning")
        return redirect(url_for(".index"))
    form = ServiceForm()
    form.zone.choices = [(z.id, z.name) for z in zones]
    if request.method == "GET":
        zone_id = request.args.get("zone", type=int) or zones[0].id
        form.zone.data = zone_id
        key, kind = request.args.get("key"), request.args.get("kind")
        if key and kind:
            _prefill(form, zone_id, key, kind)
    elif form.validate_on_submit():
        zone = next((z for z in zones if z.id == form.zone.data), None)
        if zone is None:
            form.zone.errors = [_("Choose one of your zones.")]
        else:
            try:
                created = service.propose(
                    current_user,
                    zone,
                    form.raw(),
                    source_key=form.source_key.data,
                    locale=str(get_locale()),
                )
            except FieldErrors as errors:
                errors.apply_to(form)
            except NotAllowed as refusal:
                form.zone.errors = [refusal.message]
            else:
                flash(
                    _("The pooled service is proposed to the zone's manager."),
                    "success",
                )
                return redirect(url_for(".detail", service_id=created.id))
    status = 422 if request.method == "POST" else 200
    return render_template("pooled/form.html", form=form, labels=labels), status


@bp.get("/<int:service_id>")
@requires(Perm.SIGNED_IN)
def detail(service_id: int) -> ResponseReturnValue:
    return _render(_load(service_id))


def _render(pool: PooledService, **forms: Any) -> ResponseReturnValue:
    actions = service.actions_for(current_user, pool)
    roles = service.roles_of(current_user, pool.zone_id)
    mine = service.my_participation(current_user, pool)
    return render_template(
        "pooled/detail.html",
        pool=pool,
        steps=[a for a in actions if a in STEPS],
        can_enrol=Role.ZONE_MEMBER in roles and "enrol" in actions,
        mine=mine if mine is not None and mine.left_at is None else None,
        census=service.census(pool) if pool.category == "waste_collection" else [],
        practices=_practices(pool.category),
        step=forms.get("step") or StepForm(),
        enrol=EnrolForm(commitment=mine.commitment if mine else "interested"),
        waste=forms.get("waste") or WasteForm(unit="t", frequency="yearly"),
        form=CsrfForm(),
        failed=forms.get("failed"),
        labels=labels,
    ), (422 if forms else 200)


@bp.post("/<int:service_id>/step/<action>")
@requires(Perm.MANAGE_ZONE)
def step(service_id: int, action: str) -> ResponseReturnValue:
    pool = _load(service_id)
    form = StepForm()
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    try:
        service.act(
            current_user,
            pool.id,
            action,
            form.version.data,
            {"reason": form.reason.data},
        )
    except (InvalidTransition, StaleObject) as refusal:
        flash(refusal.message, "warning")
    except Forbidden:
        abort(403)
    except FieldErrors as errors:
        db.session.refresh(pool)
        errors.apply_to(form)
        return _render(pool, step=form, failed=action)
    else:
        flash(_("Done: %(what)s.", what=labels.pool_action_label(action)), "success")
    return redirect(url_for(".detail", service_id=pool.id))


@bp.post("/<int:service_id>/enrol")
@requires(Perm.ORG_MEMBER)
def enrol(service_id: int) -> ResponseReturnValue:
    pool = _load(service_id)
    form = EnrolForm()
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    try:
        service.enrol(current_user, pool.id, form.commitment.data or "interested")
    except Forbidden:
        abort(403)
    except (InvalidTransition, FieldErrors) as refusal:
        flash(refusal.message, "warning")
    else:
        flash(_("Your organisation is enrolled."), "success")
    return redirect(url_for(".detail", service_id=pool.id))


@bp.post("/<int:service_id>/leave")
@requires(Perm.ORG_MEMBER)
def leave(service_id: int) -> ResponseReturnValue:
    pool = _load(service_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        service.leave(current_user, pool.id)
    except Forbidden:
        abort(403)
    except InvalidTransition as refusal:
        flash(refusal.message, "warning")
    else:
        flash(_("Your organisation has left this service."), "success")
    return redirect(url_for(".detail", service_id=pool.id))


@bp.post("/<int:service_id>/census")
@requires(Perm.ORG_MEMBER)
def census(service_id: int) -> ResponseReturnValue:
    pool = _load(service_id)
    form = WasteForm()
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    try:
        service.declare_waste(current_user, pool.id, form.raw())
    except FieldErrors as errors:
        errors.apply_to(form)
        return _render(pool, waste=form, failed="census")
    flash(_("Waste declared."), "success")
    return redirect(url_for(".detail", service_id=pool.id) + "#census")


@bp.post("/<int:service_id>/census/<int:line_id>/delete")
@requires(Perm.ORG_MEMBER)
def census_delete(service_id: int, line_id: int) -> ResponseReturnValue:
    pool = _load(service_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        service.remove_waste(current_user, pool.id, line_id)
    except NotAllowed:
        abort(404)
    return redirect(url_for(".detail", service_id=pool.id) + "#census")
