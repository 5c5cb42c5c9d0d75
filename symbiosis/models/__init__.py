"""Every model, imported here so that Alembic sees the whole metadata."""

from symbiosis.models.base import Base
from symbiosis.models.organisation import Organisation, OrgKind, organisation_sdgs
from symbiosis.models.reference import (
    EmissionFactor,
    EwcChapter,
    EwcCode,
    Locality,
    NaceCode,
    Sdg,
)
from symbiosis.models.user import OrgRole, User
from symbiosis.models.zone import Zone, ZoneRequest, ZoneRequestState, zone_managers

__all__ = [
    "Base",
    "EmissionFactor",
    "EwcChapter",
    "EwcCode",
    "Locality",
    "NaceCode",
    "OrgKind",
    "OrgRole",
    "Organisation",
    "Sdg",
    "User",
    "Zone",
    "ZoneRequest",
    "ZoneRequestState",
    "organisation_sdgs",
    "zone_managers",
]
