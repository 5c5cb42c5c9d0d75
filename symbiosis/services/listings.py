"""Listings: post, edit, change state, browse, expire."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date

from symbiosis import geo, jobs, labels, units
from symbiosis.authz import Perm, can
from symbiosis.errors import FieldErrors, InvalidTransition, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.labels import frequency_label
from symbiosis.listing_fields import N_, Problem, parse_listing
from symbiosis.matching.normalise import fold
from symbiosis.models import Listing, Organisation, User
from symbiosis.models.base import utcnow
from symbiosis.services import activity, notify
from symbiosis.services.listing_lookups import Lookups
from symbiosis.workflow.listing import (
    ListingAction,
    ListingState,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
)


def translate(problems: Iterable[Problem]) -> list[tuple[str, str]]:
    return [(p.field, gettext(p.message, **p.params)) for p in problems]


def _location(
    org: Organisation, values: dict[str, Any], lookups: Lookups
) -> tuple[float, float, str | None] | Problem:
    """Return (lat, lon, label), or the problem (message already translated).

    Coordinates win; a locality given with them names the place (its
    listed spelling when it is a known place)."""
    name = values.get("locality")
    if values.get("lat") is not None and values.get("lon") is not None:
        known = lookups.locality(name) if name else None
        return values["lat"], values["lon"], known.name if known else name
    if name:
        place = lookups.locality(name)
        if place is None:
            message = N_(
                "Unknown place: give a commune or locality of Luxembourg,"
                " or a business zone (e.g. Contern, Belvaux, ZIC Foetz)."
            )
            return Problem("locality", gettext(message))
        return place.lat, place.lon, place.name
    if org.lat is not None and org.lon is not None:
        return org.lat, org.lon, org.locality
    if org.zone is not None:
        return org.zone.lat, org.zone.lon, org.zone.short_name
    message = N_(
        "Give a place: a locality or coordinates (your organisation has no address)."
    )
    return Problem("locality", gettext(message))


def _apply(
    listing: Listing, org: Organisation, raw: Mapping[str, Any], lookups: Lookups
) -> None:
    """Check ``raw`` completely and copy it onto ``listing``.

    :raises FieldErrors: with every problem found; ``listing`` is then unchanged.
    """
    data = parse_listing(raw)
    errors = translate(data.problems)
    values = data.values
    ewc = None
    if values.get("ewc_code"):
        ewc = lookups.ewc_code(values["ewc_code"])
        if ewc is None:
            errors.append(
                ("ewc_code", gettext("This code is not in the List of Waste."))
            )
    location = _location(org, values, lookups)
    if isinstance(location, Problem):
        errors.append((location.field, location.message))
    if errors:
        raise FieldErrors(errors)
    assert not isinstance(location, Problem)  # noqa: S101 - narrowed for mypy  # nosec B101
    lat, lon, label = location
    if not geo.in_bounds(lat, lon):
        raise FieldErrors(
            [("lat", gettext("The place must be in Luxembourg or next to it."))]
        )
    unit, frequency = values["unit"], values["frequency"]
    for name in (
        "kind", "resource", "title", "description", "quantity", "max_distance_km",
        "price_terms", "price_per_unit", "anonymous", "accepts_hazardous",
    ):  # fmt: skip
        setattr(listing, name, values.get(name))
    listing.unit = unit.value
    listing.frequency = frequency.value
    listing.yearly_quantity = units.yearly(values["quantity"], unit, frequency)
    listing.base_unit = units.base_unit(unit).value
    listing.available_from = values.get("available_from") or date.today()
    listing.available_until = values.get("available_until")
    listing.ewc = ewc
    listing.ewc_code = ewc.code if ewc else None
    listing.lat, listing.lon, listing.location_label = lat, lon, label
    chosen = (lookups.sdg(n) for n in values.get("sdgs", ()))
    listing.sdgs = [sdg for sdg in chosen if sdg is not None]
    listing.themes = list(values.get("themes", ()))
    labels = (
        " ".join(filter(None, (ewc.label_en, ewc.label_fr, ewc.label_de)))
        if ewc
        else ""
    )
    listing.search_text = fold(f"{listing.title} {listing.description or ''} {labels}")


def new_listing(
    actor: User, org: Organisation, raw: Mapping[str, Any], lookups: Lookups
) -> Listing:
    """Build a checked listing for ``org`` and add it to the session (no commit)."""
    listing = Listing(organisation=org, created_by=actor, zone_id=org.zone_id)
    _apply(listing, org, raw, lookups)
    if listing.available_until and listing.available_until < date.today():
        raise FieldErrors(
            [("available_until", gettext("The availability has already ended."))]
        )
    db.session.add(listing)
    return listing


def post_listing(actor: User, org: Organisation, raw: Mapping[str, Any]) -> Listing:
    """Publish a new offer or request of ``org``.

    :raises NotAllowed: when ``actor`` may not post for ``org``.
    :raises FieldErrors: on any bad field; nothing is written.
    """
    if not (
        actor.is_facilitator
        or (actor.is_org_member and actor.organisation_id == org.id)
    ):
        raise NotAllowed(gettext("You may only post for your own organisation."))
    try:
        listing = new_listing(actor, org, raw, Lookups())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    jobs.enqueue("match_listing", listing.id)
    return listing


def as_raw(listing: Listing) -> dict[str, Any]:
    """Return the listing's fields as the parser reads them (for edits and export)."""
    return {
        "kind": listing.kind,
        "resource": listing.resource,
        "title": listing.title,
        "description": listing.description or "",
        "ewc_code": listing.ewc_code or "",
        "quantity": listing.quantity,
        "unit": listing.unit,
        "frequency": listing.frequency,
        "available_from": listing.available_from,
        "available_until": listing.available_until,
        "lat": listing.lat,
        "lon": listing.lon,
        "locality": listing.location_label or "",
        "max_distance_km": listing.max_distance_km,
        "price_terms": listing.price_terms,
        "price_per_unit": listing.price_per_unit,
        "anonymous": listing.anonymous,
        "accepts_hazardous": listing.accepts_hazardous,
        "sdgs": [s.number for s in listing.sdgs],
        "themes": list(listing.themes or ()),
    }


