"""Key figures and impact of the network over a period, for a zone or all zones.

Every figure is counted or summed by the database (GROUP BY, COUNT, SUM, AVG);
nothing here loads all rows into Python. The zone of a figure is the zone of
its organisations: the listing's organisation for listings, either side for
matches, the supplier or the receiver for agreements and impact records.

Impact is split by evidence level (see :mod:`symbiosis.services.stats_impact`)
and by base unit: quantities of different units are never added together.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import (
    Agreement,
    AgreementEvent,
    Listing,
    Match,
    Organisation,
    PooledService,
    PoolParticipant,
)
from symbiosis.services import stats_estimates, stats_impact, stats_partnerships
from symbiosis.services.stats_sql import (
    Scope,
    counted,
    earliest,
    match_in_zone,
    mean_days,
    seconds_between,
)
from symbiosis.workflow.listing import ListingState

FUNNEL = ("listing", "match", "proposal", "accepted", "active", "completed")
EVIDENCE_LEVELS = stats_impact.LEVELS
DEFAULT_DAYS = 365
# Periods stay within these days (a year 1 or 9999 is a typing mistake).
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2199, 12, 31)


def period(raw_from: str | None, raw_to: str | None) -> tuple[date, date]:
    """The period from ``YYYY-MM-DD`` texts, both days included.

    Without ``to`` it ends today; without ``from`` it spans a year.

    :raises FieldErrors: naming ``from`` or ``to``.
    """
    try:
        end = date.fromisoformat(raw_to) if raw_to else date.today()
    except ValueError:
        raise FieldErrors([("to", gettext("Give a date as YYYY-MM-DD."))]) from None
    _within("to", end)
    try:
        start = (
            date.fromisoformat(raw_from)
            if raw_from
            else max(end - timedelta(days=DEFAULT_DAYS - 1), FIRST_DAY)
        )
    except ValueError:
        raise FieldErrors([("from", gettext("Give a date as YYYY-MM-DD."))]) from None
    _within("from", start)
    if start > end:
        raise FieldErrors(
            [("to", gettext("The end of the period comes before its start."))]
        )
    return start, end


def _within(field: str, day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        reason = gettext(
            "Give a date between %(first)s and %(last)s.",
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
        raise FieldErrors([(field, reason)])


def _agreement_in_zone(scope: Scope) -> sa.ColumnElement[bool]:
    return scope.org_in_zone(Agreement.supplier_id, Agreement.receiver_id)


def listings(scope: Scope) -> dict[str, Any]:
    """Listings active at the end of the period by resource; posted in it."""
    in_zone = scope.org_in_zone(Listing.organisation_id)
    by_resource = db.session.execute(
        sa.select(Listing.resource, sa.func.count(Listing.id))
        .where(
            in_zone,
            Listing.state == ListingState.ACTIVE,
            Listing.created_at < scope.until,
        )
        .group_by(Listing.resource)
        .order_by(Listing.resource)
    )
    posted = db.session.scalar(
        sa.select(sa.func.count(Listing.id)).where(
            in_zone, scope.during(Listing.created_at)
        )
    )
    return {"active_by_resource": counted(by_resource), "posted": posted or 0}


def matches(scope: Scope) -> dict[str, Any]:
    """Matches proposed and dismissed in the period, with the reasons given."""
    in_zone = match_in_zone(scope)
    proposed = db.session.scalar(
        sa.select(sa.func.count(Match.id)).where(
            in_zone, scope.during(Match.created_at)
        )
    )
    reasons = counted(
        db.session.execute(
            sa.select(Match.dismiss_reason, sa.func.count(Match.id))
            .where(in_zone, scope.during(Match.dismissed_at))
            .group_by(Match.dismiss_reason)
            .order_by(sa.func.count(Match.id).desc(), Match.dismiss_reason)
        )
    )
    return {
        "proposed": proposed or 0,
        "dismissed": sum(reasons.values()),
        "dismiss_reasons": reasons,
    }


def agreements(scope: Scope) -> dict[str, int]:
    """Agreements proposed in the period, by the state they are in now."""
    rows = db.session.execute(
        sa.select(Agreement.state, sa.func.count(Agreement.id))
        .where(_agreement_in_zone(scope), scope.during(Agreement.created_at))
        .group_by(Agreement.state)
        .order_by(Agreement.state)
    )
    return counted(rows)


def funnel(scope: Scope) -> list[dict[str, Any]]:
    """listing → match → proposal → accepted → active → completed.

    Listings, matches and proposals are those created in the period; the later
    steps follow the period's proposals (first time each state was reached,
    before the end of the period). ``mean_days`` is the mean time from the
    previous step (for a match: from the earlier of its two listings).
    """
    offer, request = sa.orm.aliased(Listing), sa.orm.aliased(Listing)
    listing_row = db.session.execute(
        sa.select(sa.func.count(Listing.id)).where(
            scope.org_in_zone(Listing.organisation_id), scope.during(Listing.created_at)
        )
    ).one()
    match_row = db.session.execute(
        sa.select(
            sa.func.count(Match.id),
            mean_days(
                seconds_between(
                    Match.created_at, earliest(offer.created_at, request.created_at)
                )
            ),
        )
        .join(offer, offer.id == Match.offer_id)
        .join(request, request.id == Match.request_id)
        .where(match_in_zone(scope), scope.during(Match.created_at))
    ).one()

    def first(state: str) -> sa.Label[Any]:
        when = sa.case(
            (
                sa.and_(
                    AgreementEvent.to_state == state,
                    AgreementEvent.created_at < scope.until,
                ),
                AgreementEvent.created_at,
            )
        )
        return sa.func.min(when).label(state)

    steps = (
        sa.select(
            Agreement.id.label("agreement_id"),
            Agreement.created_at.label("proposed"),
            first("accepted"),
            first("active"),
            first("completed"),
        )
        .join(AgreementEvent, AgreementEvent.agreement_id == Agreement.id)
        .where(_agreement_in_zone(scope), scope.during(Agreement.created_at))
        .group_by(Agreement.id, Agreement.created_at)
        .subquery()
    )
    matched = sa.orm.aliased(Match)
    from_match = db.session.execute(
        sa.select(mean_days(seconds_between(Agreement.created_at, matched.created_at)))
        .join(matched, matched.id == Agreement.match_id)
        .where(_agreement_in_zone(scope), scope.during(Agreement.created_at))
    ).scalar()
    c = steps.c
    agreement_row = db.session.execute(
        sa.select(
            sa.func.count(c.agreement_id),
            sa.func.count(c.accepted),
            mean_days(seconds_between(c.accepted, c.proposed)),
            sa.func.count(c.active),
            mean_days(seconds_between(c.active, c.accepted)),
            sa.func.count(c.completed),
            mean_days(seconds_between(c.completed, c.active)),
        )
    ).one()
    proposals, accepted, to_accept, active, to_start, done, to_complete = agreement_row
    counts = [listing_row[0], match_row[0], proposals, accepted, active, done]
    means = [None, match_row[1], from_match, to_accept, to_start, to_complete]
    return [
        {
            "step": step,
            "count": int(n or 0),
            "mean_days": round(float(m), 2) if m is not None else None,
        }
        for step, n, m in zip(FUNNEL, counts, means, strict=True)
    ]


def pooled(scope: Scope) -> dict[str, dict[str, int]]:
    """Pooled services of the zone by state, with their current participants."""
    where = [PooledService.created_at < scope.until]
    if scope.zone_id is not None:
        where.append(PooledService.zone_id == scope.zone_id)
    rows = db.session.execute(
        sa.select(
            PooledService.state,
            sa.func.count(sa.distinct(PooledService.id)),
            sa.func.count(PoolParticipant.id),
        )
        .outerjoin(
            PoolParticipant,
            sa.and_(
                PoolParticipant.service_id == PooledService.id,
                PoolParticipant.left_at.is_(None),
            ),
        )
        .where(*where)
        .group_by(PooledService.state)
        .order_by(PooledService.state)
    )
    return {state: {"services": int(n), "participants": int(p)} for state, n, p in rows}


def organisations_active(scope: Scope) -> int:
    """Organisations that posted, were matched or took an agreement step.

    One test per organisation (of the zone), each an indexed look-up that
    stops at the first row found, instead of gathering every row of the period.
    """
    org = Organisation.id
    posted = sa.select(Listing.id).where(
        Listing.organisation_id == org, scope.during(Listing.created_at)
    )
    matched = [
        sa.select(Match.id)
        .join(Listing, Listing.id == side)
        .where(Listing.organisation_id == org, scope.during(Match.created_at))
        for side in (Match.offer_id, Match.request_id)
    ]
    stepped = [
        sa.select(AgreementEvent.id)
        .join(Agreement, Agreement.id == AgreementEvent.agreement_id)
        .where(party == org, scope.during(AgreementEvent.created_at))
        for party in (Agreement.supplier_id, Agreement.receiver_id)
    ]
    where = [sa.or_(*(query.exists() for query in (posted, *matched, *stepped)))]
    if scope.zone_id is not None:
        where.append(Organisation.zone_id == scope.zone_id)
    return int(db.session.scalar(sa.select(sa.func.count(org)).where(*where)) or 0)


def kpis(zone_id: int | None, start: date, end: date) -> dict[str, Any]:
    """The key figures of ``zone_id`` (None: every zone) from ``start`` to ``end``."""
    scope = Scope(zone_id, start, end)
    return {
        "listings": listings(scope),
        "matches": matches(scope),
        "agreements": {"by_state": agreements(scope)},
        "funnel": funnel(scope),
        "pooled": pooled(scope),
        "organisations_active": organisations_active(scope),
        "partnerships": stats_partnerships.partnerships(scope)["total"],
    }


def impact(zone_id: int | None, start: date, end: date) -> dict[str, Any]:
    """``{level: {base unit: figures}}``, levels kept apart (see stats_impact).

    The CO2 of the potential and agreed levels is an estimate with today's
    factors (``"estimated": True``, see stats_estimates).
    """
    scope = Scope(zone_id, start, end)
    figures = stats_impact.by_level(scope)
    stats_estimates.add_estimates(scope, figures)
    return figures
