"""Matchmaking events: list, create, register, the steps, the published plan.

The facilitator's plan page and its edits are in :mod:`.planning`.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed, StaleObject
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Event
from symbiosis.services import event_registrations, event_views, events
from symbiosis.web.choices import sdg_choices, zone_choices
from symbiosis.web.events.forms import EventForm, RegistrationForm, VersionForm
from symbiosis.web.events.pages import (
    bad_csrf,
    can_see_plan,
    load,
    page,
    schedule_org,
)
from symbiosis.workflow.event import PLAN_EXISTS, REGISTRATION_OPEN

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.get("/")
@requires(Perm.SIGNED_IN)
def index() -> ResponseReturnValue:
    upcoming, past = events.visible(current_user)
    return page("events/index.html", upcoming=upcoming, past=past)


# -- the event ---------------------------------------------------------------------
def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm(obj=None)
    form.zone_id.choices = zone_choices(str(_("— no zone —")))
    if request.method == "GET" and event is not None:
        day, start = events.local_start(event)
        form.process(
            data={
                "version": event.version,
                "title": event.title,
                "description": event.description or "",
                "date": day.isoformat(),
                "time": start.strftime("%H:%M"),
                "place": event.place,
                "zone_id": event.zone_id or 0,
                "themes": ", ".join(event.themes or []),
                "tables": str(event.tables),
                "rounds": str(event.rounds),
                "minutes_per_round": str(event.minutes_per_round),
                "pairs": event.pairs,
            }
        )
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires(Perm.MANAGE_EVENTS)
def new() -> ResponseReturnValue:
    form = _event_form()
    if request.method == "GET":
        form.process(data={"tables": "10", "rounds": "6", "minutes_per_round": "10",
                           "time": "18:00", "pairs": "mixed"})  # fmt: skip
        return page("events/form.html", form=form, event=None)
    if form.validate_on_submit():
        try:
            created = events.create(current_user, form.raw())
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("The event is saved as a draft."), "success")
            return redirect(url_for(".detail", event_id=created.id))
    return page("events/form.html", 422, form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Perm.MANAGE_EVENTS)
def edit(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = _event_form(event)
    if request.method == "GET":
        return page("events/form.html", form=form, event=event)
    if form.validate_on_submit():
        try:
            events.edit(current_user, event.id, form.raw(), form.version.data)
        except FieldErrors as errors:
            errors.apply_to(form)
        except (InvalidTransition, StaleObject) as refusal:
            flash(refusal.message, "warning")
            return redirect(url_for(".detail", event_id=event.id))
        else:
            flash(_("The event is saved."), "success")
            return redirect(url_for(".detail", event_id=event.id))
    db.session.rollback()
    return page("events/form.html", 422, form=form, event=load(event_id))


def _registration_form(event: Event, org_id: int | None = None) -> RegistrationForm:
    form = RegistrationForm()
    orgs = event_views.registrable(current_user)
    form.organisation.choices = [(o.id, o.name) for o in orgs]
    form.sdgs.choices = sdg_choices()
    form.themes.choices = [(t, t) for t in event.themes or []]
    if request.method == "GET":
        wanted = org_id or current_user.organisation_id
        org = next((o for o in orgs if o.id == wanted), orgs[0] if orgs else None)
        if org is not None:
            mine = event_registrations.registration_of(event, org.id)
            # a first registration starts from the organisation's services
            offers, seeks = (
                (mine.offers, mine.seeks) if mine else event_views.suggested(org.id)
            )
            form.process(
                data={
                    "organisation": org.id,
                    "offers": offers,
                    "seeks": seeks,
                    "sdgs": [str(s) for s in (mine.sdgs if mine else
                                              [s.number for s in org.sdgs])],
                    "themes": mine.themes if mine else [],
                }
            )  # fmt: skip
    return form


def _detail(event: Event, form: RegistrationForm | None = None) -> ResponseReturnValue:
    form = form or _registration_form(event, request.args.get("org", type=int))
    own = current_user.organisation_id if current_user.is_org_member else None
    open_ = event_registrations.is_open(event)
    steps = event_views.steps(current_user, event)
    return page(
        "events/detail.html",
        422 if form.errors else 200,
        event=event,
        form=form,
        step=VersionForm(),
        actions=steps.actions,
        waiting=steps.waiting,
        manage=events.can_manage(current_user),
        can_register=open_ and bool(form.organisation.choices),
        # registration closed while one could have registered: say why
        closed_because=_closed_because(event) if own is not None else None,
        selected=event_registrations.registration_of(event, form.organisation.data),
        chosen_name=dict(form.organisation.choices).get(form.organisation.data, ""),
        own=event_registrations.registration_of(event, own),
        plan_visible=can_see_plan(event),
        date_of=events.local_start(event)[0],
        ends_at=events.ends_at(event),
    )


def _closed_because(event: Event) -> str | None:
    """Why a member can no longer register to an evening still to be held."""
    if event.state in REGISTRATION_OPEN and not event_registrations.is_open(event):
        return _("Registration is closed: the evening has begun.")
    if event.state in ("planned", "published"):
        return _(
            "Registration is closed: the meetings of this evening are planned. "
            "To take part all the same, write to the facilitator."
        )
    return None


@bp.app_template_global("registration_closed_early")
def registration_closed_early(event: Event) -> bool:
    """An evening left open for registration that has begun (its badge says
    registration is closed)."""
    return event.state in REGISTRATION_OPEN and not event_registrations.is_open(event)


@bp.get("/<int:event_id>")
@requires(Perm.SIGNED_IN)
def detail(event_id: int) -> ResponseReturnValue:
    return _detail(load(event_id))


@bp.post("/<int:event_id>/step/<action>")
@requires(Perm.MANAGE_EVENTS)
def step(event_id: int, action: str) -> ResponseReturnValue:
    event = load(event_id)
    form = VersionForm()
    bad_csrf(form)
    try:
        events.step(current_user, event.id, action, form.version.data)
    except (InvalidTransition, StaleObject) as refusal:
        flash(refusal.message, "warning")
    else:
        flash(str(labels.EVENT_DONE.get(action, _("Done."))), "success")
    if action in ("revise", "publish") and event.state in PLAN_EXISTS:
        return redirect(url_for("event_plan.show", event_id=event.id))
    return redirect(url_for(".detail", event_id=event.id))


# -- registration ------------------------------------------------------------------
def _org_of(form: RegistrationForm) -> int:
    """The organisation posted, else one's own (members have only that one)."""
    return int(form.organisation.data or current_user.organisation_id or 0)


