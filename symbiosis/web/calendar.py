"""Calendars for agenda programs: one's private address, and one event's file.

The private address answers without a session, since agenda programs fetch
it on their own: the token in the path says whose calendar it is (see
:mod:`symbiosis.services.calendar_feed`). A token that is forged, replaced
or turned off gets a plain 404. The account page turns the address on,
renews it and turns it off.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_login import current_user

from symbiosis.authz import Perm, public, requires
from symbiosis.services import calendar_feed
from symbiosis.web.events.pages import load

bp = Blueprint("calendar", __name__)

MIMETYPE = "text/calendar"


def _ics(body: bytes, filename: str, *, attachment: bool) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(
        body,
        mimetype=MIMETYPE,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            # Personal: no shared cache keeps it; programs fetch it anew.
            "Cache-Control": "private, no-cache",
            "Referrer-Policy": "no-referrer",
        },
    )


@bp.get("/calendar/<token>.ics")
@public
def feed(token: str) -> ResponseReturnValue:
    user = calendar_feed.owner(token)
    if user is None:
        abort(404)
    with force_locale(user.locale or "fr"):
        body = calendar_feed.feed(user)
    return _ics(body, "symbiosis.ics", attachment=False)


@bp.get("/events/<int:event_id>/calendar.ics")
@requires(Perm.SIGNED_IN)
def event_file(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    own = current_user.organisation_id if current_user.is_org_member else None
    body = calendar_feed.event_file(event, own)
    return _ics(body, f"symbiosis-event-{event.id}.ics", attachment=True)
