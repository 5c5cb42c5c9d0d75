"""Registration, sign-in and profile use cases."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, with_expression

from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.matching.normalise import fold
from symbiosis.models import MailNotices, Organisation, OrgRole, User, Zone
from symbiosis.models.base import id_from_text, utcnow
from symbiosis.services import membership_notices, notify, organisations
from symbiosis.services.passwords import hash_password, verify_password


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    kind: str
    nace_code: str | None = None
    zone_id: int | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.email == normalise_email(email))
    )


def check_password_policy(
    password: str, email: str, field: str
) -> list[tuple[str, str]]:
    """Return the reasons why ``password`` is too weak (empty when it is fine)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return [(field, _("Use at least %(n)d characters.", n=minimum))]
    local_part = normalise_email(email).split("@")[0]
    if local_part and fold(password) in {local_part, normalise_email(email)}:
        return [(field, _("The password must not be your e-mail address."))]
    if len(set(password)) < 4:
        return [(field, _("This password is too easy to guess."))]
    return []


def register(
    *,
    email: str,
    full_name: str,
    password: str,
    locale: str,
    new_organisation: NewOrganisation | None = None,
    join_organisation_id: int | None = None,
) -> User:
    """Create an account that founds an organisation or asks to join one.

    :raises FieldErrors: on a taken e-mail, weak password or bad organisation.
    """
    email = normalise_email(email)
    errors = check_password_policy(password, email, "password")
    if find_user_by_email(email) is not None:
        errors.append(("email", _("An account with this e-mail already exists.")))
    if new_organisation is None and join_organisation_id is None:
        errors.append(("mode", _("Create an organisation or choose one to join.")))
    join_target = None
    if join_organisation_id is not None:
        join_target = db.session.get(Organisation, join_organisation_id)
        if join_target is None:
            errors.append(
                ("join_organisation", _("Choose an organisation from the list."))
            )
    if new_organisation is not None:
        errors.extend(
            organisations.check_new(
                new_organisation.name,
                new_organisation.nace_code,
                new_organisation.zone_id,
            )
        )
    if errors:
        raise FieldErrors(errors)

    user = new_user(email, full_name, password, locale)
    try:
        if new_organisation is not None:
            org = organisations.create(
                name=new_organisation.name,
                kind=new_organisation.kind,
                nace_code=new_organisation.nace_code,
            )
            user.organisation = org
            user.org_role = OrgRole.ADMIN
            db.session.add(user)
            db.session.flush()
            if new_organisation.zone_id is not None:
                zone = db.session.get(Zone, new_organisation.zone_id)
                if zone is not None:  # checked above; a deleted zone is skipped
                    membership_notices.zone_asked(
                        organisations.add_zone_request(org, zone, user)
                    )
        else:
            user.organisation = join_target
            user.org_role = OrgRole.PENDING
            db.session.add(user)
            if join_target is not None:  # always: checked above
                membership_notices.join_asked(user, join_target)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return user


def new_user(email: str, full_name: str, password: str, locale: str) -> User:
    """An account not yet in the session, its password hashed, a session key
    of its own (the caller checks the values first)."""
    return User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        session_token=secrets.token_hex(16),
    )


def authenticate(email: str, password: str) -> User | None:
    """Return the user whose credentials these are, or None (timing-safe)."""
    user = find_user_by_email(email) if len(email) <= 254 else None
    valid, needs_rehash = verify_password(
        user.password_hash if user is not None else None, password
    )
    if user is None or not valid or not user.is_active:
        return None
    user.last_login_at = utcnow()
    if needs_rehash:
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def update_profile(
    user: User, *, full_name: str, locale: str, mail_notices: str | None = None
) -> None:
    """Save name, language and (when given) how notices are e-mailed."""
    user.full_name = full_name.strip()
    user.locale = locale
    if mail_notices is not None and mail_notices != user.mail_notices:
        if user.mail_notices not in (MailNotices.DAILY, MailNotices.WEEKLY):
            # The first summary starts from now: the notices so far were
            # e-mailed one by one, or not wanted by e-mail.
            user.digest_sent_at = utcnow()
        user.mail_notices = MailNotices(mail_notices)
    db.session.commit()


def change_password(user: User, *, current: str, new: str) -> None:
    """Change the password and end every other session of this user.

    :raises FieldErrors: when ``current`` is wrong, or ``new`` the same or too weak.
    """
    valid, _rehash = verify_password(user.password_hash, current)
    errors = [] if valid else [("current_password", _("This is not your password."))]
    if valid and new == current:
        same = _("Choose a password other than the one you have now.")
        errors.append(("new_password", same))
    else:
        errors += check_password_policy(new, user.email, "new_password")
    if errors:
        raise FieldErrors(errors)
    set_password(user, new)
    db.session.commit()


def set_password(user: User, new: str) -> None:
    """Store ``new`` and sign every session out (caller checks and commits)."""
    user.password_hash = hash_password(new)
    user.session_token = secrets.token_hex(16)


@functools.cache  # loader options are immutable: built once, not per request
def _signed_in_user_shows() -> tuple[Any, ...]:
    """Every page shows the organisation and the unread notifications and asks
    whether the user manages a zone: one statement for the four, not four
    round trips."""
    return (
        joinedload(User.organisation),
        joinedload(User.managed_zones),
        with_expression(User.unread_notifications, notify.unread_of_user()),
    )


def load_user(session_id: str) -> User | None:
    """Flask-Login loader: ``"<id>:<token>"`` must match the stored token."""
    user_id, _sep, token = session_id.partition(":")
    key = id_from_text(user_id)
    if key is None:
        return None
    user = db.session.get(User, key, options=_signed_in_user_shows())
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user
