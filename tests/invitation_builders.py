"""Invitations stored as the members page's form leaves them, without mail."""

from __future__ import annotations

import secrets
from datetime import timedelta

from symbiosis.extensions import db
from symbiosis.models import Invitation, Organisation, User
from symbiosis.models.base import utcnow


def make_invitation(
    *,
    org: Organisation,
    by: User | None = None,
    email: str | None = None,
    days_ago: int = 0,
    days: int = 14,
) -> Invitation:
    """An open invitation of ``org``, sent ``days_ago`` and good for ``days``."""
    sent = utcnow() - timedelta(days=days_ago)
    invitation = Invitation(
        organisation=org,
        email=email or f"invitee-{secrets.token_hex(3)}@example.lu",
        invited_by=by,
        key=secrets.token_urlsafe(12),
        sent_at=sent,
        expires_at=sent + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation
