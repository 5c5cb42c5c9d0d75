"""What happens around an agreement's states: messages, checklist, deliveries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from symbiosis import agreement_fields as fields
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Agreement, AgreementCheck, AgreementMessage, Delivery, User
from symbiosis.services import impacts, notify
from symbiosis.services.agreement_terms import HAZARDOUS_CHECKLIST
from symbiosis.services.agreements import (
    event,
    get,
    party_of,
    scoped_key,
)
from symbiosis.services.listings import translate
from symbiosis.workflow.agreement import (
    AgreementAction,
    AgreementState,
    Party,
    next_state,
)


class NotUnderWay(FieldErrors):
    """Deliveries wait for the exchange to be under way: the agreement's state
    refuses them (the API answers 409), whatever the fields say."""

    def __init__(self) -> None:
        reason = gettext("Deliveries are logged while the exchange is under way.")
        super().__init__([("delivered_on", reason)])
        self.message = reason


def as_party(actor: User, agreement_id: int) -> Any:
    """The agreement, for one of its two parties.

    :raises NotAllowed: unseen, or seen by someone who is not a party.
    """
    agreement = get(actor, agreement_id)
    if party_of(actor, agreement) is None:
        raise NotAllowed(gettext("Only the two parties act on an agreement."))
    return agreement


def post_message(actor: User, agreement_id: int, body: Any) -> AgreementMessage:
    """Add a message to the thread and tell the other party.

    :raises FieldErrors: an empty or too long message; nothing is written.
    """
    agreement = as_party(actor, agreement_id)
    parsed = fields.parse_text(body, "body", max_length=fields.MAX_MESSAGE)
    if parsed.problems:
        raise FieldErrors(translate(parsed.problems))
    message = AgreementMessage(
        agreement_id=agreement.id,
        author=actor,
        organisation_id=actor.organisation_id,
        body=parsed.values["body"],
    )
    db.session.add(message)
    other = agreement.other_party_id(actor.organisation_id)
    notify.tell(
        notify.members_of(other),
        lambda: (
            gettext(
                "New message on the agreement “%(title)s”",
                title=agreement.request.title,
            ),
            message.body[:500],
        ),
        link=f"/agreements/{agreement.id}#messages",
    )
    db.session.commit()
    return message


def messages(agreement_id: int) -> list[AgreementMessage]:
    return list(
        db.session.scalars(
            sa.select(AgreementMessage)
            .where(AgreementMessage.agreement_id == agreement_id)
            .order_by(AgreementMessage.created_at, AgreementMessage.id)
        )
    )


def tick(actor: User, agreement_id: int, items: list[str]) -> None:
    """Set the actor's organisation's ticks of the hazardous-waste checklist."""
    agreement = as_party(actor, agreement_id)
    if not agreement.hazardous:
        raise FieldErrors([("checklist", gettext("This agreement has no checklist."))])
    if agreement.state not in (AgreementState.PROPOSED, AgreementState.ACCEPTED):
        raise FieldErrors(
            [
                (
                    "checklist",
                    gettext("The checklist is closed once the exchange starts."),
                )
            ]
        )
    unknown = [item for item in items if item not in HAZARDOUS_CHECKLIST]
    if unknown:
        raise FieldErrors([("checklist", gettext("Unknown checklist item."))])
    org = actor.organisation_id
    current = {c.item: c for c in agreement.checks if c.organisation_id == org}
    for item in HAZARDOUS_CHECKLIST:
        if item in items and item not in current:
            agreement.checks.append(
                AgreementCheck(item=item, organisation_id=org, user_id=actor.id)
            )
        elif item not in items and item in current:
            agreement.checks.remove(current[item])
    db.session.commit()


def ticked(agreement: Any) -> dict[str, set[int]]:
    """item -> organisations that ticked it."""
    result: dict[str, set[int]] = {item: set() for item in HAZARDOUS_CHECKLIST}
    for check in agreement.checks:
        result.setdefault(check.item, set()).add(check.organisation_id)
    return result


def _delivery_by_key(key: str) -> Delivery | None:
    return db.session.scalar(sa.select(Delivery).where(Delivery.submission_key == key))


def log_delivery(
    actor: User,
    agreement_id: int,
    raw: Mapping[str, Any],
    *,
    submission_key: str | None = None,
) -> Delivery:
    """Record one delivery of an active agreement and its impact.

    :raises NotUnderWay: (a :class:`FieldErrors`) the agreement is not under way.
    :raises FieldErrors: bad fields or a date outside the exchange; nothing is
        written.
    """
    agreement = as_party(actor, agreement_id)
    # A key replays only a delivery of this agreement.
    key = scoped_key(agreement.id, submission_key) if submission_key else None
    if key and (done := _delivery_by_key(key)) is not None:
        return done  # the same form sent twice
    if agreement.state != AgreementState.ACTIVE:
        raise NotUnderWay
    parsed = fields.parse_delivery(raw)
    errors = translate(parsed.problems)
    values = parsed.values
    day = values.get("delivered_on")
    if day is not None:
        if day < agreement.start_on:
            errors.append(
                ("delivered_on", gettext("This is before the exchange started."))
            )
        elif day > date.today():
            errors.append(("delivered_on", gettext("This date is in the future.")))
        elif agreement.end_on and day > agreement.end_on:
            errors.append(
                ("delivered_on", gettext("This is after the end of the agreement."))
            )
    unit = values.get("unit")
    if unit is not None and not fields.same_dimension(unit.value, agreement.unit):
        errors.append(
            ("unit", gettext("Use a unit of the same kind as the agreement's."))
        )
    if errors:
        raise FieldErrors(errors)
    delivery = Delivery(
        agreement=agreement,
        delivered_on=day,
        quantity=values["quantity"],
        unit=values["unit"].value,
        note=values.get("note"),
        created_by=actor,
        submission_key=key,
    )
    try:
        db.session.add(delivery)
        db.session.flush()
        impacts.record(
            agreement,
            delivery.quantity,
            delivery.unit,
            kind="delivery",
            on=delivery.delivered_on,
            delivery=delivery,
        )
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if key and (done := _delivery_by_key(key)) is not None:
            return done  # the twin submission won the race
        raise
    return delivery


def _expired_notice(title: str) -> tuple[str, str]:
    return gettext("Agreement “%(title)s” expired", title=title), gettext(
        "Nobody answered the proposal in time."
    )


def expire(today: date | None = None) -> int:
    """Expire proposals nobody answered in time; returns how many."""
    today = today or date.today()
    count = 0
    due = db.session.scalars(
        sa.select(Agreement).where(
            Agreement.state == AgreementState.PROPOSED, Agreement.expires_on < today
        )
    ).all()
    for agreement in due:
        before = agreement.state
        agreement.state = next_state(
            AgreementState.PROPOSED, AgreementAction.EXPIRE, Party.SYSTEM
        ).value
        try:
            db.session.flush()  # a party answering at this moment wins
        except StaleDataError:
            db.session.rollback()
            continue
        event(agreement, None, AgreementAction.EXPIRE.value, before)
        title = agreement.request.title
        for org in agreement.party_ids():
            notify.tell(
                notify.members_of(org),
                partial(_expired_notice, title),
                link=f"/agreements/{agreement.id}",
            )
        db.session.commit()
        count += 1
    return count
