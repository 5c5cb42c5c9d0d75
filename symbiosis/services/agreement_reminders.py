"""Reminders of proposals about to expire without an answer.

A proposal expires when nobody answers it by its ``expires_on`` day (see
:func:`symbiosis.services.agreement_thread.expire`). From
``AGREEMENT_REMINDER_DAYS`` days before that day, the members of the
organisation that must answer are told once, on the site and by e-mail as
each chose. New terms (a counter-proposal) are answered by the other side
with a new day, and so get their own reminder. ``0`` turns reminders off.

The reminder is noted (``Agreement.reminded_for``: the expiry day it was
sent for) by a plain UPDATE that checks the proposal is still open, so that
it neither bumps the agreement's version, which would make a party's answer
given at the same moment fail as stale, nor goes out for a proposal answered
meanwhile.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date

from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Agreement, Listing
from symbiosis.services import notify
from symbiosis.workflow.agreement import AgreementState

# No reminder yet for the terms on the table (their day is a new one).
NOT_REMINDED = sa.or_(
    Agreement.reminded_for.is_(None), Agreement.reminded_for != Agreement.expires_on
)


def _notice(title: str, last_day: date) -> tuple[str, str]:
    return gettext("Proposal “%(title)s” awaits your answer", title=title), gettext(
        "Without an answer by %(day)s, the proposal expires. Accept it, "
        "propose other terms or decline it.",
        day=format_date(last_day, "long"),
    )


def remind(today: date | None = None) -> int:
    """Tell who must answer each proposal that expires soon; returns how
    many proposals were reminded."""
    days = int(current_app.config["AGREEMENT_REMINDER_DAYS"])
    if days <= 0:
        return 0
    today = today or date.today()
    due = db.session.execute(
        sa.select(
            Agreement.id,
            Agreement.expires_on,
            Agreement.proposer_id,
            Agreement.supplier_id,
            Agreement.receiver_id,
            Listing.title,
        )
        .join(Listing, Listing.id == Agreement.request_id)
        .where(
            Agreement.state == AgreementState.PROPOSED,
            Agreement.expires_on >= today,
            Agreement.expires_on <= today + timedelta(days=days),
            NOT_REMINDED,
        )
        .order_by(Agreement.id)
    ).all()
    reminded = 0
    for row in due:
        noted: sa.CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            sa.update(Agreement)
            .where(
                Agreement.id == row.id,
                Agreement.state == AgreementState.PROPOSED,
                Agreement.expires_on == row.expires_on,
                NOT_REMINDED,
            )
            .values(reminded_for=row.expires_on)
            .execution_options(synchronize_session=False)
        )
        if noted.rowcount != 1:  # answered or countered meanwhile
            continue
        answering = [
            org for org in (row.supplier_id, row.receiver_id) if org != row.proposer_id
        ]
        notify.tell(
            [m for org in answering for m in notify.members_of(org)],
            partial(_notice, row.title, row.expires_on),
            link=f"/agreements/{row.id}",
        )
        db.session.commit()
        reminded += 1
    return reminded
