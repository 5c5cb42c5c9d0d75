"""Every model, imported here so that Alembic sees the whole metadata."""

from symbiosis.models.activity import ActivityEntry
from symbiosis.models.agreement import (
    Agreement,
    AgreementCheck,
    AgreementEvent,
    AgreementMessage,
    Delivery,
    ImpactRecord,
)
from symbiosis.models.base import Base
from symbiosis.models.event import Event, EventMeeting, EventRegistration
from symbiosis.models.invitation import Invitation, InvitationState
from symbiosis.models.listing import Listing, listing_sdgs
from symbiosis.models.match import Match
from symbiosis.models.notification import ApiToken, Notification
from symbiosis.models.organisation import Organisation, OrgKind, organisation_sdgs
from symbiosis.models.pooled import (
    PooledService,
    PoolEvent,
    PoolParticipant,
    PoolWasteLine,
)
from symbiosis.models.practice import Practice, practice_sdgs
from symbiosis.models.reference import (
    EmissionFactor,
    EwcChapter,
    EwcCode,
    FactorSet,
    Locality,
    NaceCode,
    Sdg,
)
from symbiosis.models.saved_search import SavedSearch
from symbiosis.models.stats_snapshot import StatsSnapshot
from symbiosis.models.user import MailNotices, OrgRole, User
from symbiosis.models.working_group import (
    GroupAction,
    GroupMeeting,
    WorkingGroup,
    WorkingGroupMember,
)
from symbiosis.models.zone import Zone, ZoneRequest, ZoneRequestState, zone_managers

__all__ = [
    "ActivityEntry",
    "Agreement",
    "AgreementCheck",
    "AgreementEvent",
    "AgreementMessage",
    "ApiToken",
    "Base",
    "Delivery",
    "EmissionFactor",
    "Event",
    "EventMeeting",
    "EventRegistration",
    "EwcChapter",
    "EwcCode",
    "FactorSet",
    "GroupAction",
    "GroupMeeting",
    "ImpactRecord",
    "Invitation",
    "InvitationState",
    "Listing",
    "Locality",
    "MailNotices",
    "Match",
    "NaceCode",
    "Notification",
    "OrgKind",
    "OrgRole",
    "Organisation",
    "PoolEvent",
    "PoolParticipant",
    "PoolWasteLine",
    "PooledService",
    "Practice",
    "SavedSearch",
    "Sdg",
    "StatsSnapshot",
    "User",
    "WorkingGroup",
    "WorkingGroupMember",
    "Zone",
    "ZoneRequest",
    "ZoneRequestState",
    "listing_sdgs",
    "organisation_sdgs",
    "practice_sdgs",
    "zone_managers",
]
