"""Invitations stored as the members page's form leaves them, without mail."""

from __future__ import annotations

import secrets
from datetime import timedelta

from symbiosis.extensions import db
from symbiosis.models import Invitation, Organisation, User
from symbiosis.models.base import utcnow
from symbiosis.services import invitations


def make_invitation(
    *,
    org: Organisation,
    by: User | None = None,
    email: str | None = None,
    days_ago: int = 0,
) -> Invitation:
    """An open invitation of ``org``, sent ``days_ago`` (good for 14 days)."""
    address = email or f"invitee-{secrets.token_hex(3)}@example.lu"
    invitation = invitations.new(org, address, by, utcnow() - timedelta(days=days_ago))
    db.session.add(invitation)
    db.session.flush()
    return invitation
