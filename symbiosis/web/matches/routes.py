"""Proposed matches: the organisation's list and dismissals."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, learn_owners, requires
from symbiosis.errors import FieldErrors, Forbidden, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.models import Match
from symbiosis.services import listings as listing_service
from symbiosis.services import proposals
from symbiosis.web.forms import CsrfForm, safe_next
from symbiosis.web.matches.explain import sentences

bp = Blueprint("matches", __name__, url_prefix="/matches")


def own_entries(matches: list[Match]) -> list[dict[str, Any]]:
    """Each match of the user's organisation from its side: our listing, the
    other one and what the user may see of its firm, and the reasons."""
    own = current_user.organisation_id
    learn_owners(current_user, [x for m in matches for x in (m.offer, m.request)])
    entries = []
    for match in matches:
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
    return entries


def by_listing(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's matches found the same day, gathered under our listing (a
    matching run finds many at once, seconds apart): the days newest first,
    the listings as their newest match comes, each listing's best first."""
    groups: dict[tuple[date, int], list[dict[str, Any]]] = {}
    for entry in entries:
        found = entry["match"].created_at
        groups.setdefault((found.date(), entry["mine"].id), []).append(entry)
    return [
        entry
        for day in sorted({day for day, _mine in groups}, reverse=True)
        for (on, _mine), group in groups.items()
        if on == day
        for entry in sorted(group, key=lambda e: -e["match"].score)
    ]


@bp.get("/")
@requires(Perm.ORG_MEMBER)
def index() -> ResponseReturnValue:
    page = proposals.organisation_matches(
        current_user, page=request.args.get("page", 1, type=int)
    )
    entries = by_listing(own_entries(page.items))
    return render_template(
        "matches/index.html",
        entries=entries,
        page=page,
        labels=labels,
        form=CsrfForm(),
    )


@bp.get("/dismissed")
@requires(Perm.ORG_MEMBER)
def dismissed() -> ResponseReturnValue:
    """What the organisation dismissed, to propose again what was a mistake."""
    page = proposals.dismissed_matches(
        current_user, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "matches/dismissed.html",
        entries=own_entries(page.items),
        page=page,
        labels=labels,
        form=CsrfForm(),
    )


@bp.post("/<int:match_id>/restore")
@requires(Perm.EDIT_LISTING)
def restore_submit(match_id: int) -> ResponseReturnValue:
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        proposals.restore(current_user, match_id)
    except NotAllowed:
        abort(404)
    except Forbidden as refusal:
        flash(refusal.message, "danger")
    else:
        flash(_("The match is proposed again."), "success")
    return redirect(url_for("matches.dismissed"))


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
