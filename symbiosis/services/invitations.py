"""An organisation's administrators invite colleagues by e-mail.

An invitation is stored, one per organisation and address
(:class:`symbiosis.models.Invitation`); its link is signed
(:mod:`symbiosis.services.signed_links`), carries the invitation's id and
key, and works for 14 days from sending. Whoever follows a live link with
that address joins as a member at once, since an administrator asked for
them: a new person registers on the spot, an existing account without an
organisation (or with a request pending elsewhere) joins after signing in.

The members page lists the invitations not yet accepted: an administrator
sends one again (a new link, 14 more days) or withdraws it (its links stop
working). Inviting an address again that accepted, or whose invitation was
withdrawn, starts a new invitation whose links are new too.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Invitation, InvitationState, Organisation, OrgRole, User
from symbiosis.models.base import as_id, id_from_text, utcnow
from symbiosis.services import activity, notify, signed_links
from symbiosis.services.accounts import (
    check_password_policy,
    find_user_by_email,
    new_user,
    normalise_email,
)

PURPOSE = "invitation"
# not accepted yet, whether its links still work or not
OPEN = (InvitationState.PENDING, InvitationState.EXPIRED)


def _max_age() -> int:
    return int(current_app.config["INVITATION_MAX_AGE_SECONDS"])


def invite(org: Organisation, email: str, by: User, locale: str) -> Invitation:
    """E-mail an invitation to join ``org`` to ``email``, in ``locale``
    (the invited person's own language when they have an account).

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
    now = utcnow()
    invitation = _stored(org, address)
    if invitation is None:
        invitation = new(org, address, by, now)
        try:
            with db.session.begin_nested():
                db.session.add(invitation)
        except sa.exc.IntegrityError:
            # another administrator invited the address at the same moment:
            # theirs is kept, and sent again below
            invitation = _stored(org, address)
            if invitation is None:
                raise
    if invitation.state(now) not in OPEN:
        invitation.key = _new_key()  # the links of the one before stay spent
        invitation.accepted_at = invitation.withdrawn_at = None
    _sent(invitation, by, now)
    _mail(invitation, by, (existing.locale if existing else None) or locale)
    activity.record("membership.invited", actor=by, subject=org)
    db.session.commit()
    return invitation


def new(org: Organisation, address: str, by: User | None, at: datetime) -> Invitation:
    """An open invitation of ``org`` to ``address``, sent by ``by`` at ``at``
    (not yet in the session; nothing is mailed)."""
    invitation = Invitation(organisation=org, email=address, key=_new_key())
    _sent(invitation, by, at)
    return invitation


def _sent(invitation: Invitation, by: User | None, at: datetime) -> None:
    invitation.invited_by = by
    invitation.sent_at = at
    invitation.expires_at = at + timedelta(seconds=_max_age())


def _stored(org: Organisation, address: str) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.organisation_id == org.id, Invitation.email == address
        )
    )


def _new_key() -> str:
    return secrets.token_urlsafe(12)


def _mail(invitation: Invitation, by: User, locale: str) -> None:
    token = signed_links.sign(PURPOSE, str(invitation.id), invitation.key)
    with force_locale(locale):
        notify.queue_mail(
            invitation.email,
            _("%(name)s invites you to Symbiosis", name=by.full_name),
            "\n\n".join(
                [
                    _(
                        "%(name)s invites you to join %(org)s on Symbiosis, where "
                        "firms and non-profits of Luxembourg's business parks "
                        "exchange what one has and another needs.",
                        name=by.full_name,
                        org=invitation.organisation.name,
                    ),
                    _("Accept within %(days)d days:", days=_max_age() // 86400),
                ]
            ),
            url_for("invitations.accept", token=token),
        )


def open_invitations(org: Organisation) -> list[Invitation]:
    """The invitations of ``org`` not accepted nor withdrawn, newest first
    (expired ones included: they can be sent again)."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.organisation_id == org.id,
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
            )
            .options(sa.orm.joinedload(Invitation.invited_by))
            .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        )
    )


def expired(org: Organisation) -> list[Invitation]:
    """The open invitations of ``org`` whose links no longer work."""
    now = utcnow()
    return [i for i in open_invitations(org) if i.state(now) == InvitationState.EXPIRED]


def find(org: Organisation, invitation_id: int) -> Invitation | None:
    """The invitation ``invitation_id`` of ``org`` (None for another's)."""
    key = as_id(invitation_id)
    invitation = db.session.get(Invitation, key) if key is not None else None
    if invitation is None or invitation.organisation_id != org.id:
        return None
    return invitation


def _still_open(invitation: Invitation) -> None:
    if invitation.state(utcnow()) not in OPEN:
        raise NotAllowed(
            _("This invitation was accepted or withdrawn: nothing was changed.")
        )


def send_again(invitation: Invitation, by: User, locale: str) -> Invitation:
    """Mail a new link for an open invitation, good for the full time again.

    :raises NotAllowed: for one accepted or withdrawn meanwhile.
    """
    _still_open(invitation)
    return invite(invitation.organisation, invitation.email, by, locale)


def withdraw(invitation: Invitation, by: User) -> None:
    """Spend the links of an open invitation.

    :raises NotAllowed: for one accepted or withdrawn meanwhile.
    """
    _still_open(invitation)
    invitation.withdrawn_at = utcnow()
    activity.record(
        "membership.invitation_withdrawn", actor=by, subject=invitation.organisation
    )
    db.session.commit()


def read(token: str) -> Invitation | None:
    """The invitation a token carries, or None (forged, expired, or for an
    invitation since renewed or deleted with its organisation). The caller
    looks at its :meth:`~symbiosis.models.Invitation.state`."""
    found = signed_links.unsign(PURPOSE, token, _max_age())
    if found is None or len(found) != 2:
        return None
    key = id_from_text(found[0])
    invitation = db.session.get(Invitation, key) if key is not None else None
    if invitation is None or not hmac.compare_digest(invitation.key, found[1]):
        return None
    return invitation


def closed(invitation: Invitation) -> str | None:
    """Why the links of ``invitation`` no longer work (None while pending)."""
    state = invitation.state(utcnow())
    if state == InvitationState.PENDING:
        return None
    org = invitation.organisation.name
    if state == InvitationState.ACCEPTED:
        return _("This invitation to %(org)s was already accepted.", org=org)
    if state == InvitationState.WITHDRAWN:
        return _("%(org)s withdrew this invitation.", org=org)
    return _("This invitation has expired: ask %(org)s for a new one.", org=org)


def refusal(invitation: Invitation, user: User) -> str | None:
    """Why ``user`` may not accept ``invitation`` (None when they may)."""
    reason = closed(invitation)
    if reason:
        return reason
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
    :raises NotAllowed: for an invitation no longer pending.
    """
    reason = closed(invitation)
    if reason:
        raise NotAllowed(reason)
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
    invitation.accepted_at = utcnow()
    db.session.flush()
    activity.record(
        "membership.joined",
        actor=user,
        subject=org,
        invited_by=invitation.invited_by_id,
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
