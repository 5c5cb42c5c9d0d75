"""What every events page shares: loading an event, rendering, who sees a plan."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_time
from flask_login import current_user

from symbiosis import labels
from symbiosis.errors import NotAllowed
from symbiosis.extensions import db
from symbiosis.models import Event, Organisation
from symbiosis.services import event_registrations, event_views, events
from symbiosis.workflow.event import PLAN_EXISTS, PLAN_SHOWN


def hhmm(moment: Any) -> str:
    """A round's time in the reader's time zone and format (18:30)."""
    return str(format_time(moment, format="short")) if moment else ""


def page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    """Render an events page with the helpers every one of them uses."""
    return render_template(
        template, labels=labels, hhmm=hhmm, views=event_views, **context
    ), status


def load(event_id: int) -> Event:
    """The event, or 404 (unknown, or a draft for a non-facilitator)."""
    try:
        return events.get(current_user, event_id)
    except NotAllowed:
        abort(404)


def bad_csrf(form: Any) -> None:
    """Refuse a post without a valid CSRF token (the other checks come later)."""
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)


def _registered(event: Event, org_id: int | None) -> bool:
    return event_registrations.registration_of(event, org_id) is not None


def can_see_plan(event: Event) -> bool:
    """Facilitators once a plan exists; registered organisations once published."""
    if events.can_manage(current_user):
        return event.state in PLAN_EXISTS
    own = current_user.organisation_id if current_user.is_org_member else None
    return event.state in PLAN_SHOWN and _registered(event, own)


def schedule_org(event: Event, wanted: int | None) -> Organisation:
    """The organisation whose schedule is asked for, or 404.

    Members see their own organisation's once the plan is published;
    facilitators see any registered organisation's once a plan exists.
    """
    manage = events.can_manage(current_user)
    own = current_user.organisation_id if current_user.is_org_member else None
    org_id = wanted or own
    allowed = (manage and event.state in PLAN_EXISTS) or (
        org_id == own and event.state in PLAN_SHOWN
    )
    if org_id is None or not allowed or not _registered(event, org_id):
        abort(404)
    org = db.session.get(Organisation, org_id)
    if org is None:  # pragma: no cover - a registration keeps its organisation
        abort(404)
    return org
