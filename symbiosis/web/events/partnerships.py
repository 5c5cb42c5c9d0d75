"""Recording a partnership signed at an event, in one form.

The facilitator (or one of the two partners) picks who gives and who takes
among the registered organisations, says what and how much; the service posts
both listings and the accepted agreement (see services/partnerships.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import DecimalField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional

from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.models import Agreement, Event
from symbiosis.services import partnerships
from symbiosis.web.choices import sdg_choices
from symbiosis.web.events.pages import load, page
from symbiosis.web.forms import BaseForm, strip
from symbiosis.web.orgs.forms import MultiCheckboxField

bp = Blueprint("event_partnerships", __name__, url_prefix="/events")


class PartnershipForm(BaseForm):
    giver = SelectField(_l("Who gives"), choices=[], validate_choice=False)
    taker = SelectField(_l("Who receives"), choices=[], validate_choice=False)
    title = StringField(
        _l("What is given"),
        filters=[strip],
        description=_l("For example: 40 hours of IT support, a meeting room."),
    )
    quantity = DecimalField(_l("How much"), validators=[Optional()])
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
    sdgs = MultiCheckboxField(_l("Sustainable Development Goals"), coerce=int)


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
    return page(
        "events/partnership.html", status, event=event, form=form,
        signed=_signed(event),
    )  # fmt: skip


@bp.get("/<int:event_id>/partnerships")
@requires(Perm.RECORD_PARTNERSHIP)
def partnerships_page(event_id: int) -> ResponseReturnValue:
    return _page(load(event_id), _form(load(event_id)))


@bp.post("/<int:event_id>/partnerships")
@requires(Perm.RECORD_PARTNERSHIP)
def partnerships_record(event_id: int) -> ResponseReturnValue:
    event = load(event_id)
    form = _form(event)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _page(event, form, 422)
    raw = {
        "giver": form.giver.data, "taker": form.taker.data, "title": form.title.data,
        "quantity": "" if form.quantity.data is None else str(form.quantity.data),
        "unit": form.unit.data, "value_eur": form.value_eur.data,
        "sdgs": [str(n) for n in form.sdgs.data or ()],
    }  # fmt: skip
    try:
        signed = partnerships.record(current_user, event.id, raw)
    except NotAllowed:
        abort(403)
    except FieldErrors as problems:
        for name, message in problems.errors:
            field = getattr(form, name, form.title)
            field.errors = [*field.errors, message]
        return _page(event, form, 422)
    flash(
        gettext("The partnership is recorded: %(title)s.", title=signed.offer.title),
        "success",
    )
    return redirect(url_for("event_partnerships.partnerships_page", event_id=event.id))
