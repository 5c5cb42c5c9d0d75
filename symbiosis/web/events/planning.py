"""The facilitator's plan page: plan (again), swap, move, lock, then publish.

After an edit the page opens at the round changed, with the confirmation
there: a message at the top of the page would be out of sight.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, InvalidTransition, StaleObject
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.i18n import ngettext
from symbiosis.models import Event
from symbiosis.services import event_plans, event_views
from symbiosis.web.events.forms import LockForm, MoveForm, SwapForm, VersionForm
from symbiosis.web.events.pages import bad_csrf, load, page
from symbiosis.workflow.event import PLAN_EDITABLE, PLAN_EXISTS

bp = Blueprint("event_plan", __name__, url_prefix="/events")
DONE = "event_plan_done"  # the last edit's confirmation, shown in its round


def _swap_form(event: Event) -> SwapForm:
    form = SwapForm(prefix="swap")
    form.round.choices = [(str(r), str(r)) for r in range(1, event.rounds + 1)]
    orgs = [(str(r.organisation_id), r.organisation.name) for r in event.registrations]
    # Nothing chosen at first: the same organisation twice is never meant.
    form.first.choices = form.second.choices = [("", _("— choose —")), *orgs]
    return form


def _move_form(event: Event) -> MoveForm:
    form = MoveForm(prefix="move")
    rounds = [(str(r), str(r)) for r in range(1, event.rounds + 1)]
    tables = [(str(t), str(t)) for t in range(1, event.tables + 1)]
    form.round.choices = form.to_round.choices = rounds
    form.table.choices = form.to_table.choices = tables
    return form


def _show(event: Event, **forms: Any) -> ResponseReturnValue:
    done = session.pop(DONE, None) if not forms else None
    return page(
        "events/plan.html",
        422 if forms else 200,
        event=event,
        rounds=event_views.by_round(event),
        summary=event_views.summary(event),
        editable=event.state in PLAN_EDITABLE,
        steps=event_views.steps(current_user, event),
        done=done if done and done.get("event") == event.id else None,
        step=VersionForm(),
        lock=LockForm(),
        swap=forms.get("swap") or _swap_form(event),
        move=forms.get("move") or _move_form(event),
    )


def _back(event: Event, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for(".show", event_id=event.id, _anchor=anchor))


def _done(event: Event, number: int, message: str) -> ResponseReturnValue:
    """The plan page at round ``number``, with ``message`` in it."""
    session[DONE] = {"event": event.id, "round": number, "message": message}
    return redirect(url_for(".show", event_id=event.id, _anchor=f"round-{number}"))


@bp.get("/<int:event_id>/plan")
@requires(Perm.MANAGE_EVENTS)
def show(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    if event.state not in PLAN_EXISTS:
        flash(
            _("There is no plan yet: plan the meetings once registration is done.")
            if event.state == "open"
            else _("There is no plan yet: open registration, then plan."),
            "info",
        )
        return redirect(url_for("events.detail", event_id=event.id))
    return _show(event)


@bp.post("/<int:event_id>/plan")
@requires(Perm.MANAGE_EVENTS)
def run(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = VersionForm()
    bad_csrf(form)
    try:
        report = event_plans.plan(current_user, event.id, form.version.data)
    except (InvalidTransition, StaleObject) as refusal:
        flash(refusal.message, "warning")
        return redirect(url_for("events.detail", event_id=event.id))
    except FieldErrors as errors:
        flash(" ".join(message for _field, message in errors.errors), "warning")
        return redirect(url_for("events.detail", event_id=event.id))
    flash(
        ngettext(
            "%(num)d meeting planned, total score %(total)s.",
            "%(num)d meetings planned, total score %(total)s.",
            report.meetings,
            total=report.total,
        ),
        "success",
    )
    if report.dropped_locks:
        flash(
            ngettext(
                "%(num)d locked meeting no longer fitted and was dropped.",
                "%(num)d locked meetings no longer fitted and were dropped.",
                report.dropped_locks,
            ),
            "warning",
        )
    if report.without:
        flash(
            ngettext(
                "%(num)d organisation has no meeting: add tables or rounds.",
                "%(num)d organisations have no meeting: add tables or rounds.",
                len(report.without),
            ),
            "warning",
        )
    return _back(event)


def _edit(event: Event, form: Any, name: str, call: Any) -> ResponseReturnValue | None:
    """Run one edit of the plan; a refusal comes back next to the form.

    :returns: None once done, else the page that says why not.
    """
    bad_csrf(form)
    try:
        call(current_user, event.id, form.raw(), form.version.data)
    except (InvalidTransition, StaleObject) as refusal:
        flash(refusal.message, "warning")
        # at the top, where it is said, not at the form the browser would keep
        return _back(event, "main")
    except FieldErrors as errors:
        db.session.rollback()
        errors.apply_to(form)
        return _show(load(event.id), **{name: form})
    return None


@bp.post("/<int:event_id>/swap")
@requires(Perm.MANAGE_EVENTS)
def swap(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = _swap_form(event)
    refused = _edit(event, form, "swap", event_plans.swap)
    if refused is not None:
        return refused
    names = dict(form.first.choices)
    number = int(form.round.data)
    said = _(
        "The plan is changed: in round %(n)d, %(first)s and %(second)s exchanged "
        "seats.",
        n=number,
        first=names[form.first.data],
        second=names[form.second.data],
    )
    return _done(event, number, said)


@bp.post("/<int:event_id>/move")
@requires(Perm.MANAGE_EVENTS)
def move(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = _move_form(event)
    refused = _edit(event, form, "move", event_plans.move)
    if refused is not None:
        return refused
    number, table = int(form.to_round.data), int(form.to_table.data)
    said = _(
        "The plan is changed: the meeting is now in round %(n)d, at table %(t)d.",
        n=number,
        t=table,
    )
    return _done(event, number, said)


@bp.post("/<int:event_id>/meetings/<int:number>/<int:table>/lock")
@requires(Perm.MANAGE_EVENTS)
def lock(event_id: int, number: int, table: int) -> ResponseReturnValue:
    event = load(event_id)
    form = LockForm()
    bad_csrf(form)
    locked = form.lock.data != "0"
    try:
        event_plans.set_lock(
            current_user, event.id, number, table, locked, form.version.data
        )
    except (InvalidTransition, StaleObject) as refusal:
        flash(refusal.message, "warning")
    except FieldErrors as errors:
        flash(" ".join(message for _field, message in errors.errors), "warning")
    else:
        done = (
            _("Round %(r)d, table %(t)d is locked.", r=number, t=table)
            if locked
            else _("Round %(r)d, table %(t)d is unlocked.", r=number, t=table)
        )
        return _done(event, number, done)
    return _back(event)
