"""Taking back a delivery logged by mistake, while the exchange is under way.

A party may withdraw a delivery entry (a wrong quantity, a wrong day) as
long as the agreement is active and no facilitator has checked its impact
against evidence. The entry and its impact record go; the history says who
withdrew what, and the other party is told.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import format_date

from symbiosis import labels
from symbiosis.errors import InvalidTransition, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Delivery, ImpactRecord, User
from symbiosis.services import notify
from symbiosis.services.agreement_thread import as_party
from symbiosis.services.agreements import event
from symbiosis.workflow.agreement import AgreementState

RETRACT = "retract"  # the history's action (AgreementEvent.action)


def withdraw(actor: User, agreement_id: int, delivery_id: int) -> Delivery:
    """Withdraw one delivery entry of an active agreement, with its impact.

    :raises NotAllowed: not a party, or no such delivery on this agreement.
    :raises InvalidTransition: the exchange is no longer under way, or a
        facilitator has verified the entry's impact.
    """
    agreement = as_party(actor, agreement_id)
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.agreement_id != agreement.id:
        raise NotAllowed(gettext("No such delivery."))
    if agreement.state != AgreementState.ACTIVE:
        raise InvalidTransition(
            gettext("Deliveries are changed only while the exchange is under way.")
        )
    impact = db.session.scalar(
        sa.select(ImpactRecord).where(ImpactRecord.delivery_id == delivery.id)
    )
    if impact is not None and impact.verified_at is not None:
        raise InvalidTransition(
            gettext(
                "A facilitator has checked this delivery against its evidence: "
                "ask the facilitator to correct it."
            )
        )
    quantity, unit, day = delivery.quantity, delivery.unit, delivery.delivered_on

    def said() -> str:  # in the reader's language
        return gettext(
            "%(quantity)s delivered on %(day)s",
            quantity=labels.quantity(quantity, unit),
            day=format_date(day),
        )

    try:
        if impact is not None:
            db.session.delete(impact)
        db.session.delete(delivery)
        event(agreement, actor, RETRACT, agreement.state, said())
        other = agreement.other_party_id(actor.organisation_id or 0)
        title = agreement.request.title

        def write() -> tuple[str, str]:
            return gettext(
                "Agreement “%(title)s”: a delivery entry was withdrawn", title=title
            ), said()

        notify.tell(notify.members_of(other), write, link=f"/agreements/{agreement.id}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return delivery
