"""A new e-mail address for an account: confirmed from that address.

Asking needs the password. A link goes to the new address, good for a day
(:mod:`symbiosis.services.signed_links`); the old address is told of the
request, so that a stranger who got into the account cannot move it away
unseen. Nothing changes until the link is followed and confirmed; once the
address changed, the link is spent.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import User
from symbiosis.services import notify, signed_links
from symbiosis.services.accounts import find_user_by_email, normalise_email
from symbiosis.services.passwords import verify_password

PURPOSE = "email-change"


def ask(user: User, new_email: str, password: str) -> str:
    """Send the confirmation link to ``new_email`` and a word to the old one.

    :returns: the new address, as it will be stored.
    :raises FieldErrors: for a wrong password, or an address that is already
        the user's or another account's.
    """
    new = normalise_email(new_email)
    valid, _rehash = verify_password(user.password_hash, password)
    errors = [] if valid else [("password", _("This is not your password."))]
    if new == user.email:
        errors.append(("new_email", _("This is already your address.")))
    elif find_user_by_email(new) is not None:
        errors.append(("new_email", _("Another account uses this address.")))
    if errors:
        raise FieldErrors(errors)
    hours = current_app.config["EMAIL_CHANGE_MAX_AGE_SECONDS"] // 3600
    link = url_for(
        "account.email_confirm", token=signed_links.token_for(PURPOSE, user, new)
    )
    with force_locale(user.locale or notify.DEFAULT_LOCALE):
        hello = _("Hello %(name)s,", name=user.full_name)
        notify.queue_mail(
            new,
            _("Confirm your new e-mail address on Symbiosis"),
            "\n\n".join(
                [
                    hello,
                    _(
                        "To sign in to Symbiosis with %(email)s from now on, "
                        "open this link within %(hours)d hours and confirm:",
                        email=new,
                        hours=hours,
                    ),
                ]
            ),
            link,
            footer=_("If you did not ask for it, ignore this e-mail: nothing changes."),
        )
        notify.queue_mail(
            user.email,
            _("A new e-mail address was asked for your Symbiosis account"),
            "\n\n".join(
                [
                    hello,
                    _(
                        "Someone signed in to your account asked to use %(email)s "
                        "instead of this address. Nothing changes until that "
                        "address confirms it. If it was not you, change your "
                        "password now:",
                        email=new,
                    ),
                ]
            ),
            url_for("account.profile"),
        )
    db.session.commit()
    return new


def pending(token: str) -> tuple[User, str] | None:
    """The user and the new address a link still confirms, or None."""
    found = signed_links.read(
        PURPOSE, token, current_app.config["EMAIL_CHANGE_MAX_AGE_SECONDS"]
    )
    if found is None or len(found[1]) != 1:
        return None
    user, (new,) = found
    return user, new


def confirm(user: User, new: str) -> None:
    """Make ``new`` the user's address.

    :raises NotAllowed: when another account took it in the meantime.
    """
    taken = db.session.scalar(
        sa.select(User.id).where(User.email == new, User.id != user.id)
    )
    if taken is not None:
        raise NotAllowed(_("Another account uses this address."))
    user.email = new
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # taken at the same moment
        db.session.rollback()
        raise NotAllowed(_("Another account uses this address.")) from None
    current_app.logger.info("user %s changed their e-mail address", user.id)
