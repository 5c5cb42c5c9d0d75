"""Plain builders for test data: keyword-only, sensible defaults, flushed."""

from __future__ import annotations

import itertools
import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from symbiosis.extensions import db
from symbiosis.matching.normalise import fold, slugify
from symbiosis.models import (
    EmissionFactor,
    EwcChapter,
    EwcCode,
    FactorSet,
    Listing,
    Locality,
    NaceCode,
    Organisation,
    OrgRole,
    Sdg,
    User,
    Zone,
    ZoneRequest,
)
from symbiosis.services.passwords import hash_password

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def _factor(source_id: str, levels: tuple[str, ...], column: str, unit: str,
            value: str) -> EmissionFactor:  # fmt: skip
    return EmissionFactor(
        factor_set="DESNZ-2025",
        source_id=source_id,
        level_1=levels[0],
        level_2=levels[1],
        level_3=levels[2],
        column_text=column,
        unit=unit,
        kg_co2e_per_unit=Decimal(value),
    )


def emission_factors() -> list[EmissionFactor]:
    """The rows of seeds/reference/emission-factors.csv that wood exchanges use."""
    return [
    _factor("27_304_3140_14_1", ("Freighting goods", "HGV (all diesel)", "All HGVs"),
            "Average laden", "tonne.km", "0.10163"),
    _factor("28_907_3140_14_1",
            ("WTT- delivery vehs & freight", "WTT- HGV (all diesel)", "All HGVs"),
            "Average laden", "tonne.km", "0.02359"),
    _factor("19_500_5048_15_1", ("Material use", "Construction", "Wood"),
            "Primary material production", "tonnes", "269.50416"),
    _factor("19_500_5049_15_1", ("Material use", "Construction", "Wood"),
            "Re-used", "tonnes", "38.54288"),
    ]  # fmt: skip


def make_reference() -> None:
    """A few reference rows: enough for forms, far quicker than the full seed."""
    if db.session.get(Sdg, 1) is None:
        db.session.add_all(
            [
                Sdg(
                    number=n,
                    colour="#000000",
                    label_en=f"Goal {n}",
                    label_fr=f"Objectif {n}",
                )
                for n in range(1, 18)
            ]
        )
        db.session.add_all(
            [
                EwcChapter(
                    code="15",
                    level="chapter",
                    label_en="Packaging",
                    label_fr="Emballages",
                ),
                EwcChapter(
                    code="16", level="chapter", label_en="Not otherwise specified"
                ),
                EwcChapter(code="20", level="chapter", label_en="Municipal wastes"),
                EwcCode(
                    code="150103",
                    chapter="15",
                    subchapter="1501",
                    hazardous=False,
                    entry_type="AN",
                    label_en="wooden packaging",
                    label_fr="emballages en bois",
                    label_de="Verpackungen aus Holz",
                ),
                EwcCode(
                    code="150101",
                    chapter="15",
                    subchapter="1501",
                    hazardous=False,
                    entry_type="AN",
                    label_en="paper and cardboard packaging",
                    label_fr="emballages en papier/carton",
                ),
                EwcCode(
                    code="160601",
                    chapter="16",
                    subchapter="1606",
                    hazardous=True,
                    entry_type="AH",
                    label_en="lead batteries",
                    label_fr="accumulateurs au plomb",
                ),
                EwcCode(
                    code="200108",
                    chapter="20",
                    subchapter="2001",
                    hazardous=False,
                    entry_type="AN",
                    label_en="biodegradable kitchen and canteen waste",
                    label_fr="déchets de cuisine et de cantine biodégradables",
                ),
                Locality(
                    name="Contern",
                    commune="Contern",
                    canton="Luxembourg",
                    kind="commune",
                    lat=49.5856,
                    lon=6.2267,
                    source="test",
                ),
                Locality(
                    name="Esch-sur-Alzette",
                    commune="Esch-sur-Alzette",
                    canton="Esch-sur-Alzette",
                    kind="commune",
                    lat=49.4958,
                    lon=5.9806,
                    source="test",
                ),
                NaceCode(
                    code="C", level="section", parent=None, label_en="Manufacturing"
                ),
                NaceCode(code="10.71", level="class", parent="10.7", label_en="Bread"),
                NaceCode(code="38.11", level="class", parent="38.1", label_en="Waste"),
                *emission_factors(),
                FactorSet(
                    name="DESNZ-2025", valid_from=date(2025, 1, 1), source="test"
                ),
            ]
        )
        db.session.flush()


def make_zone(
    *, name: str | None = None, lat: float = 49.58, lon: float = 6.12
) -> Zone:
    name = name or f"Zone {next(_seq)} (Commune)"
    zone = Zone(name=name, slug=slugify(name), commune="Commune", lat=lat, lon=lon)
    db.session.add(zone)
    db.session.flush()
    return zone


def make_org(
    *, name: str | None = None, kind: str = "company", zone: Zone | None = None
) -> Organisation:
    name = name or f"Firm {next(_seq)}"
    org = Organisation(
        name=name, name_key=fold(name), slug=slugify(name), kind=kind, zone=zone
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(
    *,
    email: str | None = None,
    org: Organisation | None = None,
    role: str | None = "member",
    facilitator: bool = False,
    manages: list[Zone] | None = None,
    password: str = PASSWORD,
    locale: str = "fr",
    full_name: str = "Test Person",
) -> User:
    user = User(
        email=email or f"user{next(_seq)}@example.lu",
        full_name=full_name,
        password_hash=hash_password(password),
        locale=locale,
        is_facilitator=facilitator,
        organisation=org,
        org_role=OrgRole(role) if org is not None and role else None,
        session_token=secrets.token_hex(16),
    )
    user.managed_zones = list(manages or [])
    db.session.add(user)
    db.session.flush()
    return user


def make_zone_request(*, org: Organisation, zone: Zone) -> ZoneRequest:
    request = ZoneRequest(organisation=org, zone=zone)
    db.session.add(request)
    db.session.flush()
    return request


LISTING: dict[str, Any] = {
    "kind": "offer",
    "resource": "material",
    "title": "Palettes en bois",
    "description": "Palettes EUR, enlèvement sur place.",
    "ewc_code": "150103",
    "quantity": "2.5",
    "unit": "t",
    "frequency": "monthly",
}


def make_listing(
    *, org: Organisation, by: User | None = None, **fields: Any
) -> Listing:
    """Post a listing through the service, so it obeys the same rules as users'."""
    from symbiosis.services.listings import post_listing

    if org.lat is None and org.zone is None:
        org.lat, org.lon = 49.6, 6.15
    author = by or make_user(org=org, facilitator=True)
    return post_listing(author, org, {**LISTING, **fields})


def agreement_terms() -> dict[str, Any]:
    """Agreement terms that every test can start from: the start is today, read
    at each call (not at import), so a run that crosses midnight stays consistent."""
    return {
        "quantity": "2",
        "unit": "t",
        "frequency": "monthly",
        "start": date.today().isoformat(),
        "price_terms": "free",
        "transport_by": "receiver",
    }