def update_listing(
    actor: User, listing: Listing, changes: Mapping[str, Any]
) -> Listing:
    """Change some fields; the others keep their values.

    A new locality with the coordinates left as they were (or none) moves the
    listing to that locality; an unchanged place keeps its name.

    :raises FieldErrors: on any bad field; nothing is written.
    """
    if not can(actor, Perm.EDIT_LISTING, listing):
        raise NotAllowed(gettext("You may not change this listing."))
    raw = as_raw(listing)
    raw.update(changes)
    moved = changes.get("locality") and changes["locality"] != listing.location_label
    if moved and _same_point(changes, listing):
        raw.update(lat=None, lon=None)
    try:
        with db.session.no_autoflush:
            _apply(listing, listing.organisation, raw, Lookups())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    jobs.enqueue("match_listing", listing.id)
    return listing


def _same_point(changes: Mapping[str, Any], listing: Listing) -> bool:
    """Whether ``changes`` leave the coordinates as stored (absent, or the
    same numbers as the edit form showed them)."""
    for name in ("lat", "lon"):
        if name not in changes:
            continue
        try:
            given = float(str(changes[name]).replace(",", "."))
        except ValueError:
            return False  # a bad number: the parser names it
        if given != getattr(listing, name):
            return False
    return True


def apply_action(actor: User, listing: Listing, action: str) -> Listing:
    """Pause, resume, close or re-open a listing.

    :raises NotAllowed: for a stranger or a transition the table refuses.
    """
    if not can(actor, Perm.EDIT_LISTING, listing):
        raise NotAllowed(gettext("You may not change this listing."))
    try:
        chosen = ListingAction(action)
        if chosen is ListingAction.EXPIRE:
            raise ValueError(action)
        state = next_state(ListingState(listing.state), chosen)
    except (ValueError, TransitionNotAllowed):
        raise NotAllowed(gettext("This action is not possible now.")) from None
    if (
        chosen is ListingAction.REOPEN
        and listing.available_until
        and (listing.available_until < date.today())
    ):
        raise FieldErrors(
            [("available_until", gettext("Set a new end of availability first."))]
        )
    listing.state = state
    listing.expiry_notice_sent_at = None
    db.session.commit()
    jobs.enqueue("match_listing", listing.id)
    return listing


