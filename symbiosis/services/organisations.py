"""Organisations: creation, profile, members and zone requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from symbiosis import jobs
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.matching.normalise import fold, slugify
from symbiosis.models import (
    Listing,
    NaceCode,
    Organisation,
    OrgKind,
    OrgRole,
    Sdg,
    User,
    Zone,
    ZoneRequest,
    ZoneRequestState,
)
from symbiosis.services import activity, membership_notices
from symbiosis.workflow.listing import ListingState


def name_taken(name: str, *, except_id: int | None = None) -> bool:
    query = sa.select(Organisation.id).where(Organisation.name_key == fold(name))
    if except_id is not None:
        query = query.where(Organisation.id != except_id)
    return db.session.scalar(query) is not None


def check_new(
    name: str,
    nace_code: str | None,
    zone_id: int | None,
    *,
    except_id: int | None = None,
    name_field: str = "org_name",
) -> list[tuple[str, str]]:
    """Return field errors for a new or renamed organisation."""
    errors = []
    if name_taken(name, except_id=except_id):
        errors.append(
            (name_field, _("An organisation with this name exists; ask to join it."))
        )
    if nace_code and db.session.get(NaceCode, nace_code) is None:
        errors.append(("nace_code", _("Unknown NACE code.")))
    if zone_id is not None and db.session.get(Zone, zone_id) is None:
        errors.append(("zone", _("Unknown zone.")))
    return errors


def _unique_slug(name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while db.session.scalar(
        sa.select(Organisation.id).where(Organisation.slug == slug)
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create(
    *, name: str, kind: str, nace_code: str | None = None, **fields: object
) -> Organisation:
    """Add an organisation to the session (the caller commits)."""
    if kind not in tuple(OrgKind):
        raise FieldErrors([("org_kind", _("Choose a kind of organisation."))])
    org = Organisation(
        name=name.strip(),
        name_key=fold(name),
        slug=_unique_slug(name),
        kind=kind,
        nace_code=nace_code or None,
        **fields,
    )
    db.session.add(org)
    return org


def add_zone_request(org: Organisation, zone: Zone, by: User) -> ZoneRequest:
    """Queue a request to join ``zone``; replaces an open one (caller commits)."""
    for request in org.zone_requests:
        if request.state == ZoneRequestState.PENDING:
            request.state = ZoneRequestState.CANCELLED
    request = ZoneRequest(zone=zone, organisation=org, requested_by=by)
    org.zone_requests.insert(0, request)
    return request


def request_zone(org: Organisation, zone_id: int, by: User) -> ZoneRequest:
    """Ask the manager of a zone to admit the organisation.

    :raises FieldErrors: for an unknown zone or the zone it is already in.
    """
    zone = db.session.get(Zone, zone_id)
    if zone is None:
        raise FieldErrors([("zone", _("Unknown zone."))])
    if org.zone_id == zone.id:
        raise FieldErrors([("zone", _("Your organisation is already in this zone."))])
    request = add_zone_request(org, zone, by)
    membership_notices.zone_asked(request)
    db.session.commit()
    return request


@dataclass(frozen=True)
class Profile:
    """The editable fields of an organisation's profile."""

    name: str
    kind: str
    nace_code: str | None = None
    description: str | None = None
    website: str | None = None
    street: str | None = None
    postcode: str | None = None
    locality: str | None = None
    lat: float | None = None
    lon: float | None = None
    sdgs: Sequence[int] = ()


def update_profile(org: Organisation, profile: Profile) -> None:
    """Save the profile form.

    :raises FieldErrors: on a taken name, unknown kind or NACE code.
    """
    errors = check_new(
        profile.name, profile.nace_code, None, except_id=org.id, name_field="name"
    )
    if profile.kind not in tuple(OrgKind):
        errors.append(("kind", _("Choose a kind of organisation.")))
    if errors:
        raise FieldErrors(errors)
    for key, value in asdict(profile).items():
        if key != "sdgs":
            setattr(org, key, value.strip() if isinstance(value, str) else value)
            if getattr(org, key) == "":
                setattr(org, key, None)
    org.name_key = fold(profile.name)
    numbers = list(profile.sdgs)
    org.sdgs = list(db.session.scalars(sa.select(Sdg).where(Sdg.number.in_(numbers))))
    db.session.commit()


