"""Organisation directory, profiles, members and zone requests."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from symbiosis.authz import Perm, can, ensure, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.matching.normalise import fold
from symbiosis.models import Organisation, OrgKind, Zone
from symbiosis.models.base import utcnow
from symbiosis.services import invitations, organisations
from symbiosis.web.choices import nace_choices, sdg_choices, zone_choices
from symbiosis.web.forms import CsrfForm
from symbiosis.web.orgs.forms import InviteForm, OrganisationForm, ZoneRequestForm

bp = Blueprint("orgs", __name__, url_prefix="/organisations")


def _get(org_id: int) -> Organisation:
    return db.get_or_404(Organisation, org_id)


@bp.get("/")
@requires(Perm.SIGNED_IN)
def index() -> ResponseReturnValue:
    query = sa.select(Organisation).order_by(Organisation.name_key)
    q = request.args.get("q", "").strip()[:100]
    if q:
        query = query.where(Organisation.name_key.contains(fold(q), autoescape=True))
    kind = request.args.get("kind", "")
    if kind in tuple(OrgKind):
        query = query.where(Organisation.kind == kind)
    zone_id = request.args.get("zone", type=int)
    if zone_id:
        query = query.where(Organisation.zone_id == zone_id)
    page = db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=25,
        error_out=False,
    )
    zones = db.session.scalars(sa.select(Zone).order_by(Zone.name)).all()
    return render_template(
        "orgs/index.html", page=page, q=q, kind=kind, zone_id=zone_id, zones=zones
    )


@bp.get("/<int:org_id>")
@requires(Perm.SIGNED_IN)
def detail(org_id: int) -> ResponseReturnValue:
    org = _get(org_id)
    private = can(current_user, Perm.VIEW_ORG_PRIVATE, org)
    zone_form = None
    if can(current_user, Perm.MANAGE_ORG, org):
        zone_form = ZoneRequestForm()
        zone_form.zone.choices = zone_choices(_("— choose a zone —"))
    return render_template(
        "orgs/detail.html",
        org=org,
        members=organisations.members(org) if private else [],
        zone_form=zone_form,
    )


def _profile_form(org: Organisation) -> OrganisationForm:
    form = OrganisationForm(obj=org)
    form.nace_code.choices = nace_choices()
    form.sdgs.choices = sdg_choices()
    if request.method == "GET":
        form.sdgs.data = [s.number for s in org.sdgs]
    return form


@bp.get("/<int:org_id>/edit")
@requires(Perm.MANAGE_ORG)
def edit(org_id: int) -> ResponseReturnValue:
    org = _get(org_id)
    ensure(Perm.MANAGE_ORG, org, hide=True)
    return render_template("orgs/edit.html", org=org, form=_profile_form(org))


@bp.post("/<int:org_id>/edit")
@requires(Perm.MANAGE_ORG)
def edit_submit(org_id: int) -> ResponseReturnValue:
    org = _get(org_id)
    ensure(Perm.MANAGE_ORG, org, hide=True)
    form = _profile_form(org)
    if form.validate_on_submit():
        try:
            organisations.update_profile(
                org,
                organisations.Profile(
                    name=form.name.data or "",
                    kind=form.kind.data or "",
                    nace_code=form.nace_code.data or None,
                    description=form.description.data,
                    website=form.website.data,
                    street=form.street.data,
                    postcode=form.postcode.data,
                    locality=form.locality.data,
                    lat=form.lat.data,
                    lon=form.lon.data,
                    sdgs=form.sdgs.data or [],
                ),
            )
        except FieldErrors as errors:
            db.session.rollback()
            errors.apply_to(form)
        else:
            flash(_("The profile is saved."), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    return render_template("orgs/edit.html", org=org, form=form), 400


@bp.post("/<int:org_id>/zone-request")
@requires(Perm.MANAGE_ORG)
def zone_request_submit(org_id: int) -> ResponseReturnValue:
    org = _get(org_id)
    ensure(Perm.MANAGE_ORG, org, hide=True)
    form = ZoneRequestForm()
    if form.validate_on_submit():
        try:
            organisations.request_zone(org, form.zone.data or 0, current_user)
        except FieldErrors as errors:
            flash(errors.errors[0][1], "danger")
        else:
            flash(_("Your request was sent to the zone's manager."), "success")
    else:
        flash(_("Choose a zone."), "danger")
    return redirect(url_for("orgs.detail", org_id=org.id))


@bp.get("/<int:org_id>/members")
@requires(Perm.MANAGE_ORG_MEMBERS)
def members(org_id: int) -> ResponseReturnValue:
    org = _get(org_id)
    ensure(Perm.MANAGE_ORG_MEMBERS, org, hide=True)
    return _members_page(org, InviteForm(formdata=None))


def _members_page(
    org: Organisation, invite: InviteForm, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "orgs/members.html",
        org=org,
        members=organisations.members(org),
        invitations=invitations.open_invitations(org),
        now=utcnow(),
        form=CsrfForm(),
        invite=invite,
    ), status


@bp.post("/<int:org_id>/invitations")
@requires(Perm.MANAGE_ORG_MEMBERS)
def invite_submit(org_id: int) -> ResponseReturnValue:
    org = _get(org_id)
    ensure(Perm.MANAGE_ORG_MEMBERS, org, hide=True)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            sent = invitations.invite(
                org, form.email.data or "", current_user, str(get_locale() or "fr")
            )
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(
                _("The invitation is on its way to %(email)s.", email=sent.email),
                "success",
            )
            return redirect(url_for("orgs.members", org_id=org.id))
    return _members_page(org, form, 400)


@bp.post("/<int:org_id>/invitations/<int:invitation_id>/<action>")
@requires(Perm.MANAGE_ORG_MEMBERS)
def invitation_action_submit(
    org_id: int, invitation_id: int, action: str
) -> ResponseReturnValue:
    """Send an open invitation again, or withdraw it."""
    org = _get(org_id)
    ensure(Perm.MANAGE_ORG_MEMBERS, org, hide=True)
    invitation = invitations.find(org, invitation_id)
    if invitation is None or action not in {"resend", "withdraw"}:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        if action == "resend":
            invitations.send_again(invitation, current_user, str(get_locale() or "fr"))
        else:
            invitations.withdraw(invitation, current_user)
    except NotAllowed as error:
        flash(error.message, "danger")
    else:
        done = (
            _("A new link is on its way to %(email)s.", email=invitation.email)
            if action == "resend"
            else _("The invitation to %(email)s is withdrawn.", email=invitation.email)
        )
        flash(done, "success")
    return redirect(url_for("orgs.members", org_id=org.id) + "#invitations")


@bp.post("/<int:org_id>/members/<int:user_id>/<action>")
@requires(Perm.MANAGE_ORG_MEMBERS)
def member_action_submit(org_id: int, user_id: int, action: str) -> ResponseReturnValue:
    org = _get(org_id)
    ensure(Perm.MANAGE_ORG_MEMBERS, org, hide=True)
    if action not in {"accept", "refuse", "promote", "demote", "remove"}:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        user = organisations.change_member(org, user_id, action, current_user)
    except NotAllowed as error:
        flash(error.message, "danger")
    else:
        flash(_("Done: %(name)s.", name=user.full_name), "success")
    return redirect(url_for("orgs.members", org_id=org.id))
