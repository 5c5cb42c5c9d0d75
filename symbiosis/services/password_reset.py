"""A forgotten password: a link by e-mail, good for one reset within an hour.

The link carries a signed, timed token (:mod:`symbiosis.services.signed_links`).
Setting a new password changes the account's fingerprint in it, so a link
works once, and any earlier link stops working as well. Asking for a
link answers the same whether the address has an account or not: the page
tells nothing of who is registered.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale

from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import User
from symbiosis.services import notify, signed_links
from symbiosis.services.accounts import (
    check_password_policy,
    find_user_by_email,
    set_password,
)

PURPOSE = "password-reset"


def token_for(user: User) -> str:
    return signed_links.token_for(PURPOSE, user)


def user_for(token: str) -> User | None:
    """The active user a token still lets set a password, or None (a token
    that is forged, expired, already used or outdated by a newer password)."""
    found = signed_links.read(
        PURPOSE, token, current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    )
    return found[0] if found is not None else None


def ask(email: str) -> None:
    """E-mail a reset link to the account of ``email``, if there is an active one."""
    user = find_user_by_email(email) if len(email) <= 254 else None
    if user is not None and user.is_active:
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 60
        link = url_for("auth.reset_password", token=token_for(user))
        with force_locale(user.locale or notify.DEFAULT_LOCALE):
            subject = _("Choose a new password for Symbiosis")
            body = "\n".join(
                [
                    _("Hello %(name)s,", name=user.full_name),
                    "",
                    _(
                        "Someone, probably you, asked to choose a new password "
                        "for your Symbiosis account. The link below lets you do "
                        "it once, within %(minutes)d minutes:",
                        minutes=minutes,
                    ),
                ]
            )
            footer = _(
                "If you did not ask for it, ignore this e-mail: your password "
                "stays as it is."
            )
        notify.queue_mail(user.email, subject, body, link, footer=footer)
        current_app.logger.info("password reset link sent to user %s", user.id)
    db.session.commit()  # the e-mail goes out once the transaction ends


def reset(user: User, new: str) -> None:
    """Set ``user``'s password and sign every session out.

    :raises FieldErrors: when ``new`` is too weak.
    """
    errors = check_password_policy(new, user.email, "password")
    if errors:
        raise FieldErrors(errors)
    set_password(user, new)
    db.session.commit()
    current_app.logger.info("password of user %s set from a reset link", user.id)
