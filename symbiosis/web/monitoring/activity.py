"""The activity log: important actions of the network, for facilitators only."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.models import ActivityEntry, Organisation, Zone
from symbiosis.models.base import as_utc
from symbiosis.services import activity, activity_table

bp = Blueprint("activity", __name__, url_prefix="/monitoring")

# Where a subject of the log is shown: (endpoint, name of its id argument).
SUBJECT_PAGES = {
    "agreement": ("agreements.detail", "agreement_id"),
    "pooled_service": ("pooled.detail", "service_id"),
    "listing": ("listings.detail", "listing_id"),
    "organisation": ("orgs.detail", "org_id"),
}


def _filters() -> tuple[activity.Filters | None, dict[str, str]]:
    try:
        return activity.parse_filters(request.args), {}
    except FieldErrors as problems:
        return None, dict(problems.errors)


def _page_context(filters: activity.Filters | None) -> dict[str, Any]:
    actions = activity.known_actions()
    return {
        "filters": filters or activity.Filters(),
        "kinds": [
            (kind, [a for a in actions if a.startswith(f"{kind}.")])
            for kind in activity.KINDS
        ],
        "zones": db.session.scalars(sa.select(Zone).order_by(Zone.name)).all(),
        "organisations": db.session.execute(
            sa.select(Organisation.id, Organisation.name).order_by(
                Organisation.name_key
            )
        ).all(),
        "labels": labels,
        "utc": as_utc,
    }


def _link(entry: ActivityEntry, names: dict[tuple[str, int], str]) -> str | None:
    """The page of the entry's subject, when it has one and still exists."""
    page = SUBJECT_PAGES.get(entry.subject_type or "")
    key = (entry.subject_type or "", entry.subject_id or 0)
    if page is None or key not in names:
        return None
    endpoint, argument = page
    values: dict[str, Any] = {argument: entry.subject_id}
    return url_for(endpoint, **values)


def _refused(errors: dict[str, str]) -> ResponseReturnValue:
    """The page with the errors next to their fields, and no entries (422)."""
    return render_template(
        "monitoring/activity.html",
        errors=errors,
        page=None,
        values=request.args.to_dict(),
        **_page_context(None),
    ), 422


@bp.get("/activity")
@requires(Perm.VIEW_ACTIVITY)
def index() -> ResponseReturnValue:
    filters, errors = _filters()
    if filters is None:
        return _refused(errors)
    page = activity.page(filters, request.args.get("page", 1, type=int) or 1)
    names = activity_table.subject_names(page.items)
    return render_template(
        "monitoring/activity.html",
        errors={},
        page=page,
        values=filters.as_args(),
        names=names,
        link=lambda entry: _link(entry, names),
        **_page_context(filters),
    )


@bp.get("/activity.csv")
@requires(Perm.VIEW_ACTIVITY)
def csv() -> ResponseReturnValue:
    filters, errors = _filters()
    if filters is None:
        return _refused(errors)
    rows = list(activity.entries(filters))
    body = activity_table.as_csv(rows)
    activity.record_export(
        current_user, "csv", "activity", len(rows), filters=filters.as_args()
    )
    name = f"symbiosis-activity-{date.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
