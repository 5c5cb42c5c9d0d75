"""What the import page tells about each column, and the list of places."""

from __future__ import annotations

import csv
import io
from typing import NamedTuple

from symbiosis.i18n import lazy_gettext as _l
from symbiosis.listing_fields import REQUIRED
from symbiosis.listing_words import KINDS, PRICE_TERMS, RESOURCES
from symbiosis.services.imports import ORG_COLUMN, TEMPLATE_COLUMNS
from symbiosis.services.listing_lookups import listed_places
from symbiosis.themes import THEMES
from symbiosis.units import Frequency, Unit


class Column(NamedTuple):
    name: str
    required: bool
    values: object  # a lazy string, with the codes the column takes


def _codes(values: object) -> str:
    return ", ".join(str(v) for v in values)  # type: ignore[attr-defined]


def columns() -> list[Column]:
    """One row per column of the template, in its order."""
    say = {
        "kind": _l(
            "%(codes)s (or offre, demande, Angebot, Nachfrage)", codes=_codes(KINDS)
        ),
        "resource": _l("one of %(codes)s", codes=_codes(RESOURCES)),
        "title": _l("up to 200 characters"),
        "description": _l("up to 5,000 characters"),
        "ewc_code": _l("six digits of the European List of Waste, e.g. 15 01 03"),
        "quantity": _l("a number above 0, e.g. 2,5 or 1 234,5"),
        "unit": _l("one of %(codes)s", codes=_codes(Unit)),
        "frequency": _l("one of %(codes)s", codes=_codes(Frequency)),
        "available_from": _l(
            "a date: 2027-03-31, 31/03/2027 or 31.03.2027; today when empty"
        ),
        "available_until": _l(
            "a date, not before available_from; open-ended when empty"
        ),
        "lat": _l("latitude, with lon: both or neither"),
        "lon": _l("longitude, with lat: both or neither"),
        "locality": _l(
            "a commune or locality of Luxembourg, or a business zone (see the"
            " list of places); used when there are no coordinates; your"
            " organisation's address when empty"
        ),
        "max_distance_km": _l("1 to 500"),
        "price_terms": _l(
            "one of %(codes)s; negotiable when empty", codes=_codes(PRICE_TERMS)
        ),
        "price_per_unit": _l("euros per unit, when price_terms is price_per_unit"),
        "anonymous": _l("yes or no (oui, non, ja, nein); no when empty"),
        "accepts_hazardous": _l(
            "yes or no: a request that may receive hazardous waste"
        ),
        "sdgs": _l("SDG numbers, e.g. 12;13"),
        "themes": _l("themes, e.g. %(codes)s", codes=_codes(list(THEMES)[:3])),
        ORG_COLUMN: _l("facilitators only: the row's organisation (name or slug)"),
    }
    return [Column(name, name in REQUIRED, say[name]) for name in TEMPLATE_COLUMNS]


def places_csv() -> str:
    """Every name the locality column takes (:func:`listed_places`): communes,
    their localities and the business zones, by the short name."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(("locality", "commune", "kind", "lat", "lon"))
    for place, _names in listed_places():
        writer.writerow((place.name, place.commune, place.kind, place.lat, place.lon))
    return out.getvalue()