@bp.post("/<int:event_id>/register")
@requires(Perm.REGISTER_EVENT)
def register(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = _registration_form(event)
    bad_csrf(form)
    org_id = _org_of(form)
    updating = event_registrations.registration_of(event, org_id) is not None
    try:
        event_registrations.register(current_user, event.id, org_id, form.raw())
    except NotAllowed:
        abort(403)
    except (InvalidTransition, StaleObject) as refusal:
        flash(refusal.message, "warning")
    except FieldErrors as errors:
        db.session.rollback()
        errors.apply_to(form)
        return _detail(load(event_id), form)
    else:
        done = (
            _("The registration is updated.")
            if updating
            else _("The organisation is registered for this event.")
        )
        flash(done, "success")
    return redirect(url_for(".detail", event_id=event.id) + "#registrations")


@bp.post("/<int:event_id>/unregister")
@requires(Perm.REGISTER_EVENT)
def unregister(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = _registration_form(event)
    bad_csrf(form)
    try:
        event_registrations.unregister(current_user, event.id, _org_of(form))
    except NotAllowed:
        abort(403)
    except InvalidTransition as refusal:
        flash(refusal.message, "warning")
    except FieldErrors as errors:
        flash(" ".join(message for _field, message in errors.errors), "warning")
    else:
        flash(_("The registration is withdrawn."), "success")
    return redirect(url_for(".detail", event_id=event.id))


# -- plans as participants see them -------------------------------------------------
@bp.get("/<int:event_id>/programme")
@requires(Perm.SIGNED_IN)
def programme(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    if not can_see_plan(event):
        abort(404)
    return page(
        "events/programme.html", event=event, rounds=event_views.by_round(event)
    )


@bp.get("/<int:event_id>/schedule")
@requires(Perm.SIGNED_IN)
def schedule(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    org = schedule_org(event, request.args.get("org", type=int))
    return page(
        "events/schedule.html",
        event=event,
        org=org,
        rows=event_views.schedule(event, org.id),
        manage=events.can_manage(current_user),
    )


@bp.get("/<int:event_id>/print")
@requires(Perm.SIGNED_IN)
def printable(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    wanted = request.args.get("org", type=int)
    if wanted is None:
        if not can_see_plan(event):
            abort(404)
        return page("events/print.html", event=event, org=None, today=date.today(),
                    rounds=event_views.by_round(event))  # fmt: skip
    org = schedule_org(event, wanted)
    return page("events/print.html", event=event, org=org, today=date.today(),
                rows=event_views.schedule(event, org.id))  # fmt: skip
