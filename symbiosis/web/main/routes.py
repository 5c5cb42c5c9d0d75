"""Home page, language switch and notifications (probes: ``web/health.py``)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, can, public, requires
from symbiosis.extensions import db
from symbiosis.models import Organisation, OrgRole, User
from symbiosis.services import accounts, home, invitations, notify, zones
from symbiosis.web.agreements.parties import party_name
from symbiosis.web.events.pages import hhmm
from symbiosis.web.forms import CsrfForm, safe_next
from symbiosis.web.matches.routes import own_entries

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        counts = {
            "organisations": db.session.scalar(
                sa.select(sa.func.count(Organisation.id))
            ),
            "zones": db.session.scalar(
                sa.select(sa.func.count(sa.distinct(Organisation.zone_id)))
            ),
        }
        return render_template("main/welcome.html", counts=counts)
    tasks: dict[str, object] = {}
    org = current_user.organisation
    if org is not None and can(current_user, Perm.MANAGE_ORG_MEMBERS, org):
        tasks["pending_members"] = db.session.scalars(
            sa.select(User).where(
                User.organisation_id == org.id, User.org_role == OrgRole.PENDING
            )
        ).all()
        tasks["expired_invitations"] = invitations.expired(org)
    if can(current_user, Perm.MANAGE_ZONE):
        tasks["zone_requests"] = zones.pending_requests(current_user)
    overview = home.overview(current_user)
    return render_template(
        "main/home.html",
        org=org,
        tasks=tasks,
        overview=overview,
        new_matches=own_entries(overview.new_matches.rows),
        labels=labels,
        party_name=party_name,
        hhmm=hhmm,
    )


@bp.post("/language")
@public
def set_language() -> ResponseReturnValue:
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            accounts.update_profile(
                current_user, full_name=current_user.full_name, locale=lang
            )
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.get("/notifications")
@requires(Perm.SIGNED_IN)
def notifications() -> ResponseReturnValue:
    return render_template(
        "main/notifications.html", items=notify.recent(current_user), form=CsrfForm()
    )


@bp.get("/notifications/<int:notification_id>")
@requires(Perm.SIGNED_IN)
def notification_open(notification_id: int) -> ResponseReturnValue:
    """Follow a notification's link, marking it read on the way."""
    note = notify.open_one(current_user, notification_id)
    if note is None:
        abort(404)
    return redirect(safe_next(note.link) or url_for("main.notifications"))


@bp.post("/notifications/read")
@requires(Perm.SIGNED_IN)
def notifications_read() -> ResponseReturnValue:
    if CsrfForm().validate_on_submit():
        notify.mark_all_read(current_user)
    return redirect(url_for("main.notifications"))
