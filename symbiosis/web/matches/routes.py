"""Proposed matches: the organisation's list and dismissals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, learn_owners, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.services import listings as listing_service
from symbiosis.services import proposals
from symbiosis.web.forms import CsrfForm, safe_next
from symbiosis.web.matches.explain import sentences

bp = Blueprint("matches", __name__, url_prefix="/matches")


@bp.get("/")
@requires(Perm.ORG_MEMBER)
def index() -> ResponseReturnValue:
    page = proposals.organisation_matches(
        current_user, page=request.args.get("page", 1, type=int)
    )
    own = current_user.organisation_id
    entries = []
    learn_owners(current_user, [x for m in page.items for x in (m.offer, m.request)])
    for match in page.items:
        mine = match.offer if match.offer.organisation_id == own else match.request
        other = match.other(mine.id)
        entries.append(
            {
                "match": match,
                "mine": mine,
                "other": other,
                "shown": listing_service.shown_to(current_user, other),
                "reasons": sentences(match.reasons),
            }
        )
    return render_template(
        "matches/index.html",
        entries=entries,
        page=page,
        labels=labels,
        form=CsrfForm(),
    )


@bp.post("/<int:match_id>/dismiss")
@requires(Perm.EDIT_LISTING)
def dismiss_submit(match_id: int) -> ResponseReturnValue:
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        proposals.dismiss(current_user, match_id, request.form.get("reason"))
    except NotAllowed:
        abort(404)
    except FieldErrors as errors:
        flash(errors.errors[0][1], "danger")
    else:
        flash(_("The match is dismissed; it will not be proposed again."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("matches.index"))
