"""Who hears of membership and zone requests, and of the answers.

A request to join an organisation reaches its administrators; the answer,
and any later change of role, reaches the person. A request to join a zone
reaches the zone's managers; their answer reaches the organisation's
administrators. Each notice is added to the caller's transaction (the
caller commits) and written in each reader's own language. Links are plain
paths: these run outside requests too (the worker, the command line).
"""

from __future__ import annotations

from symbiosis.i18n import gettext as _
from symbiosis.models import (
    Organisation,
    OrgRole,
    User,
    ZoneRequest,
    ZoneRequestState,
)
from symbiosis.services import notify


def admins_of(org: Organisation, *, besides: User | None = None) -> list[User]:
    return [
        m
        for m in notify.members_of(org.id)
        if m.org_role == OrgRole.ADMIN and (besides is None or m.id != besides.id)
    ]


def join_asked(user: User, org: Organisation) -> None:
    """``user`` asked to join ``org``: its administrators decide."""
    notify.tell(
        admins_of(org),
        lambda: (
            _("%(name)s asks to join %(org)s", name=user.full_name, org=org.name),
            _(
                "%(name)s (%(email)s) asks to join %(org)s. Accept or refuse "
                "on the members page.",
                name=user.full_name,
                email=user.email,
                org=org.name,
            ),
        ),
        f"/organisations/{org.id}/members",
    )


def member_changed(user: User, org: Organisation, action: str) -> None:
    """Tell ``user`` what an administrator of ``org`` decided for them."""

    def write() -> tuple[str, str]:
        match action:
            case "accept":
                text = _("You are now a member of %(org)s.", org=org.name)
            case "refuse":
                text = _("Your request to join %(org)s was refused.", org=org.name)
            case "promote":
                text = _("You are now an administrator of %(org)s.", org=org.name)
            case "demote":
                text = _("You are no longer an administrator of %(org)s.", org=org.name)
            case _:
                text = _("You are no longer a member of %(org)s.", org=org.name)
        return text, text

    link = (
        f"/organisations/{org.id}"
        if action in {"accept", "promote", "demote"}
        else "/account/"
    )
    notify.tell([user], write, link)


def member_left(user: User, org: Organisation) -> None:
    """``user`` left ``org`` (or closed the account): its administrators hear."""
    name = user.full_name
    notify.tell(
        admins_of(org, besides=user),
        lambda: (
            _("%(name)s left %(org)s", name=name, org=org.name),
            _("%(name)s is no longer a member of %(org)s.", name=name, org=org.name),
        ),
        f"/organisations/{org.id}/members",
    )


def zone_asked(request: ZoneRequest) -> None:
    """An organisation asked to join a zone: its managers decide."""
    org, zone = request.organisation, request.zone
    notify.tell(
        list(zone.managers),
        lambda: (
            _("%(org)s asks to join %(zone)s", org=org.name, zone=zone.name),
            _(
                "%(org)s asks to join the zone %(zone)s. Approve or reject it "
                "among the zone requests.",
                org=org.name,
                zone=zone.name,
            ),
        ),
        "/zones/requests",
    )


def zone_decided(request: ZoneRequest) -> None:
    """Tell the organisation's administrators how their zone request ended."""
    org, zone = request.organisation, request.zone
    approved = request.state == ZoneRequestState.APPROVED

    def write() -> tuple[str, str]:
        if approved:
            text = _(
                "%(org)s is now in the zone %(zone)s.", org=org.name, zone=zone.name
            )
            return text, text
        subject = _(
            "The zone %(zone)s did not admit %(org)s", zone=zone.name, org=org.name
        )
        return subject, _("Reason given: %(reason)s", reason=request.reason or "")

    notify.tell(admins_of(org), write, f"/organisations/{org.id}")
