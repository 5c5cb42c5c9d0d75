"""Agreement forms: shapes only; the agreement services check the values."""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from symbiosis import agreement_fields, formats, labels
from symbiosis.agreement_fields import MAX_CONDITIONS, MAX_MESSAGE, MAX_REASON
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.web.forms import BaseForm, choices, strip
from symbiosis.web.orgs.forms import MultiCheckboxField

if TYPE_CHECKING:
    from symbiosis.models import Listing


def new_key() -> str:
    """A one-time key: a form sent twice creates one object, not two."""
    return secrets.token_urlsafe(24)


class TermsForm(BaseForm):
    mine = SelectField(
        _l("Your listing"), choices=[], coerce=int, validate_choice=False
    )
    quantity = StringField(
        _l("Quantity"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    unit = SelectField(_l("Unit"), choices=choices(labels.UNIT), validate_choice=False)
    frequency = SelectField(
        _l("How often"), choices=choices(labels.FREQUENCY), validate_choice=False
    )
    start = DateField(_l("Start"), validators=[Optional()])
    end = DateField(_l("End (optional)"), validators=[Optional()])
    price_terms = SelectField(
        _l("Price"), choices=choices(labels.PRICE_TERMS), validate_choice=False
    )
    price_per_unit = StringField(
        _l("Price per unit in euros"),
        filters=[strip],
        render_kw={"inputmode": "decimal"},
    )
    transport_by = RadioField(
        _l("Who transports"),
        choices=choices(labels.TRANSPORT_BY),
        default="receiver",
        validate_choice=False,
    )
    conditions = TextAreaField(
        _l("Conditions (optional)"),
        filters=[strip],
        description=_l("Quality, packaging, access hours, documents…"),
        render_kw={"rows": 4, "maxlength": MAX_CONDITIONS},
    )
    confirm = BooleanField(
        _l("I confirm these terms although they exceed what the offer makes available")
    )
    submission = HiddenField(default=new_key)

    def raw(self) -> dict[str, object]:
        data = {
            name: self[name].data
            for name in (
                "quantity", "unit", "frequency", "start", "end", "price_terms",
                "price_per_unit", "transport_by", "conditions",
            )
        }  # fmt: skip
        if data["price_terms"] != "price_per_unit":
            data["price_per_unit"] = None
        return data

    def prefill(self, theirs: Listing, mine: Listing | None) -> None:
        """Start from the two listings: the request's quantity (the offer's
        when they count in different kinds of unit, or when the request wants
        more in a year than the offer holds), the later start, the earlier
        end, the offer's price."""
        offer = theirs if theirs.kind == "offer" else mine
        req = theirs if theirs.kind == "request" else mine
        # The request says how much is wanted, unless it counts in another kind
        # of unit than the offer (pieces against tonnes) or wants more than the
        # offer holds: terms start from what can be given.
        basis = req or offer
        if (
            req
            and offer
            and (
                not agreement_fields.same_dimension(req.unit, offer.unit)
                or req.yearly_quantity > offer.yearly_quantity
            )
        ):
            basis = offer
        if basis is not None:
            self.quantity.data = formats.field_number(basis.quantity)
            self.unit.data = basis.unit
            self.frequency.data = basis.frequency
        starts = [x.available_from for x in (offer, req) if x is not None]
        self.start.data = max([date.today(), *starts])
        ends = [x.available_until for x in (offer, req) if x and x.available_until]
        self.end.data = min(ends) if ends else None
        if offer is not None:
            self.price_terms.data = offer.price_terms
            if offer.price_per_unit is not None:
                self.price_per_unit.data = f"{offer.price_per_unit:f}"


class StepForm(BaseForm):
    """One step of the state machine: the version seen, a reason or comment."""

    version = HiddenField()
    reason = TextAreaField(
        _l("Reason"), filters=[strip], render_kw={"rows": 2, "maxlength": MAX_REASON}
    )
    actual_quantity = StringField(
        _l("Quantity actually exchanged in total"),
        filters=[strip],
        render_kw={"inputmode": "decimal"},
    )
    actual_unit = SelectField(
        _l("Unit"), choices=choices(labels.UNIT), validate_choice=False
    )


class DeliveryForm(BaseForm):
    delivered_on = DateField(_l("Delivered on"), validators=[Optional()])
    quantity = StringField(
        _l("Quantity"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    unit = SelectField(_l("Unit"), choices=choices(labels.UNIT), validate_choice=False)
    note = StringField(
        _l("Note (optional)"), filters=[strip], render_kw={"maxlength": MAX_REASON}
    )
    submission = HiddenField(default=new_key)

    def raw(self) -> dict[str, object]:
        return {
            name: self[name].data
            for name in ("delivered_on", "quantity", "unit", "note")
        }


class MessageForm(BaseForm):
    body = TextAreaField(
        _l("Message"),
        filters=[strip],
        render_kw={"rows": 3, "maxlength": MAX_MESSAGE},
    )


class ChecklistForm(BaseForm):
    items = MultiCheckboxField(
        _l("Hazardous waste checklist"),
        choices=choices(labels.CHECKLIST),
        validate_choice=False,
    )
