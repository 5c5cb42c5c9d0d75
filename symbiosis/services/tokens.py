"""API bearer tokens: created once, shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import ApiToken, User
from symbiosis.models.base import as_utc, utcnow

PREFIX = "sym_"
USE_NOTED_EVERY = timedelta(minutes=1)  # how often a token's last use is stored


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[str, ApiToken]:
    """Return the new token (shown once) and its stored record.

    :raises FieldErrors: for an empty or overlong name.
    """
    name = name.strip()
    if not name or len(name) > 80:
        raise FieldErrors(
            [("name", gettext("Name the token (at most 80 characters)."))]
        )
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user=user, name=name, digest=_digest(token), prefix=token[:8])
    db.session.add(record)
    db.session.commit()
    return token, record


@functools.cache  # loader options are immutable: built once, not per request
def _with_user() -> Any:
    """The token's user and organisation, in the token's own statement."""
    return joinedload(ApiToken.user).joinedload(User.organisation)


def user_for(token: str) -> User | None:
    """Return the active user whose live token this is, and note its use."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    record = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.digest == _digest(token), ApiToken.revoked_at.is_(None))
        .options(_with_user())
    )
    if record is None or not record.user.is_active:
        return None
    now = utcnow()
    last = record.last_used_at
    last = None if last is None else as_utc(last)
    # Noted to the minute: a write per request would serialise every API call
    # on SQLite's one writer and cost a commit each on PostgreSQL.
    if last is None or now - last >= USE_NOTED_EVERY:
        record.last_used_at = now
        db.session.commit()
    return record.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke(user: User, token_id: int) -> None:
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        raise NotAllowed(gettext("This token is not yours."))
    record.revoked_at = utcnow()
    db.session.commit()
