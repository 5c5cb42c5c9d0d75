"""Zones: manager decisions on membership requests and zone details."""

from __future__ import annotations

import sqlalchemy as sa

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import User, Zone, ZoneRequest, ZoneRequestState
from symbiosis.models.base import id_from_text
from symbiosis.services import activity, membership_notices

# Luxembourg and its immediate neighbours: wide enough for cross-border sites.
LAT_RANGE = (49.0, 50.5)
LON_RANGE = (5.4, 6.9)


def find(ref: str, *, by_name: bool = False) -> Zone | None:
    """The zone that ``ref`` names by its slug or its id, or also by its name
    (``by_name``); spaces around ``ref`` do not count, a slug comes first."""
    ref = ref.strip()
    if not ref:
        return None
    named = [Zone.slug == ref]
    if (number := id_from_text(ref)) is not None:
        named.append(Zone.id == number)
    if by_name:
        named.append(Zone.name == ref)
    return db.session.scalars(
        sa.select(Zone)
        .where(sa.or_(*named))
        .order_by(sa.case((Zone.slug == ref, 0), else_=1), Zone.id)
        .limit(1)
    ).first()


def pending_requests(manager: User) -> list[ZoneRequest]:
    """Return the open requests for the zones ``manager`` may decide on."""
    query = sa.select(ZoneRequest).where(ZoneRequest.state == ZoneRequestState.PENDING)
    if not manager.is_facilitator:
        query = query.where(
            ZoneRequest.zone_id.in_([z.id for z in manager.managed_zones])
        )
    return list(db.session.scalars(query.order_by(ZoneRequest.created_at)))


def decide(
    request_id: int, *, by: User, approve: bool, reason: str | None
) -> ZoneRequest:
    """Approve or reject an organisation's request to join a zone.

    :raises NotAllowed: when ``by`` does not manage the zone or it was decided.
    """
    request = db.session.get(ZoneRequest, request_id)
    if request is None or not (by.manages(request.zone_id) or by.is_facilitator):
        raise NotAllowed(_("You do not manage this zone."))
    if request.state != ZoneRequestState.PENDING:
        raise NotAllowed(_("This request was already decided."))
    if not approve and not (reason and reason.strip()):
        raise FieldErrors([("reason", _("Say why the request is rejected."))])
    request.decide(by=by, approve=approve, reason=(reason or "").strip() or None)
    if approve:
        request.organisation.zone = request.zone
    activity.record(
        "zone.join_approved" if approve else "zone.join_rejected",
        actor=by,
        subject=request.organisation,
        zone_id=request.zone_id,
        reason=request.reason,
    )
    membership_notices.zone_decided(request)
    db.session.commit()
    return request


def update_location(zone: Zone, *, lat: float, lon: float) -> None:
    """Correct the point of a zone.

    :raises FieldErrors: for a point outside Luxembourg and its neighbours.
    """
    errors = []
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        errors.append(("lat", _("Latitude must lie in Luxembourg or next to it.")))
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        errors.append(("lon", _("Longitude must lie in Luxembourg or next to it.")))
    if errors:
        raise FieldErrors(errors)
    zone.lat, zone.lon = lat, lon
    db.session.commit()


def set_manager(zone: Zone, user: User, *, manager: bool) -> None:
    if manager and user not in zone.managers:
        zone.managers.append(user)
    elif not manager and user in zone.managers:
        zone.managers.remove(user)
    db.session.commit()
