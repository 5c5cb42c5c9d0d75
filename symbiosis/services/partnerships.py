"""Partnerships: a firm and a non-profit give each other skills, services, goods.

A partnership is an agreement of kind ``partnership`` (same states, events and
messages as an exchange). Signed at a matchmaking evening, it is recorded in
one step against the event: the giver's offer and the taker's request are
posted as listings of kind *service* (so that they are found, counted and
matched like any other), and the agreement starts accepted, both parties
known. Its value is counted in hours or pieces, and in euros when said.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Agreement, Event, EventRegistration, Organisation
from symbiosis.models.base import utcnow
from symbiosis.services.agreements import event as agreement_event
from symbiosis.services.listings import Lookups, new_listing
from symbiosis.workflow.agreement import AgreementState

UNITS = ("hours", "pieces")
MAX_EUR = Decimal("10000000")


def _org(raw: Any) -> Organisation | None:
    try:
        return db.session.get(Organisation, int(raw))
    except (TypeError, ValueError):
        return None


def _registered(event: Event, org: Organisation) -> bool:
    return (
        db.session.scalar(
            sa.select(EventRegistration.id).where(
                EventRegistration.event_id == event.id,
                EventRegistration.organisation_id == org.id,
            )
        )
        is not None
    )


def _value_eur(raw: Any, errors: list[tuple[str, str]]) -> Decimal | None:
    text = str(raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > MAX_EUR:
        errors.append(("value_eur", gettext("Give an amount in euros, or nothing.")))
        return None
    return value.quantize(Decimal("0.01"))


def check(actor: Any, event: Event, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The checked fields of a partnership signed at ``event``.

    :raises NotAllowed: unless ``actor`` is a facilitator or works for a party.
    :raises FieldErrors: naming ``giver``, ``taker``, ``title``, ``quantity``,
        ``unit`` or ``value_eur``.
    """
    errors: list[tuple[str, str]] = []
    giver, taker = _org(raw.get("giver")), _org(raw.get("taker"))
    for field, org in (("giver", giver), ("taker", taker)):
        if org is None:
            errors.append((field, gettext("Choose an organisation of the event.")))
        elif not _registered(event, org):
            errors.append((field, gettext("This organisation is not registered.")))
    if giver is not None and giver is taker:
        errors.append(("taker", gettext("A partnership needs two organisations.")))
    parties = {o.id for o in (giver, taker) if o is not None}
    if not actor.is_facilitator and actor.organisation_id not in parties:
        raise NotAllowed(gettext("Only the partners or a facilitator record this."))
    title = str(raw.get("title") or "").strip()
    if not title or len(title) > 200:
        errors.append(
            ("title", gettext("Say what is given, in 200 characters or fewer."))
        )
    unit = str(raw.get("unit") or "")
    if unit not in UNITS:
        errors.append(("unit", gettext("Count it in hours or pieces.")))
    value_eur = _value_eur(raw.get("value_eur"), errors)
    if errors:
        raise FieldErrors(errors)
    return {"giver": giver, "taker": taker, "title": title, "unit": unit,
            "quantity": raw.get("quantity"), "value_eur": value_eur,
            "sdgs": raw.get("sdgs") or ()}  # fmt: skip


def record(actor: Any, event_id: int, raw: Mapping[str, Any]) -> Agreement:
    """Record a partnership signed at the event; listings and agreement at once.

    :raises NotAllowed: for an unknown event or someone not entitled.
    :raises FieldErrors: on any bad field; nothing is written.
    """
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotAllowed(gettext("No such event."))
    values = check(actor, event, raw)
    start = max(event.starts_at.date(), utcnow().date())
    common = {
        "resource": "service", "title": values["title"],
        "quantity": values["quantity"], "unit": values["unit"],
        "frequency": "once", "price_terms": "free",
        "available_from": start.isoformat(),
        "available_until": (start + timedelta(days=365)).isoformat(),
        "sdgs": values["sdgs"],
    }  # fmt: skip
    try:
        lookups = Lookups()
        offer = new_listing(
            actor, values["giver"], {**common, "kind": "offer"}, lookups
        )
        request = new_listing(
            actor, values["taker"], {**common, "kind": "request"}, lookups
        )
        db.session.flush()
        agreement = Agreement(
            kind="partnership", event_id=event.id, offer=offer, request=request,
            supplier_id=values["giver"].id, receiver_id=values["taker"].id,
            proposer_id=values["giver"].id, created_by=actor,
            state=AgreementState.PROPOSED, quantity=offer.quantity, unit=offer.unit,
            frequency=offer.frequency, start_on=offer.available_from,
            price_terms="free", transport_by="supplier",
            value_eur=values["value_eur"], revealed_at=utcnow(),
        )  # fmt: skip
        db.session.add(agreement)
        db.session.flush()
        agreement_event(agreement, actor, "propose", None)
        agreement.state = AgreementState.ACCEPTED
        signed = gettext("Signed at %(event)s.", event=event.title)
        agreement_event(agreement, actor, "accept", AgreementState.PROPOSED, signed)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return agreement
