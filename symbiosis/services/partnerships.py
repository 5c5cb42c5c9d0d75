"""Partnerships: a firm and a non-profit give each other skills, services, goods.

A partnership is an agreement of kind ``partnership`` (same states, events and
messages as an exchange). Signed at a matchmaking evening, it is recorded in
one step against the event: the giver's offer and the taker's request are
posted as listings of kind *service* (so that they are found, counted and
matched like any other), and the agreement starts accepted, both parties
known. Its value is counted in hours or pieces, and in euros when said.

Recording opens on the event's day (local time), so a partnership "signed
tonight" is never counted for an evening still to come. A form's one-time
key makes a second submission of it (double click, reload) record nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from babel.numbers import get_group_symbol
from flask_babel import format_date

from symbiosis.errors import DomainError, FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.listing_fields import (
    MAX_TITLE,
    Invalid,
    clean_text,
    parse_decimal,
    parse_quantity,
    parse_sdgs,
)
from symbiosis.models import Agreement, Event, EventRegistration, Organisation
from symbiosis.models.base import utcnow
from symbiosis.services.agreements import event as agreement_event
from symbiosis.services.agreements import scoped_key
from symbiosis.services.events import local_day, local_start
from symbiosis.services.listing_lookups import Lookups
from symbiosis.services.listings import new_listing
from symbiosis.workflow.agreement import AgreementState

UNITS = ("hours", "pieces")
MAX_EUR = Decimal("10000000")
T = TypeVar("T")


class NotOpenYet(DomainError):
    """The evening has not come: its partnerships are recorded from its day."""


class AlreadyRecorded(DomainError):
    """The same form came again (double click, reload): nothing new is written.

    ``agreement`` is the partnership the first submission recorded.
    """

    def __init__(self, agreement: Agreement) -> None:
        super().__init__(gettext("This partnership is already recorded."))
        self.agreement = agreement


def opens_on(event: Event) -> date:
    """The first day partnerships of ``event`` are recorded: its own, locally."""
    return local_start(event)[0]


def is_open(event: Event) -> bool:
    """Whether the event's day has come (during the evening or after it)."""
    return local_day() >= opens_on(event)


def not_open_notice(event: Event) -> str:
    """When recording opens, said to whoever comes too early."""
    return gettext(
        "Partnerships can be recorded from %(date)s, the day of the event.",
        date=format_date(opens_on(event), format="medium"),
    )


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


def _read(
    errors: list[tuple[str, str]], field: str, read: Callable[[Any], T], raw: Any
) -> T | None:
    """``read(raw)``, or None with the reader's message noted against ``field``."""
    try:
        return read(raw)
    except Invalid as problem:
        errors.append((field, gettext(problem.message, **problem.params)))
        return None


def _value_eur(raw: Any, group: str, errors: list[tuple[str, str]]) -> Decimal | None:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        value = parse_decimal(text, group)
    except Invalid:
        value = Decimal(-1)
    if not 0 <= value <= MAX_EUR:
        errors.append(("value_eur", gettext("Give an amount in euros, or nothing.")))
        return None
    if value.normalize().as_tuple().exponent < -2:  # type: ignore[operator]
        errors.append(("value_eur", gettext("Use at most two decimals.")))
        return None
    return value.quantize(Decimal("0.01"))


def check(
    actor: Any, event: Event, raw: Mapping[str, Any], locale: str | None = None
) -> dict[str, Any]:
    """The checked fields of a partnership signed at ``event``, all at once.

    Amounts are read in ``locale`` (the reader's language): "2.400" is 2400 in
    German, 2.4 in French.

    :raises NotAllowed: unless ``actor`` is a facilitator or works for a party.
    :raises NotOpenYet: before the event's day.
    :raises FieldErrors: naming every bad field among ``giver``, ``taker``,
        ``title``, ``quantity``, ``unit``, ``value_eur`` and ``sdgs``.
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
    if not is_open(event):
        raise NotOpenYet(not_open_notice(event))
    title = str(raw.get("title") or "").strip()
    if not title or len(title) > MAX_TITLE:
        errors.append(
            ("title", gettext("Say what is given, in 200 characters or fewer."))
        )
    else:  # the listing's own rules (no control characters)
        _read(errors, "title", lambda v: clean_text(v, max_length=MAX_TITLE), title)
    group = get_group_symbol(locale) if locale else ""
    quantity = _read(
        errors, "quantity", lambda v: parse_quantity(v, group), raw.get("quantity")
    )
    unit = str(raw.get("unit") or "")
    if unit not in UNITS:
        errors.append(("unit", gettext("Count it in hours or pieces.")))
    value_eur = _value_eur(raw.get("value_eur"), group, errors)
    sdgs = _read(errors, "sdgs", parse_sdgs, raw.get("sdgs"))
    if errors:
        raise FieldErrors(errors)
    return {"giver": giver, "taker": taker, "title": title, "unit": unit,
            "quantity": quantity, "value_eur": value_eur,
            "sdgs": list(sdgs or ())}  # fmt: skip


def _by_key(key: str) -> Agreement | None:
    return db.session.scalar(
        sa.select(Agreement).where(Agreement.submission_key == key)
    )


def record(
    actor: Any,
    event_id: int,
    raw: Mapping[str, Any],
    *,
    locale: str | None = None,
    submission_key: str | None = None,
) -> Agreement:
    """Record a partnership signed at the event; listings and agreement at once.

    :param locale: the reader's language, to read amounts as typed.
    :param submission_key: the form's one-time key: sent twice, it records once.
    :raises NotAllowed: for an unknown event or someone not entitled.
    :raises NotOpenYet: before the event's day; nothing is written.
    :raises AlreadyRecorded: for a key already used; nothing new is written.
    :raises FieldErrors: on any bad field; nothing is written.
    """
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotAllowed(gettext("No such event."))
    # A key replays only the same person's form for the same event.
    key = (
        scoped_key("partnership", event.id, actor.id, submission_key)
        if submission_key
        else None
    )
    if key and (done := _by_key(key)) is not None:
        raise AlreadyRecorded(done)
    values = check(actor, event, raw, locale)
    start = max(event.starts_at.date(), utcnow().date())
    common = {
        "resource": "service", "title": values["title"],
        "quantity": str(values["quantity"]), "unit": values["unit"],
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
            value_eur=values["value_eur"], revealed_at=utcnow(), submission_key=key,
        )  # fmt: skip
        db.session.add(agreement)
        db.session.flush()
        agreement_event(agreement, actor, "propose", None)
        agreement.state = AgreementState.ACCEPTED
        signed = gettext("Signed at %(event)s.", event=event.title)
        agreement_event(agreement, actor, "accept", AgreementState.PROPOSED, signed)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if key and (done := _by_key(key)) is not None:
            raise AlreadyRecorded(done) from None  # the twin submission won
        raise
    except Exception:
        db.session.rollback()
        raise
    return agreement
