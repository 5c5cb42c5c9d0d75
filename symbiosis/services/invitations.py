"""An organisation's administrators invite colleagues by e-mail.

The invitation is a signed link (:mod:`symbiosis.services.signed_links`)
naming the organisation, the address and who invited, good for 14 days.
Whoever follows it with that address joins as a member at once, since an
administrator asked for them: a new person registers on the spot, an
existing account without an organisation (or with a request pending
elsewhere) joins after signing in. Nothing is stored until then.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Organisation, OrgRole, User
from symbiosis.models.base import id_from_text
from symbiosis.services import activity, notify, signed_links
from symbiosis.services.accounts import (
    check_password_policy,
    find_user_by_email,
    new_user,
    normalise_email,
)

PURPOSE = "invitation"


@dataclass(frozen=True)
class Invitation:
    organisation: Organisation
    email: str
    inviter_id: int | None


def invite(org: Organisation, email: str, by: User, locale: str) -> str:
    """E-mail an invitation to join ``org`` to ``email``, in ``locale``.

    :returns: the address, as stored.
    :raises FieldErrors: for an address that is already a member's.
    """
    address = normalise_email(email)
    existing = find_user_by_email(address)
    if (
        existing is not None
        and existing.organisation_id == org.id
        and (existing.is_org_member)
    ):
        raise FieldErrors([("email", _("This person is already a member."))])
    days = current_app.config["INVITATION_MAX_AGE_SECONDS"] // 86400
    token = signed_links.sign(PURPOSE, str(org.id), address, str(by.id))
    with force_locale((existing.locale if existing else None) or locale):
        notify.queue_mail(
            address,
            _("%(name)s invites you to Symbiosis", name=by.full_name),
            "\n\n".join(
                [
                    _(
                        "%(name)s invites you to join %(org)s on Symbiosis, where "
                        "firms and non-profits of Luxembourg's business parks "
                        "exchange what one has and another needs.",
                        name=by.full_name,
                        org=org.name,
                    ),
                    _("Accept within %(days)d days:", days=days),
                ]
            ),
            url_for("invitations.accept", token=token),
        )
    activity.record("membership.invited", actor=by, subject=org)
    db.session.commit()
    return address


def read(token: str) -> Invitation | None:
    """The invitation a token carries, or None (forged, expired, or for an
    organisation that no longer exists)."""
    found = signed_links.unsign(
        PURPOSE, token, current_app.config["INVITATION_MAX_AGE_SECONDS"]
    )
    if found is None or len(found) != 3:
        return None
    org_key = id_from_text(found[0])
    org = db.session.get(Organisation, org_key) if org_key is not None else None
    if org is None:
        return None
    return Invitation(org, found[1], id_from_text(found[2]))


def refusal(invitation: Invitation, user: User) -> str | None:
    """Why ``user`` may not accept ``invitation`` (None when they may)."""
    if user.email != invitation.email:
        return _(
            "This invitation is for %(email)s: sign in with that address.",
            email=invitation.email,
        )
    if user.organisation_id == invitation.organisation.id and user.is_org_member:
        return _(
            "You are already a member of %(org)s.", org=invitation.organisation.name
        )
    if user.is_org_member:
        return _(
            "You belong to %(org)s: an account belongs to one organisation.",
            org=user.organisation.name if user.organisation else "",
        )
    return None


def join(invitation: Invitation, user: User) -> None:
    """Make the signed-in ``user`` a member of the inviting organisation.

    :raises NotAllowed: for one of :func:`refusal`.
    """
    reason = refusal(invitation, user)
    if reason:
        raise NotAllowed(reason)
    _admit(invitation, user)
    db.session.commit()


def register(
    invitation: Invitation, *, full_name: str, password: str, locale: str
) -> User:
    """Create the account of the invited address, a member at once.

    :raises FieldErrors: for a weak password, or an account made meanwhile.
    """
    errors = check_password_policy(password, invitation.email, "password")
    if find_user_by_email(invitation.email) is not None:
        errors.append(
            ("email", _("An account with this e-mail already exists: sign in."))
        )
    if errors:
        raise FieldErrors(errors)
    user = new_user(invitation.email, full_name, password, locale)
    db.session.add(user)
    _admit(invitation, user)
    db.session.commit()
    return user


def _admit(invitation: Invitation, user: User) -> None:
    org = invitation.organisation
    user.organisation = org
    user.org_role = OrgRole.MEMBER
    db.session.flush()
    activity.record(
        "membership.joined", actor=user, subject=org, invited_by=invitation.inviter_id
    )
    admins = [
        m
        for m in notify.members_of(org.id)
        if m.org_role == OrgRole.ADMIN and m.id != user.id
    ]
    notify.tell(
        admins,
        lambda: (
            _("%(name)s joined %(org)s", name=user.full_name, org=org.name),
            _(
                "%(name)s accepted the invitation to %(org)s.",
                name=user.full_name,
                org=org.name,
            ),
        ),
        f"/organisations/{org.id}/members",
    )
