"""The one place where access rules live.

Every view declares a permission with :func:`requires` (or :func:`public`); a
``before_request`` hook refuses any endpoint that declared nothing. Views, API
and services ask :func:`can` for object-level decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, has_request_context, request
from flask_login import current_user

from symbiosis.extensions import db
from symbiosis.models import Agreement, Listing, Organisation, User, Zone
from symbiosis.models.working_group import WorkingGroup
from symbiosis.workflow.listing import ListingState

F = TypeVar("F", bound=Callable[..., Any])

ATTR = "_symbiosis_permission"


class Perm(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    ORG_MEMBER = "org_member"  # an accepted member of some organisation
    VIEW_ORG_PRIVATE = "view_org_private"  # obj: Organisation
    MANAGE_ORG = "manage_org"  # obj: Organisation (profile, zone request)
    MANAGE_ORG_MEMBERS = "manage_org_members"  # obj: Organisation
    MANAGE_ZONE = "manage_zone"  # obj: Zone
    FACILITATOR = "facilitator"
    POST_LISTING = "post_listing"  # for one's organisation (facilitators: any)
    VIEW_LISTING = "view_listing"  # obj: Listing
    EDIT_LISTING = "edit_listing"  # obj: Listing
    SEE_LISTING_OWNER = "see_listing_owner"  # obj: Listing (anonymity)
    VIEW_AGREEMENT = "view_agreement"  # obj: Agreement (parties, facilitators)
    ACT_ON_AGREEMENT = "act_on_agreement"  # obj: Agreement (the two parties)
    # obj: WorkingGroup (its members, the zone manager, facilitators) or Zone
    VIEW_WORKING_GROUP = "view_working_group"
    # Pooled services: propose in one's zone (members, its manager, facilitators)
    PROPOSE_POOLED = "propose_pooled"
    # Network statistics: obj Zone (its managers, facilitators); every zone at
    # once: facilitators only.
    VIEW_STATS = "view_stats"
    # The activity log of important actions: facilitators only.
    VIEW_ACTIVITY = "view_activity"
    # Matchmaking events: facilitators create, plan and publish them.
    MANAGE_EVENTS = "manage_events"
    # Register an organisation for an event: obj Organisation (its members and
    # admins; facilitators register any organisation).
    REGISTER_EVENT = "register_event"
    # Record a partnership signed at an event: facilitators, or people of one
    # of the two partners (the service checks which organisations).
    RECORD_PARTNERSHIP = "record_partnership"


def _role_level(user: User, perm: Perm) -> bool:
    """Could ``user`` hold ``perm`` on at least one object?"""
    match perm:
        case Perm.PUBLIC:
            return True
        case Perm.SIGNED_IN:
            return True
        case Perm.ORG_MEMBER:
            return user.is_org_member
        case Perm.VIEW_ORG_PRIVATE:
            return user.is_org_member or user.is_facilitator
        case Perm.MANAGE_ORG:
            return user.is_org_admin or user.is_facilitator
        case Perm.MANAGE_ORG_MEMBERS:
            return user.is_org_admin
        case Perm.MANAGE_ZONE:
            return user.is_zone_manager or user.is_facilitator
        case Perm.FACILITATOR:
            return user.is_facilitator
        case Perm.POST_LISTING | Perm.EDIT_LISTING:
            return user.is_org_member or user.is_facilitator
        case Perm.VIEW_LISTING | Perm.SEE_LISTING_OWNER:
            return True
        case Perm.VIEW_AGREEMENT:
            return user.is_org_member or user.is_facilitator
        case Perm.ACT_ON_AGREEMENT:
            return user.is_org_member
        case Perm.PROPOSE_POOLED:
            return user.is_org_member or user.is_zone_manager or user.is_facilitator
        case Perm.VIEW_WORKING_GROUP:
            return user.is_org_member or user.is_zone_manager or user.is_facilitator
        case Perm.VIEW_STATS:
            return user.is_zone_manager or user.is_facilitator
        case Perm.VIEW_ACTIVITY:
            return user.is_facilitator
        case Perm.MANAGE_EVENTS:
            return user.is_facilitator
        case Perm.REGISTER_EVENT:
            return user.is_org_member or user.is_facilitator
        case Perm.RECORD_PARTNERSHIP:
            return user.is_org_member or user.is_facilitator
    return False  # pragma: no cover - every member of Perm is handled above


def _listing_rules(user: User, perm: Perm, listing: Listing) -> bool:
    owner = user.is_org_member and user.organisation_id == listing.organisation_id
    match perm:
        case Perm.VIEW_LISTING:
            return listing.state == ListingState.ACTIVE or owner or user.is_facilitator
        case Perm.EDIT_LISTING:
            return owner or user.is_facilitator
        case Perm.SEE_LISTING_OWNER:
            # Anonymous listings hide their firm from every other firm (and from
            # zone managers); the facilitator, who runs the network, sees it.
            return (
                not listing.anonymous
                or owner
                or user.is_facilitator
                or _revealed_by_agreement(user, listing)
            )
    return False


def _revealed_by_agreement(user: User, listing: Listing) -> bool:
    """Parties of an accepted agreement on ``listing`` know who posted it."""
    if not user.is_org_member:
        return False
    known = _known_reveals(user.organisation_id)
    if known is not None and listing.id in known:
        return known[listing.id]
    found = listing.id in revealed_among(user.organisation_id, [listing.id])
    if known is not None:
        known[listing.id] = found
    return found


def _known_reveals(org: int | None) -> dict[int, bool] | None:
    """What this page already read, by listing id; None outside a GET (a step
    taken in the request may reveal a party)."""
    if not has_request_context() or request.method != "GET":
        return None
    kept: dict[int | None, dict[int, bool]] = g.setdefault("revealed_listings", {})
    return kept.setdefault(org, {})


def revealed_among(org: int | None, listing_ids: list[int]) -> set[int]:
    """Those of ``listing_ids`` on an agreement of ``org`` whose parties know
    each other (indexed by listing: the cost follows the listings asked, not
    the organisation's agreements)."""
    rows = db.session.execute(
        sa.select(Agreement.offer_id, Agreement.request_id).where(
            sa.or_(
                Agreement.offer_id.in_(listing_ids),
                Agreement.request_id.in_(listing_ids),
            ),
            sa.or_(Agreement.supplier_id == org, Agreement.receiver_id == org),
            Agreement.revealed_at.is_not(None),
        )
    )
    asked = set(listing_ids)
    return {listing_id for pair in rows for listing_id in pair if listing_id in asked}


def learn_owners(user: Any, listings: Iterable[Listing]) -> None:
    """Before a page shows several listings: one statement tells which of
    their anonymous ones ``user``'s organisation may see the firm of, instead
    of one per listing (SEE_LISTING_OWNER then answers from memory)."""
    if user is None or not user.is_authenticated or not user.is_org_member:
        return
    org = user.organisation_id
    known = _known_reveals(org)
    if known is None or user.is_facilitator:
        return
    wanted = list(
        dict.fromkeys(
            x.id
            for x in listings
            if x.anonymous and x.organisation_id != org and x.id not in known
        )
    )
    if wanted:
        found = revealed_among(org, wanted)
        known.update((listing_id, listing_id in found) for listing_id in wanted)


def _agreement_rules(user: User, perm: Perm, agreement: Agreement) -> bool:
    party = user.is_org_member and user.organisation_id in agreement.party_ids()
    if perm is Perm.VIEW_AGREEMENT:
        return party or user.is_facilitator
    if perm is Perm.ACT_ON_AGREEMENT:
        return party
    return _role_level(user, perm)


def _working_group_rules(user: User, perm: Perm, obj: WorkingGroup | Zone) -> bool:
    """Members see their group; the zone's manager and facilitators run it.

    On a Zone, VIEW_WORKING_GROUP means "may open the zone's list of groups":
    people of the zone's organisations, its manager and facilitators.
    """
    zone_id = obj.zone_id if isinstance(obj, WorkingGroup) else obj.id
    runs = user.manages(zone_id) or user.is_facilitator
    if perm is Perm.MANAGE_ZONE:
        return runs
    if perm is not Perm.VIEW_WORKING_GROUP:
        return _role_level(user, perm)
    if isinstance(obj, WorkingGroup):
        return runs or obj.member(user.id) is not None
    return runs or (
        user.is_org_member
        and user.organisation is not None
        and user.organisation.zone_id == zone_id
    )


def _object_level(user: User, perm: Perm, obj: object) -> bool:
    if isinstance(obj, WorkingGroup) or (
        perm is Perm.VIEW_WORKING_GROUP and isinstance(obj, Zone)
    ):
        return _working_group_rules(user, perm, obj)
    if isinstance(obj, Listing):
        return _listing_rules(user, perm, obj)
    if isinstance(obj, Agreement):
        return _agreement_rules(user, perm, obj)
    own_org = isinstance(obj, Organisation) and user.organisation_id == obj.id
    match perm:
        case Perm.VIEW_ORG_PRIVATE:
            return (own_org and user.is_org_member) or user.is_facilitator
        case Perm.MANAGE_ORG:
            return (own_org and user.is_org_admin) or user.is_facilitator
        case Perm.MANAGE_ORG_MEMBERS:
            return own_org and user.is_org_admin
        case Perm.REGISTER_EVENT:
            return (own_org and user.is_org_member) or user.is_facilitator
        case Perm.MANAGE_ZONE | Perm.VIEW_STATS:
            return isinstance(obj, Zone) and (
                user.manages(obj.id) or user.is_facilitator
            )
    return _role_level(user, perm)


def can(user: Any, perm: Perm, obj: object = None) -> bool:
    """Tell whether ``user`` (possibly anonymous) holds ``perm`` on ``obj``."""
    if perm is Perm.PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    if obj is None:
        return _role_level(user, perm)
    return _object_level(user, perm, obj)


def requires(perm: Perm) -> Callable[[F], F]:
    """Declare the permission a view needs; checked before the view runs."""

    def decorate(view: F) -> F:
        setattr(view, ATTR, perm)
        return view

    return decorate


def public(view: F) -> F:
    """Declare a view open to everyone, signed in or not."""
    return requires(Perm.PUBLIC)(view)


def declared_permission(app: Flask, endpoint: str) -> Perm | None:
    """Return the permission declared by the view behind ``endpoint``."""
    if endpoint == "static":
        return Perm.PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, ATTR, None)


def ensure(perm: Perm, obj: object, *, hide: bool = False) -> None:
    """Abort unless the current user holds ``perm`` on ``obj``.

    With ``hide``, refuse with 404 so that ids of other organisations' private
    objects do not leak.
    """
    if not can(current_user, perm, obj):
        abort(404 if hide else 403)


def check_request() -> None:
    """``before_request`` hook: refuse undeclared endpoints and missing roles."""
    if request.endpoint is None:  # no route matched: let the 404/405 handler answer
        return
    perm = declared_permission(current_app, request.endpoint)
    if perm is None:
        current_app.logger.error("endpoint %s declares no permission", request.endpoint)
        abort(403)
    if perm is Perm.PUBLIC:
        return
    if not current_user.is_authenticated:
        abort(401)
    if not can(current_user, perm):
        abort(403)
