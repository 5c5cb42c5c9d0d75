"""Plain builders for test data: keyword-only, sensible defaults, flushed."""

from __future__ import annotations

import itertools
import secrets

from symbiosis.extensions import db
from symbiosis.matching.normalise import fold, slugify
from symbiosis.models import (
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
                NaceCode(
                    code="C", level="section", parent=None, label_en="Manufacturing"
                ),
                NaceCode(code="10.71", level="class", parent="10.7", label_en="Bread"),
                NaceCode(code="38.11", level="class", parent="38.1", label_en="Waste"),
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