def members(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == org.id)
            .order_by(User.org_role, User.full_name)
        )
    )


def _member_of(org: Organisation, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != org.id:
        raise NotAllowed(_("This person is not a member of your organisation."))
    return user


def _admins_left(org: Organisation, without: User) -> int:
    return sum(
        1 for u in members(org) if u.org_role == OrgRole.ADMIN and u.id != without.id
    )


def change_member(org: Organisation, user_id: int, action: str, by: User) -> User:
    """Accept, refuse, promote, demote or remove a member of ``org``.

    :raises NotAllowed: for a stranger, an unknown action or the last admin.
    """
    user = _member_of(org, user_id)
    pending = user.org_role == OrgRole.PENDING
    if action in {"accept", "refuse"} and not pending:
        raise NotAllowed(_("This request was already answered."))
    if action in {"promote", "demote"} and pending:
        raise NotAllowed(_("Accept the request first."))
    last_admin = user.org_role == OrgRole.ADMIN and _admins_left(org, user) == 0
    if action in {"demote", "remove"} and last_admin:
        raise NotAllowed(_("An organisation keeps at least one administrator."))
    match action:
        case "accept":
            user.org_role = OrgRole.MEMBER
        case "promote":
            user.org_role = OrgRole.ADMIN
        case "demote":
            user.org_role = OrgRole.MEMBER
        case "refuse" | "remove":
            user.organisation = None
            user.org_role = None
        case _:
            raise NotAllowed(_("Unknown action."))
    activity.record(
        activity.step_key("membership", action),
        actor=by,
        subject=org,
        member=user.full_name,
        member_id=user.id,
    )
    membership_notices.member_changed(user, org, action)
    db.session.commit()
    return user


def ask_to_join(user: User, org_id: int) -> None:
    """Let a user without organisation ask to join one.

    :raises FieldErrors: for an unknown organisation or a user already in one.
    """
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise FieldErrors(
            [("join_organisation", _("Choose an organisation from the list."))]
        )
    if user.is_org_member:
        raise FieldErrors(
            [("join_organisation", _("You already belong to an organisation."))]
        )
    user.organisation = org
    user.org_role = OrgRole.PENDING
    membership_notices.join_asked(user, org)
    db.session.commit()


def last_admin_refusal(user: User) -> str | None:
    """Why ``user`` may not leave now: the last administrator of an
    organisation that has other members hands over first (None: free to go)."""
    org = user.organisation
    if org is None or user.org_role != OrgRole.ADMIN:
        return None
    others = [m for m in members(org) if m.id != user.id]
    if any(m.is_org_member for m in others) and not any(
        m.org_role == OrgRole.ADMIN for m in others
    ):
        return _(
            "You are the last administrator of %(org)s: make another member "
            "administrator first.",
            org=org.name,
        )
    return None


def pause_if_left_alone(org: Organisation, leaving: User) -> list[int]:
    """Pause the active listings of ``org`` when ``leaving`` is its last
    member: nobody would be left to answer for them (caller commits)."""
    if any(m.id != leaving.id and m.is_org_member for m in members(org)):
        return []
    paused = []
    for listing in db.session.scalars(
        sa.select(Listing).where(
            Listing.organisation_id == org.id, Listing.state == ListingState.ACTIVE
        )
    ):
        listing.state = ListingState.PAUSED
        paused.append(listing.id)
    return paused


def leave(user: User) -> list[int]:
    """Take ``user`` out of their organisation, or withdraw their pending
    request to join one.

    :returns: the ids of the listings paused (see :func:`pause_if_left_alone`).
    :raises NotAllowed: for a user in no organisation, or the last administrator.
    """
    org = user.organisation
    if org is None:
        raise NotAllowed(_("You belong to no organisation."))
    paused: list[int] = []
    if user.is_org_member:
        refusal = last_admin_refusal(user)
        if refusal:
            raise NotAllowed(refusal)
        paused = pause_if_left_alone(org, user)
        activity.record(
            "membership.left",
            actor=user,
            subject=org,
            paused_listings=len(paused) or None,
        )
        membership_notices.member_left(user, org)
    user.organisation = None
    user.org_role = None
    db.session.commit()
    for listing_id in paused:  # their matches are withdrawn, as on a pause
        jobs.enqueue("match_listing", listing_id)
    return paused
