"""Links sent by e-mail that act for one user: signed, timed, and spent by use.

A token names the user, a few values, and a fingerprint of the account's
password, session key and address. Changing any of them spends every link
made before, so a link works once when what it does changes one of them.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from symbiosis.extensions import db
from symbiosis.models import User
from symbiosis.models.base import id_from_text


def _signer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"symbiosis.{purpose}"
    )


def _fingerprint(user: User) -> str:
    seen = f"{user.password_hash}|{user.session_token}|{user.email}".encode()
    return hashlib.sha256(seen).hexdigest()[:20]


def sign(purpose: str, *values: str) -> str:
    """A token for ``purpose`` that carries ``values``."""
    return _signer(purpose).dumps(list(values))


def unsign(purpose: str, token: str, max_age: int) -> list[str] | None:
    """The values of a token signed for ``purpose`` less than ``max_age``
    seconds ago; None for one that is forged, for another purpose or expired."""
    try:
        found: Any = _signer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # expiry included
        return None
    if not isinstance(found, list):
        return None
    return [str(value) for value in found]


def token_for(purpose: str, user: User, *values: str) -> str:
    """A token that acts for ``user`` until the account changes."""
    return sign(purpose, str(user.id), _fingerprint(user), *values)


def read(purpose: str, token: str, max_age: int) -> tuple[User, list[str]] | None:
    """The active user a token still acts for, and its values; None for a
    token that is forged, made for another purpose, expired or spent."""
    found = unsign(purpose, token, max_age)
    if found is None or len(found) < 2:
        return None
    user_id, fingerprint, *values = found
    key = id_from_text(user_id)
    user = db.session.get(User, key) if key is not None else None
    if user is None or not user.is_active:
        return None
    if not secrets.compare_digest(_fingerprint(user), fingerprint):
        return None
    return user, values
