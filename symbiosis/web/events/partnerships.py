"""Recording a partnership signed at an event, in one form.

The facilitator (or one of the two partners) picks who gives and who takes
among the registered organisations, says what and how much; the service posts
both listings and the accepted agreement (see services/partnerships.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from wtforms import HiddenField, SelectChoice, SelectField, StringField

from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.models import Agreement, Event
from symbiosis.services import partnerships
from symbiosis.web.agreements.forms import new_key
from symbiosis.web.choices import sdg_choices
from symbiosis.web.events.pages import bad_csrf, load, page
from symbiosis.web.forms import BaseForm, strip
from symbiosis.web.orgs.forms import MultiCheckboxField

bp = Blueprint("event_partnerships", __name__, url_prefix="/events")


class PartnershipForm(BaseForm):
    """Shapes only: the service reads every field, so all errors show at once."""

    giver = SelectField(_l("Who gives"), choices=[], validate_choice=False)
    taker = SelectField(_l("Who receives"), choices=[], validate_choice=False)
    title = StringField(
        _l("What is given"),
        filters=[strip],
        description=_l("For example: 40 hours of IT support, a meeting room."),
    )
    quantity = StringField(
        _l("How much"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    unit = SelectField(
        _l("Counted in"),
        choices=[
            SelectChoice("hours", _l("hours")),
            SelectChoice("pieces", _l("pieces")),
        ],
        validate_choice=False,
    )
    value_eur = StringField(
        _l("Value in euros (optional)"),
        filters=[strip],
        render_kw={"inputmode": "decimal"},
    )
    sdgs = MultiCheckboxField(
        _l("Sustainable Development Goals"), choices=[], validate_choice=False
    )
    submission = HiddenField(default=new_key)

    def raw(self) -> dict[str, object]:
        return {
            name: self[name].data
            for name in ("giver", "taker", "title", "quantity", "unit", "value_eur")
        } | {"sdgs": list(self.sdgs.data or ())}


def _form(event: Event) -> PartnershipForm:
    form = PartnershipForm()
    people = [SelectChoice("", gettext("Choose"))] + [
        SelectChoice(str(r.organisation_id), r.organisation.name)
        for r in sorted(event.registrations, key=lambda r: r.organisation.name)
    ]
    form.giver.choices = form.taker.choices = people
    form.sdgs.choices = sdg_choices()
    return form


def _signed(event: Event) -> list[Agreement]:
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .where(Agreement.event_id == event.id, Agreement.kind == "partnership")
            .order_by(Agreement.id)
        )
    )


def _page(
    event: Event, form: PartnershipForm, status: int = 200
) -> ResponseReturnValue:
    # Before the event's day the page says when recording opens, no form.
    not_yet = (
        None if partnerships.is_open(event) else partnerships.not_open_notice(event)
    )
    return page(
        "events/partnership.html", status, event=event, form=form,
        signed=_signed(event), not_yet=not_yet,
    )  # fmt: skip


@bp.get("/<int:event_id>/partnerships")
@requires(Perm.RECORD_PARTNERSHIP)
def partnerships_page(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    return _page(event, _form(event))


@bp.post("/<int:event_id>/partnerships")
@requires(Perm.RECORD_PARTNERSHIP)
def partnerships_record(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = _form(event)
    bad_csrf(form)
    try:
        signed = partnerships.record(
            current_user,
            event.id,
            form.raw(),
            locale=str(get_locale() or "fr"),
            submission_key=form.submission.data or None,
        )
    except NotAllowed:
        abort(403)
    except partnerships.NotOpenYet:
        return _page(event, form, 422)  # the page says when recording opens
    except partnerships.AlreadyRecorded as replay:
        flash(replay.message, "info")
        return redirect(url_for(".partnerships_page", event_id=event.id))
    except FieldErrors as problems:
        problems.apply_to(form)
        return _page(event, form, 422)
    flash(
        gettext("The partnership is recorded: %(title)s.", title=signed.offer.title),
        "success",
    )
    return redirect(url_for(".partnerships_page", event_id=event.id))