def allowed_actions_of(listing: Listing) -> list[str]:
    return [a.value for a in allowed_actions(ListingState(listing.state))]


def delete_listing(actor: User, listing: Listing) -> None:
    """Delete a listing that no agreement refers to.

    :raises InvalidTransition: when agreements keep its trail; close it instead.
    """
    from symbiosis.models import Agreement

    if not can(actor, Perm.EDIT_LISTING, listing):
        raise NotAllowed(gettext("You may not change this listing."))
    in_use = db.session.scalar(
        sa.select(Agreement.id)
        .where(
            sa.or_(Agreement.offer_id == listing.id, Agreement.request_id == listing.id)
        )
        .limit(1)
    )
    if in_use is not None:
        raise InvalidTransition(
            gettext("Agreements refer to this listing: close it instead."), ["close"]
        )
    listing_id = listing.id
    db.session.delete(listing)
    db.session.commit()
    jobs.enqueue("forget_listing", listing_id)


@dataclass
class Shown:
    """How a listing appears to one viewer: anonymity decides name and place."""

    listing: Listing
    organisation: Organisation | None
    lat: float
    lon: float
    approximate: bool


def shown_to(viewer: Any, listing: Listing) -> Shown:
    if can(viewer, Perm.SEE_LISTING_OWNER, listing):
        return Shown(listing, listing.organisation, listing.lat, listing.lon, False)
    zone = listing.zone
    lat, lon = geo.approximate(
        listing.lat, listing.lon, (zone.lat, zone.lon) if zone else None
    )
    return Shown(listing, None, lat, lon, True)


def measured_from(viewer: Any, listing: Listing) -> tuple[float, float]:
    """The point a viewer's distances to ``listing`` start from: its site for
    its own firm and facilitators, else its public point (an anonymous
    listing's approximate one)."""
    if getattr(viewer, "is_facilitator", False) or (
        getattr(viewer, "organisation_id", None) == listing.organisation_id
    ):
        return listing.lat, listing.lon
    return listing.public_point


def _ending_notice(listing: Listing) -> tuple[str, str]:
    return gettext(
        "Your listing “%(title)s” ends on %(date)s",
        title=listing.title,
        date=format_date(listing.available_until),
    ), gettext(
        "Extend its availability if it is still valid; otherwise it "
        "will no longer be shown after that day."
    )


def expire_listings(today: date | None = None) -> tuple[int, int]:
    """Warn owners of listings ending soon; expire those whose window ended.

    :returns: (warned, expired) counts.
    """
    today = today or date.today()
    horizon = today + timedelta(days=current_app.config["EXPIRY_WARNING_DAYS"])
    live = Listing.state.in_([ListingState.ACTIVE, ListingState.PAUSED])
    warned = 0
    for listing in db.session.scalars(
        sa.select(Listing).where(
            live,
            Listing.available_until >= today,
            Listing.available_until <= horizon,
            Listing.expiry_notice_sent_at.is_(None),
        )
    ):
        notify.tell(
            notify.members_of(listing.organisation_id),
            partial(_ending_notice, listing),
            link=f"/listings/{listing.id}/edit",
        )
        listing.expiry_notice_sent_at = utcnow()
        warned += 1
    expired = 0
    for listing in db.session.scalars(
        sa.select(Listing).where(live, Listing.available_until < today)
    ):
        listing.state = next_state(ListingState(listing.state), ListingAction.EXPIRE)
        activity.record(
            "listing.expired", subject=listing, available_until=listing.available_until
        )
        expired += 1
    db.session.commit()
    return warned, expired


def quantity_label(listing: Listing) -> str:
    """ "2.5 t · monthly" in the viewer's language."""
    amount = labels.quantity(listing.quantity, listing.unit)
    return f"{amount} · {frequency_label(listing.frequency)}"


def org_site(viewer: Any) -> tuple[float, float] | None:
    """The viewer's organisation's point (its address, else its zone)."""
    org = getattr(viewer, "organisation", None)
    if org is None:
        return None
    if org.lat is not None and org.lon is not None:
        return org.lat, org.lon
    if org.zone is not None:
        return org.zone.lat, org.zone.lon
    return None
