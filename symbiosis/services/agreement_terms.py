"""Terms of an agreement: checked against the offer, copied, snapshotted;
and the totals actually exchanged, recorded on completion."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app

from symbiosis import agreement_fields as fields
from symbiosis import units
from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Agreement, Listing, User
from symbiosis.models.base import as_id
from symbiosis.services import impacts
from symbiosis.services.listings import translate
from symbiosis.workflow.agreement import NEEDS_REASON, AgreementAction
from symbiosis.workflow.listing import ListingState

HAZARDOUS_CHECKLIST = ("authorisation", "carrier", "documents", "packaging")


def check_terms(
    raw: Mapping[str, Any], offer: Listing, *, confirm: bool
) -> dict[str, Any]:
    """Checked terms; quantities above the offer need ``confirm``.

    :raises FieldErrors: with every problem found.
    """
    parsed = fields.parse_terms(raw)
    errors = translate(parsed.problems)
    values = parsed.values
    if not errors and not fields.same_dimension(values["unit"], offer.unit):
        errors.append(
            ("unit", gettext("Use a unit of the same kind as the offer's (%(unit)s).",
                             unit=offer.unit))
        )  # fmt: skip
    if not errors:
        over = _exceeds(values, offer)
        if over and not confirm:
            errors.append(
                (
                    "quantity",
                    gettext(
                        "This is more than the offer makes available "
                        "(%(available)s %(unit)s a year); confirm to propose it "
                        "anyway.",
                        available=f"{offer.yearly_quantity.normalize():f}",
                        unit=offer.base_unit,
                    ),
                )
            )
        values["over_availability"] = over
    if errors:
        raise FieldErrors(errors)
    return values


def _exceeds(values: Mapping[str, Any], offer: Listing) -> bool:
    wanted = fields.yearly(values["quantity"], values["unit"], values["frequency"])
    return bool(wanted > offer.yearly_quantity)


def over_offer(raw: Mapping[str, Any], offer: Listing | None) -> bool:
    """Whether terms that read well ask more than ``offer`` makes available:
    the form then offers to confirm them."""
    if offer is None:
        return False
    parsed = fields.parse_terms(raw)
    if parsed.problems or not fields.same_dimension(parsed.values["unit"], offer.unit):
        return False
    return _exceeds(parsed.values, offer)


def set_terms(agreement: Agreement, values: dict[str, Any]) -> dict[str, Any]:
    agreement.quantity = values["quantity"]
    agreement.unit = values["unit"].value
    agreement.frequency = values["frequency"].value
    agreement.start_on = values["start"]
    agreement.end_on = values["end"]
    agreement.price_terms = values["price_terms"]
    agreement.price_per_unit = values["price_per_unit"]
    agreement.transport_by = values["transport_by"]
    agreement.conditions = values["conditions"]
    agreement.over_availability = values["over_availability"]
    days = current_app.config["AGREEMENT_EXPIRY_DAYS"]
    agreement.expires_on = date.today() + timedelta(days=days)
    agreement.reminded_for = None  # new terms, a new reminder for who answers
    return terms_of(agreement)


def terms_of(agreement: Agreement) -> dict[str, Any]:
    """The terms as plain JSON values (event snapshots, API)."""
    return {
        "quantity": float(agreement.quantity),
        "unit": agreement.unit,
        "frequency": agreement.frequency,
        "start": agreement.start_on.isoformat(),
        "end": agreement.end_on.isoformat() if agreement.end_on else None,
        "price_terms": agreement.price_terms,
        "price_per_unit": float(agreement.price_per_unit)
        if agreement.price_per_unit is not None
        else None,
        "transport_by": agreement.transport_by,
        "conditions": agreement.conditions,
    }


def listings_pair(
    actor: User, offer_id: Any, request_id: Any
) -> tuple[Listing, Listing]:
    offer_key, request_key = as_id(offer_id), as_id(request_id)
    offer = db.session.get(Listing, offer_key) if offer_key else None
    request = db.session.get(Listing, request_key) if request_key else None
    errors = []
    if offer is None or offer.kind != "offer":
        errors.append(("offer_id", gettext("Choose an offer.")))
    if request is None or request.kind != "request":
        errors.append(("request_id", gettext("Choose a request.")))
    if errors:
        raise FieldErrors(errors)
    assert offer is not None  # noqa: S101 - narrowed for mypy  # nosec B101
    assert request is not None  # noqa: S101  # nosec B101
    mine = actor.organisation_id
    if mine not in (offer.organisation_id, request.organisation_id):
        raise FieldErrors(
            [("offer_id", gettext("One of the two listings must be yours."))]
        )
    if offer.organisation_id == request.organisation_id:
        raise FieldErrors(
            [("request_id", gettext("Both listings belong to the same organisation."))]
        )
    for name, listing in (("offer_id", offer), ("request_id", request)):
        if listing.state != ListingState.ACTIVE:
            raise FieldErrors([(name, gettext("This listing is no longer active."))])
    return offer, request


def step_comment(action: AgreementAction, raw: Mapping[str, Any]) -> str | None:
    if action in NEEDS_REASON:
        parsed = fields.parse_text(
            raw.get("reason"), "reason", max_length=fields.MAX_REASON
        )
        if parsed.problems:
            raise FieldErrors(translate(parsed.problems))
        return str(parsed.values["reason"])
    text = raw.get("comment") or raw.get("reason")
    if not text:
        return None
    parsed = fields.parse_text(text, "comment", max_length=fields.MAX_REASON)
    if parsed.problems:
        raise FieldErrors(translate(parsed.problems))
    return str(parsed.values["comment"])


def require_checklist(agreement: Agreement) -> None:
    ticked = {(c.item, c.organisation_id) for c in agreement.checks}
    missing = [
        item
        for item in HAZARDOUS_CHECKLIST
        for org in agreement.party_ids()
        if (item, org) not in ticked
    ]
    if missing:
        raise FieldErrors(
            [
                (
                    "checklist",
                    gettext(
                        "Hazardous waste: both parties tick every item of the "
                        "checklist before the exchange starts."
                    ),
                )
            ]
        )


def record_totals(agreement: Agreement, totals: dict[str, Any]) -> None:
    """Store the actual totals; what deliveries did not record yet becomes impact."""
    unit = totals["actual_unit"].value
    if not fields.same_dimension(unit, agreement.unit):
        raise FieldErrors(
            [
                (
                    "actual_unit",
                    gettext("Use a unit of the same kind as the agreement's."),
                )
            ]
        )
    agreement.actual_quantity = totals["actual_quantity"]
    agreement.actual_unit = unit
    total = fields.in_base(totals["actual_quantity"], unit)
    logged = sum(
        (fields.in_base(d.quantity, d.unit) for d in agreement.deliveries), Decimal(0)
    )
    if total > logged:
        base = units.base_unit(units.Unit(unit)).value
        impacts.record(
            agreement, total - logged, base, kind="completion", on=date.today()
        )
