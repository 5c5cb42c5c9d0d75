"""The activity log: record important actions, and read them back for facilitators.

:func:`record` adds an entry to the session without committing, so the entry
lands in the transaction of the action it describes: an action that fails or
rolls back leaves no entry. Action keys read ``<kind>.<what happened>``
(``agreement.accepted``, ``pooled.approved``, ``listing.imported``...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from symbiosis.bounded import whole_number
from symbiosis.errors import FieldErrors
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.labels import ACTIVITY_ACTION
from symbiosis.models import (
    ActivityEntry,
    Agreement,
    ImpactRecord,
    Organisation,
    User,
    Zone,
)

KINDS = ("agreement", "pooled", "zone", "membership", "listing", "impact", "export")
# What a step did, for action keys: "accept" -> "agreement.accepted".
PAST = {
    "propose": "proposed",
    "accept": "accepted",
    "decline": "declined",
    "counter": "countered",
    "withdraw": "withdrawn",
    "start": "started",
    "complete": "completed",
    "terminate": "terminated",
    "expire": "expired",
    "retract": "retracted",
    "approve": "approved",
    "reject": "rejected",
    "close": "closed",
    "refuse": "refused",
    "promote": "promoted",
    "demote": "demoted",
    "remove": "removed",
}
KEY = re.compile(r"^[a-z_]+\.[a-z_]+$")
PER_PAGE = 50
MAX_TEXT = 300  # details are a summary, not a copy of the object


def step_key(kind: str, step: str) -> str:
    """The key of a step: ``agreement``, ``accept`` → ``agreement.accepted``."""
    return f"{kind}.{PAST.get(step, step)}"


# -- writing -----------------------------------------------------------------
def record(
    action: str,
    *,
    actor: Any = None,
    subject: Any = None,
    zone_id: int | None = None,
    **details: Any,
) -> ActivityEntry:
    """Add an entry for ``action`` to the session (the caller's service commits).

    :param actor: the user who acted; None for the system (scheduler, CLI).
    :param subject: the object acted on (a model instance), or a
        ``(type, id)`` pair; its zone is used unless ``zone_id`` is given.
    :param details: a few JSON-safe facts (counts, a reason); None values dropped.
    """
    if not KEY.match(action):
        raise ValueError(f"activity action key {action!r} is not kind.what")
    subject_type, subject_id = _subject(subject)
    entry = ActivityEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        organisation_id=getattr(actor, "organisation_id", None),
        zone_id=zone_id if zone_id is not None else _zone_of(subject),
        subject_type=subject_type,
        subject_id=subject_id,
        details={k: _plain(v) for k, v in details.items() if v is not None} or None,
    )
    db.session.add(entry)
    return entry


def record_export(
    actor: Any,
    fmt: str,
    table: str,
    rows: int | None = None,
    *,
    subject: Any = None,
    zone_id: int | None = None,
    **details: Any,
) -> None:
    """Log a download (``export.csv``, ``export.xlsx``...) and commit it.

    For views that serve exports: they only read, so the log commits here.
    """
    try:
        record(
            f"export.{fmt}",
            actor=actor,
            subject=subject,
            zone_id=zone_id,
            table=table,
            rows=rows,
            **details,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _subject(subject: Any) -> tuple[str | None, int | None]:
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        return str(subject[0]), int(subject[1])
    if getattr(subject, "id", None) is None:
        db.session.flush()  # a new object: its id is needed now
    name = type(subject).__tablename__
    return ("user" if name == "app_user" else name), int(subject.id)


def _zone_of(subject: Any) -> int | None:
    """The zone of the object acted on (an agreement: its offer's zone)."""
    if isinstance(subject, Zone):
        return subject.id
    if isinstance(subject, ImpactRecord):
        subject = db.session.get(Agreement, subject.agreement_id)
    if isinstance(subject, Agreement):
        return subject.offer.zone_id
    zone_id = getattr(subject, "zone_id", None)
    return zone_id if isinstance(zone_id, int) else None


def _plain(value: Any) -> Any:
    """A JSON-safe form of ``value``."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)[:MAX_TEXT]


# -- reading -----------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """What the facilitator asked to see; every field optional."""

    action: str | None = None  # a kind ("agreement") or a full key
    zone: Zone | None = None
    organisation: Organisation | None = None
    actor: User | None = None
    start: date | None = None
    end: date | None = None

    def as_args(self) -> dict[str, str]:
        """The query string that gives these filters back."""
        args = {
            "action": self.action,
            "zone": self.zone.slug if self.zone else None,
            "organisation": str(self.organisation.id) if self.organisation else None,
            "actor": str(self.actor.id) if self.actor else None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }
        return {k: v for k, v in args.items() if v}


def known_actions() -> list[str]:
    """Action keys with a label, in workflow order (for the filter's choices).

    The stored keys are not read back: a DISTINCT over a long log is not free.
    """
    return list(ACTIVITY_ACTION)


def parse_filters(args: Mapping[str, Any]) -> Filters:
    """Read the filters from a query string; report every bad field at once.

    :raises FieldErrors: naming ``action``, ``zone``, ``organisation``,
        ``actor``, ``from`` or ``to``.
    """
    errors: list[tuple[str, str]] = []
    text = {k: str(args.get(k) or "").strip() for k in _FIELDS}
    action = text["action"] or None
    if (
        action
        and action not in KINDS
        and not (KEY.match(action) and action.split(".")[0] in KINDS)
    ):
        errors.append(("action", gettext("Choose an action from the list.")))
    zone = _find(Zone, text["zone"], slug=True)
    if text["zone"] and zone is None:
        errors.append(("zone", gettext("Unknown zone.")))
    organisation = _find(Organisation, text["organisation"])
    if text["organisation"] and organisation is None:
        errors.append(("organisation", gettext("Unknown organisation.")))
    actor = _find(User, text["actor"])
    if text["actor"] and actor is None:
        errors.append(("actor", gettext("Unknown person.")))
    start = _day(text["from"], "from", errors)
    end = _day(text["to"], "to", errors)
    if start and end and start > end:
        errors.append(("to", gettext("The end of the period comes before its start.")))
    if errors:
        raise FieldErrors(errors)
    return Filters(action, zone, organisation, actor, start, end)


_FIELDS = ("action", "zone", "organisation", "actor", "from", "to")


def _find(model: Any, text: str, *, slug: bool = False) -> Any:
    if not text:
        return None
    if slug:
        found = db.session.scalar(sa.select(model).where(model.slug == text))
        if found is not None:
            return found
    try:
        number = whole_number(text)
    except ValueError:  # not a number, or too long for an id
        return None
    return db.session.get(model, number)


def _day(text: str, name: str, errors: list[tuple[str, str]]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append((name, gettext("Give a date as YYYY-MM-DD.")))
        return None


def _midnight(day: date) -> datetime:
    """The start of ``day`` in the app's time zone (the one pages show), in UTC."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def query(filters: Filters) -> sa.Select[Any]:
    """The entries matching ``filters``, newest first."""
    select = sa.select(ActivityEntry).order_by(
        ActivityEntry.at.desc(), ActivityEntry.id.desc()
    )
    if filters.action in KINDS:
        select = select.where(ActivityEntry.action.startswith(f"{filters.action}."))
    elif filters.action:
        select = select.where(ActivityEntry.action == filters.action)
    if filters.zone is not None:
        select = select.where(ActivityEntry.zone_id == filters.zone.id)
    if filters.organisation is not None:
        org = filters.organisation.id
        # What people of the organisation did, and what was done to it.
        select = select.where(
            sa.or_(
                ActivityEntry.organisation_id == org,
                sa.and_(
                    ActivityEntry.subject_type == "organisation",
                    ActivityEntry.subject_id == org,
                ),
            )
        )
    if filters.actor is not None:
        select = select.where(ActivityEntry.actor_id == filters.actor.id)
    if filters.start is not None:
        select = select.where(ActivityEntry.at >= _midnight(filters.start))
    if filters.end is not None:
        after = _midnight(filters.end + timedelta(days=1))
        select = select.where(ActivityEntry.at < after)
    return select.options(
        selectinload(ActivityEntry.actor),
        selectinload(ActivityEntry.organisation),
        selectinload(ActivityEntry.zone),
    )


def page(filters: Filters, number: int = 1, per_page: int = PER_PAGE) -> Any:
    """One page of the entries matching ``filters``, newest first."""
    return db.paginate(
        query(filters), page=max(number, 1), per_page=per_page, error_out=False
    )


def entries(filters: Filters) -> Iterator[ActivityEntry]:
    """Every entry matching ``filters``, read in batches."""
    select = query(filters).execution_options(yield_per=500)
    yield from db.session.scalars(select)
