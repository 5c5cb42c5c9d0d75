"""A user's own data: a copy of it to take away, and closing the account.

Closing deletes the user's row. What the user did for an organisation stays
with it (listings, agreements, messages, the activity log) without the name:
the database sets those references to NULL. Notifications, API tokens and
zone-manager roles go with the account. An organisation keeps at least one
administrator while it has members, and the network keeps a facilitator;
when the last member of an organisation leaves, its active listings are
paused, since nobody is left to answer for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from symbiosis import jobs
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import (
    ActivityEntry,
    ApiToken,
    Listing,
    Notification,
    SavedSearch,
    User,
)
from symbiosis.services import activity, membership_notices, organisations
from symbiosis.services.passwords import verify_password


def obstacles(user: User) -> list[str]:
    """Why ``user`` may not close the account now (empty when it may)."""
    found = []
    refusal = organisations.last_admin_refusal(user)
    if refusal:
        found.append(refusal)
    if user.is_facilitator:
        others = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.is_facilitator.is_(True),
                User.active.is_(True),
                User.id != user.id,
            )
        )
        if not others:
            found.append(
                _("You are the network's only facilitator: name another one first.")
            )
    return found


def close(user: User, password: str) -> int:
    """Delete ``user``'s account once the password confirms it.

    :returns: how many listings of the organisation were paused.
    :raises FieldErrors: when ``password`` is not the user's.
    :raises NotAllowed: for one of :func:`obstacles`.
    """
    valid, _rehash = verify_password(user.password_hash, password)
    if not valid:
        raise FieldErrors([("password", _("This is not your password."))])
    refusals = obstacles(user)
    if refusals:
        raise NotAllowed(refusals[0])
    paused: list[int] = []
    org = user.organisation if user.is_org_member else None
    if org is not None:
        paused = organisations.pause_if_left_alone(org, user)
        # no name in the log: the account and what names its owner are gone
        activity.record(
            "membership.closed",
            actor=user,  # set to NULL with the account; the organisation stays
            subject=org,
            paused_listings=len(paused) or None,
        )
        membership_notices.member_left(user, org)
    db.session.delete(user)
    db.session.commit()
    for listing_id in paused:  # their matches are withdrawn, as on a pause
        jobs.enqueue("match_listing", listing_id)
    return len(paused)


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _rows_of(column: Any, user_id: int) -> Iterable[Any]:
    """The rows of ``column``'s table that name the user there, oldest first."""
    model = column.class_
    return db.session.scalars(
        sa.select(model).where(column == user_id).order_by(model.id)
    )


def personal_data(user: User) -> dict[str, Any]:
    """What Symbiosis holds on ``user``, as plain JSON-ready values."""
    org = user.organisation
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.locale,
            "mail_notices": str(user.mail_notices),
            "created_at": _when(user.created_at),
            "last_sign_in_at": _when(user.last_login_at),
            "facilitator": user.is_facilitator,
            "calendar_address_on": bool(user.calendar_key),
        },
        "organisation": None
        if org is None
        else {"id": org.id, "name": org.name, "role": user.org_role},
        "managed_zones": [{"id": z.id, "name": z.name} for z in user.managed_zones],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in _rows_of(ApiToken.user_id, user.id)
        ],
        "followed_searches": [
            {
                "name": x.name,
                "filters": x.filters,
                "created_at": _when(x.created_at),
                "last_notice_at": _when(x.alerted_at),
            }
            for x in _rows_of(SavedSearch.user_id, user.id)
        ],
        "listings_posted": [
            {
                "id": x.id,
                "kind": x.kind,
                "title": x.title,
                "state": x.state,
                "created_at": _when(x.created_at),
            }
            for x in _rows_of(Listing.created_by_id, user.id)
        ],
        "notifications": [
            {
                "subject": n.subject,
                "body": n.body,
                "link": n.link,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in _rows_of(Notification.user_id, user.id)
        ],
        "activity": [
            {
                "at": _when(a.at),
                "action": a.action,
                "subject_type": a.subject_type,
                "subject_id": a.subject_id,
                "details": a.details,
            }
            for a in _rows_of(ActivityEntry.actor_id, user.id)
        ],
    }
