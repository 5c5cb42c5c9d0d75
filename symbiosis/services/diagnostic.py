"""A zone's diagnostic: every flow of its organisations, for its manager.

Out (offers) and in (requests) by material, with yearly totals per base unit;
and the flows between organisations: agreed ones (agreements accepted, under
way or completed) and potential ones (the matcher's stored matches). Firms of
anonymous listings stay anonymous unless the viewer may see them; firms
outside the zone are grouped as "outside the zone" in the chart.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import selectinload

from symbiosis import diagnostic_flows as flows
from symbiosis import labels, units
from symbiosis.authz import Perm, can
from symbiosis.errors import NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Agreement, Listing, Match, Zone
from symbiosis.services.imports import neutralise
from symbiosis.services.matching import lexicon
from symbiosis.services.zone_overview import (
    chapter_labels,
    organisation_ids,
    owner_name,
    zone_listings,
)
from symbiosis.workflow.agreement import AgreementState
from symbiosis.workflow.listing import ListingState

AGREED = (AgreementState.ACCEPTED, AgreementState.ACTIVE, AgreementState.COMPLETED)


@dataclass
class Diagnostic:
    zone: Zone
    materials: list[flows.MaterialRow]
    totals: dict[str, tuple[Decimal, Decimal]]
    agreed: list[flows.Flow]
    potential: list[flows.Flow]
    material_labels: dict[str, str]
    not_comparable: int  # matches whose two sides are stated in other units

    def material(self, key: str) -> str:
        return self.material_labels.get(key, key)

    def party(self, party: flows.Party) -> str:
        """The party as a person reads it in a table or the CSV."""
        name = party.name or str(gettext("Anonymous organisation"))
        if not party.in_zone:
            return str(gettext("%(name)s (outside the zone)", name=name))
        return name

    def charts(self) -> list[dict[str, Any]]:
        """One Sankey chart per kind of flow and per base unit.

        Agreed flows come first; within a kind, the unit with most links.
        """
        names = {
            flows.OUTSIDE: gettext("Outside the zone"),
            flows.ANONYMOUS: gettext("Anonymous organisation"),
        }
        found: list[dict[str, Any]] = []
        for kind, items, title in (
            ("agreed", self.agreed, gettext("Agreed flows")),
            ("potential", self.potential, gettext("Potential flows (matches)")),
        ):
            for unit in flows.units_of(items):
                chart = flows.sankey(items, unit, names, self.material_labels)
                unit_name = labels.unit_label(unit)
                chart.update(
                    key=f"{kind}-{unit}",
                    kind=kind,
                    unit_label=unit_name,
                    label=gettext(
                        "%(flows)s, %(unit)s per year", flows=title, unit=unit_name
                    ),
                )
                found.append(chart)
        return sorted(found, key=lambda c: (c["kind"] != "agreed", -len(c["links"])))


def material_labels(keys: set[str]) -> dict[str, str]:
    """Readable names of material keys in the current language."""
    locale = str(get_locale() or "fr")
    chapters = chapter_labels({k[8:] for k in keys if k.startswith("chapter:")})
    found = {}
    for key in keys:
        if key.startswith("chapter:"):
            code = key[8:]
            found[key] = f"{code} {chapters.get(code, '')}".strip()
        elif key.startswith("resource:"):
            found[key] = str(labels.RESOURCE.get(key[9:], key[9:]))
        else:
            found[key] = lexicon().label(key, locale)
    return found


def _key(listing: Listing) -> str:
    return flows.material_key(
        lexicon(), listing.title, listing.ewc_code, listing.resource
    )


def _party(viewer: Any, listing: Listing, zone: Zone) -> flows.Party:
    name = owner_name(viewer, listing)
    in_zone = listing.organisation.zone_id == zone.id
    return flows.Party(listing.organisation_id if name else None, name, in_zone)


def _agreed(viewer: Any, zone: Zone) -> list[flows.Flow]:
    ids = organisation_ids(zone)
    rows = db.session.scalars(
        sa.select(Agreement)
        .where(
            Agreement.state.in_(AGREED),
            sa.or_(Agreement.supplier_id.in_(ids), Agreement.receiver_id.in_(ids)),
        )
        .options(
            selectinload(Agreement.offer).selectinload(Listing.organisation),
            selectinload(Agreement.request).selectinload(Listing.organisation),
        )
        .order_by(Agreement.id)
    )
    found = []
    for a in rows:
        unit = units.Unit(a.unit)
        yearly = units.yearly(a.quantity, unit, units.Frequency(a.frequency))
        found.append(
            flows.Flow(
                kind="agreement",
                ref=a.id,
                supplier=_party(viewer, a.offer, zone),
                receiver=_party(viewer, a.request, zone),
                key=_key(a.offer),
                unit=units.base_unit(unit).value,
                yearly=yearly,
                state=a.state,
            )
        )
    return found


def _live(listing: Listing, today: date) -> bool:
    ended = listing.available_until is not None and listing.available_until < today
    return listing.state == ListingState.ACTIVE and not ended


def _potential(viewer: Any, zone: Zone) -> tuple[list[flows.Flow], int]:
    """Stored matches touching the zone, not dismissed, not yet agreed."""
    ids = sa.select(Listing.id).where(
        Listing.organisation_id.in_(organisation_ids(zone))
    )
    agreed = {
        (offer_id, request_id)
        for offer_id, request_id in db.session.execute(
            sa.select(Agreement.offer_id, Agreement.request_id).where(
                Agreement.state.in_(AGREED)
            )
        )
    }
    rows = db.session.scalars(
        sa.select(Match)
        .where(
            Match.dismissed_at.is_(None),
            sa.or_(Match.offer_id.in_(ids), Match.request_id.in_(ids)),
        )
        .options(
            selectinload(Match.offer).selectinload(Listing.organisation),
            selectinload(Match.request).selectinload(Listing.organisation),
        )
        .order_by(Match.score.desc(), Match.id)
    )
    found, other_units, today = [], 0, date.today()
    for m in rows:
        offer, request = m.offer, m.request
        if (m.offer_id, m.request_id) in agreed or not (
            _live(offer, today) and _live(request, today)
        ):
            continue
        amount = flows.potential_amount(
            offer.yearly_quantity, offer.base_unit,
            request.yearly_quantity, request.base_unit,
        )  # fmt: skip
        if amount is None:
            other_units += 1
            continue
        found.append(
            flows.Flow(
                kind="match",
                ref=m.id,
                supplier=_party(viewer, offer, zone),
                receiver=_party(viewer, request, zone),
                key=_key(offer),
                unit=offer.base_unit,
                yearly=amount,
                score=m.score,
            )
        )
    return found, other_units


def diagnostic(viewer: Any, zone: Zone) -> Diagnostic:
    """All flows of ``zone`` as ``viewer`` may see them.

    :raises NotAllowed: unless the viewer manages the zone or is a facilitator.
    """
    if not can(viewer, Perm.MANAGE_ZONE, zone):
        raise NotAllowed(gettext("Only the zone's manager sees its diagnostic."))
    entries = [
        flows.Entry(x.kind, _key(x), x.base_unit, x.yearly_quantity, x.organisation_id)
        for x in zone_listings(zone)
    ]
    materials = flows.by_material(entries)
    agreed = _agreed(viewer, zone)
    potential, other_units = _potential(viewer, zone)
    keys = {e.key for e in entries} | {f.key for f in agreed + potential}
    return Diagnostic(
        zone=zone,
        materials=materials,
        totals=flows.totals(materials),
        agreed=agreed,
        potential=potential,
        material_labels=material_labels(keys),
        not_comparable=other_units,
    )


CSV_COLUMNS = (
    "section", "reference", "material", "unit", "supplier", "receiver", "state",
    "score", "yearly_quantity", "out_listings", "out_organisations", "out_yearly",
    "in_listings", "in_organisations", "in_yearly",
)  # fmt: skip


def number(value: Decimal) -> str:
    """A plain decimal for files: 24.5, never 2.45E+1 nor trailing zeros."""
    return f"{value.normalize():f}"


def to_csv(diag: Diagnostic) -> str:
    """The diagnostic as one table (``;``, UTF-8 with BOM), a section per row kind.

    Sections: ``material`` (out and in of one material in one unit), ``total``
    (per unit), ``agreement`` and ``match`` (flows between organisations).
    Cells that a spreadsheet would run as a formula are neutralised.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def write(**cells: object) -> None:
        writer.writerow([neutralise(cells.get(c, "")) for c in CSV_COLUMNS])

    for row in diag.materials:
        write(
            section="material", reference=row.key, material=diag.material(row.key),
            unit=row.unit, out_listings=row.out.listings,
            out_organisations=len(row.out.organisations),
            out_yearly=number(row.out.yearly), in_listings=row.into.listings,
            in_organisations=len(row.into.organisations),
            in_yearly=number(row.into.yearly),
        )  # fmt: skip
    for unit, (given, needed) in diag.totals.items():
        write(
            section="total", unit=unit, out_yearly=number(given),
            in_yearly=number(needed),
        )  # fmt: skip
    for flow in diag.agreed + diag.potential:
        write(
            section=flow.kind, reference=flow.ref, material=diag.material(flow.key),
            unit=flow.unit, supplier=diag.party(flow.supplier),
            receiver=diag.party(flow.receiver), state=flow.state or "",
            score="" if flow.score is None else round(flow.score),
            yearly_quantity=number(flow.yearly),
        )  # fmt: skip
    return out.getvalue()
