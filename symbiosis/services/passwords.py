"""Password hashing with argon2id, parameters taken from the app config."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# A hash to verify against when the e-mail is unknown, so that the response
# time does not tell which addresses have accounts.
_DUMMY: dict[tuple[int, int, int], str] = {}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, bool]:
    """Check ``password``; return (valid, needs_rehash).

    With ``stored_hash`` None a dummy hash is checked, costing the same time.
    """
    hasher = _hasher()
    if stored_hash is None:
        key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
        if key not in _DUMMY:
            _DUMMY[key] = hasher.hash("not-a-real-password")
        stored_hash = _DUMMY[key]
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(stored_hash, password)
        return False, False
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, hasher.check_needs_rehash(stored_hash)
