"""The records behind a dashboard figure, and their verification.

``/monitoring/records?figure=impact.delivered&key=t&zone=…&from=…&to=…``
lists, page by page, what the figure counts or sums. Names of organisations
follow the anonymity rules of listings; agreements link to their page only for
those who may open it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, learn_owners, requires
from symbiosis.errors import NotAllowed
from symbiosis.i18n import gettext
from symbiosis.models import Listing
from symbiosis.services import impacts, listings, stats_records
from symbiosis.services.stats_sql import Scope
from symbiosis.web.monitoring.routes import bp, selection, selection_args


def _title(figure: str, key: str | None) -> str:
    titles = {
        "listings.posted": gettext("Listings posted"),
        "listings.active": gettext("Active listings"),
        "matches.proposed": gettext("Matches proposed"),
        "matches.dismissed": gettext("Matches dismissed"),
        "agreements": gettext("Agreements proposed"),
    }
    if figure.startswith("impact."):
        level = figure.partition(".")[2]
        return gettext("Impact, %(level)s", level=labels.EVIDENCE_LEVEL[level]) + (
            f" ({labels.UNIT.get(key, key)})" if key else ""
        )
    title = titles[figure]
    if key and figure.startswith("listings."):
        title += f": {labels.RESOURCE.get(key, key)}"
    elif key and figure == "agreements":
        title += f": {labels.AGREEMENT_STATE.get(key, key)}"
    elif key is not None and figure == "matches.dismissed":
        title += f": {key or gettext('No reason given')}"
    return title


@bp.get("/records")
@requires(Perm.VIEW_STATS)
def records() -> ResponseReturnValue:
    figure = request.args.get("figure", "")
    if figure not in stats_records.FIGURES:
        abort(404)
    zone, start, end, errors = selection()
    if errors:
        abort(422)
    key = request.args.get("key")
    page = request.args.get("page", 1, type=int) or 1
    found = stats_records.records(
        Scope(zone.id if zone else None, start, end), figure, key, page
    )
    args = selection_args(zone, start, end)
    learn_owners(current_user, _listings_of(found.items))
    return render_template(
        "monitoring/records.html",
        found=found,
        title=_title(figure, key),
        zone=zone,
        start=start,
        end=end,
        args=args,
        key=key,
        labels=labels,
        shown_to=listings.shown_to,
        back=url_for("monitoring.dashboard", **args),
    )


def _listings_of(items: list[Any]) -> list[Listing]:
    """The listings a page of records shows: the records themselves, or the
    offer and request of each match or agreement."""
    sides = (
        (item,) if isinstance(item, Listing) else (getattr(item, "offer", None),
                                                   getattr(item, "request", None))
        for item in items
    )  # fmt: skip
    return [x for pair in sides for x in pair if isinstance(x, Listing)]


@bp.post("/impacts/<int:record_id>/verify")
@requires(Perm.FACILITATOR)
def verify(record_id: int) -> ResponseReturnValue:
    """Mark one delivered impact record as checked against its evidence."""
    try:
        impacts.verify_impact(current_user, record_id)
    except NotAllowed:
        abort(404)
    flash(gettext("The record is verified."), "success")
    target = request.form.get("next", "")
    if not target.startswith("/monitoring/"):
        target = url_for("monitoring.dashboard")
    return redirect(target)
