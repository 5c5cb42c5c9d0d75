"""Demo agreements: scripted stories replayed through the agreement services.

Each agreement of ``seeds/demo/agreements.json`` is proposed, answered,
started, delivered and closed by demo accounts through :mod:`agreements` and
:mod:`agreement_thread`, so the demo obeys the rules users do. A step's
``day`` is an offset from the load date (always before it); once the services
have written a step, its rows (events, messages, ticks, deliveries, impact
records, notifications) are back-dated to that day, so the trail reads over
the past weeks whenever the demo is loaded. Term dates (``start``, ``end``)
are offsets too.

An agreement is stored with ``submission_key = "demo-<key>"``: loading again
skips it. A step the services refuse stops the load with
:class:`DemoScriptError` and removes that agreement's partial trail.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app

from symbiosis.errors import DomainError
from symbiosis.extensions import db
from symbiosis.matching.normalise import fold
from symbiosis.models import (
    Agreement,
    AgreementCheck,
    AgreementEvent,
    AgreementMessage,
    Delivery,
    ImpactRecord,
    Listing,
    Match,
    Notification,
    Organisation,
    User,
)
from symbiosis.models.base import utcnow
from symbiosis.services import agreement_thread, agreements
from symbiosis.services.seeding import LoadReport

KEY_PREFIX = "demo-"
# Tables whose new rows the load reports.
REPORTED = (
    Agreement,
    AgreementEvent,
    AgreementMessage,
    AgreementCheck,
    Delivery,
    ImpactRecord,
)
# Rows a step may add to an agreement: back-dated to the step's moment.
STAMPED = (AgreementEvent, AgreementMessage, AgreementCheck, Delivery, ImpactRecord)
ACTIONS = frozenset(
    {"counter", "accept", "decline", "withdraw", "start", "complete", "terminate"}
)
TEXTS = ("comment", "reason", "actual_quantity", "actual_unit")
FIRST_STEP = time(7, 30)  # UTC; a day's first step comes within MORNING_MINUTES
MORNING_MINUTES = 210
STEP_GAP = timedelta(minutes=95)
EXPIRY_RUN = time(2, 15)  # the nightly job that expires proposals
READ_AFTER = timedelta(days=3)  # older notifications show as read
# Before a scripted proposal: its listings were posted, then matched.
POSTED, MATCHED = timedelta(days=12), timedelta(days=4)


class DemoScriptError(RuntimeError):
    """A scripted step is malformed or was refused by a service: fix the script."""


@dataclass
class _Story:
    """One agreement being replayed."""

    key: str
    offer: Listing
    request: Listing
    today: date
    terms: dict[str, Any]
    agreement_id: int | None = None
    deliveries: int = 0
    day: date | None = None
    slot: int = 0

    @property
    def id(self) -> int:
        if self.agreement_id is None:
            raise DemoScriptError("the first step must be 'propose'")
        return self.agreement_id


def load_demo_agreements(root: Path) -> LoadReport:
    """Replay ``root/agreements.json``; agreements already loaded are skipped."""
    report = LoadReport()
    path = root / "agreements.json"
    if not path.exists():
        return report
    scripts = json.loads(path.read_text(encoding="utf-8"))
    done = set(
        db.session.scalars(
            sa.select(Agreement.submission_key).where(
                Agreement.submission_key.startswith(KEY_PREFIX)
            )
        )
    )
    before = _counts()
    today = date.today()
    for script in scripts:
        key = KEY_PREFIX + script["key"]
        if key not in done:
            _replay(script, key, today)
    after = _counts()
    for name, count in after.items():
        report.add(name, count - before[name], 0)
    return report


def _counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(
            sa.select(sa.func.count()).select_from(model)
        )
        or 0
        for model in REPORTED
    }


def _listing(ref: list[str], kind: str) -> Listing | None:
    """The listing named by ``[organisation, title]`` (the demo listings' key)."""
    organisation, title = ref
    return db.session.scalar(
        sa.select(Listing)
        .join(Organisation, Listing.organisation_id == Organisation.id)
        .where(
            Organisation.name_key == fold(organisation),
            Listing.kind == kind,
            Listing.title == title.strip(),
        )
        .order_by(Listing.id)
        .limit(1)
    )


def _replay(script: dict[str, Any], key: str, today: date) -> None:
    offer = _listing(script["offer"], "offer")
    request = _listing(script["request"], "request")
    if offer is None or request is None or not (offer.is_active and request.is_active):
        current_app.logger.warning(
            "demo agreement %s skipped: its listings are missing or not active", key
        )
        return
    story = _Story(key, offer, request, today, {})
    last = None
    for number, step in enumerate(script["steps"], start=1):
        try:
            day = today + timedelta(days=int(step["day"]))
            if day >= today or (last is not None and day < last):
                raise DemoScriptError("steps go forward in time and end before today")
            _step(story, step, day)
        except (DomainError, DemoScriptError, KeyError, ValueError) as error:
            db.session.rollback()
            _discard(story.agreement_id)
            raise DemoScriptError(
                f"demo agreement {script['key']}, step {number} "
                f"({step.get('do')}): {error}"
            ) from error
        last = day


def _step(story: _Story, step: dict[str, Any], day: date) -> None:
    at = _moment(story, step, day)
    started = utcnow()
    do = step["do"]
    if do == "expire":
        _expire(story, day)
    else:
        actor = _user(step["by"])
        if do == "propose":
            _propose(story, actor, step)
        elif do in ACTIONS:
            _act(story, actor, step)
        elif do == "message":
            agreement_thread.post_message(actor, story.id, step["body"])
        elif do == "tick":
            agreement_thread.tick(actor, story.id, list(step["items"]))
        elif do == "deliver":
            _deliver(story, actor, step, day)
        else:
            raise DemoScriptError(f"unknown step {do!r}")
    _backdate(story, do, started, at, day)


def _moment(story: _Story, step: dict[str, Any], day: date) -> datetime:
    """When the step happened: its ``at`` (HH:MM), else one after the other."""
    story.slot = story.slot + 1 if story.day == day else 0
    story.day = day
    if step.get("at"):
        clock = time.fromisoformat(step["at"])
    elif step["do"] == "expire":
        clock = EXPIRY_RUN
    else:  # a morning hour of its own per story and day, the same on every load
        offset = (day - story.today).days
        minutes = zlib.crc32(f"{story.key}:{offset}".encode()) % MORNING_MINUTES
        start = datetime.combine(day, FIRST_STEP) + timedelta(minutes=minutes)
        start += STEP_GAP * story.slot
        clock = start.time() if start.date() == day else time(23, 50)
    return datetime.combine(day, clock, tzinfo=UTC)


def _user(email: str) -> User:
    user: User | None = db.session.scalar(
        sa.select(User).where(User.email == email.lower())
    )
    if user is None:
        raise DemoScriptError(f"no demo account {email}")
    return user


def _raw_terms(story: _Story) -> dict[str, Any]:
    """The scripted terms as a form would send them (day offsets as dates)."""
    raw = dict(story.terms)
    for name in ("start", "end"):
        offset = raw.get(name)
        raw[name] = (
            (story.today + timedelta(days=int(offset))).isoformat()
            if offset is not None
            else None
        )
    return raw


def _propose(story: _Story, actor: User, step: dict[str, Any]) -> None:
    if story.agreement_id is not None:
        raise DemoScriptError("'propose' comes once, first")
    story.terms = dict(step["terms"])
    match_id = db.session.scalar(
        sa.select(Match.id).where(
            Match.offer_id == story.offer.id, Match.request_id == story.request.id
        )
    )
    agreement = agreements.propose(
        actor,
        story.offer.id,
        story.request.id,
        _raw_terms(story),
        match_id=match_id,
    )
    # Readable marks instead of the hashed form keys: a second load finds them.
    agreement.submission_key = story.key
    db.session.commit()
    story.agreement_id = agreement.id


def _act(story: _Story, actor: User, step: dict[str, Any]) -> None:
    raw: dict[str, Any] = {}
    if step["do"] == "counter":
        story.terms.update(step["terms"])  # the changed terms; the rest stays
        raw.update(_raw_terms(story))
    raw.update({name: step[name] for name in TEXTS if name in step})
    version = db.session.scalar(
        sa.select(Agreement.version).where(Agreement.id == story.id)
    )
    agreements.act(actor, story.id, step["do"], version, raw)


def _deliver(story: _Story, actor: User, step: dict[str, Any], day: date) -> None:
    story.deliveries += 1
    delivery = agreement_thread.log_delivery(
        actor,
        story.id,
        {
            "delivered_on": day.isoformat(),
            "quantity": step["quantity"],
            "unit": step["unit"],
            "note": step.get("note"),
        },
    )
    delivery.submission_key = f"{story.key}-{story.deliveries}"
    db.session.commit()


def _expire(story: _Story, day: date) -> None:
    """Run the expiry job as it ran on ``day``: the proposal must be due then."""
    agreement_thread.expire(day)
    state = db.session.scalar(
        sa.select(Agreement.state).where(Agreement.id == story.id)
    )
    if state != "expired":
        raise DemoScriptError(
            "the proposal was not due: propose it more than "
            "AGREEMENT_EXPIRY_DAYS days before the expiry step"
        )


def _backdate(
    story: _Story, do: str, started: datetime, at: datetime, day: date
) -> None:
    """Move what this step wrote (after ``started``) to ``at``, then commit."""
    agreement_id = story.id
    impact = _table(ImpactRecord)
    if do == "complete":  # the service records the completion on the real day
        db.session.execute(
            sa.update(impact)
            .where(
                impact.c.agreement_id == agreement_id,
                impact.c.kind == "completion",
                impact.c.created_at >= started,
            )
            .values(recorded_on=day)
        )
    for model in STAMPED:
        table = _table(model)
        db.session.execute(
            sa.update(table)
            .where(table.c.agreement_id == agreement_id, table.c.created_at >= started)
            .values(created_at=at)
        )
    values: dict[str, Any] = {"updated_at": at}
    if do == "propose":
        values["created_at"] = at
        _before(story, at)
    if do in ("propose", "counter"):  # new terms: a fresh answer period from `day`
        days = current_app.config["AGREEMENT_EXPIRY_DAYS"]
        values["expires_on"] = day + timedelta(days=days)
    table = _table(Agreement)
    db.session.execute(
        sa.update(table)
        .where(table.c.id == agreement_id, table.c.updated_at >= started)
        .values(**values)
    )
    notes = _table(Notification)
    old_news = story.today - day >= READ_AFTER
    db.session.execute(
        sa.update(notes)
        .where(notes.c.created_at >= started, _links_to(notes, agreement_id))
        .values(created_at=at, read_at=at + timedelta(hours=2) if old_news else None)
    )
    db.session.commit()


def _before(story: _Story, proposed: datetime) -> None:
    """The listings were posted, and matched, before the proposal was made
    (the demo posts them today): move them back, as they happened."""
    for listing in (story.offer, story.request):
        table = _table(Listing)
        db.session.execute(
            sa.update(table)
            .where(table.c.id == listing.id, table.c.created_at > proposed - POSTED)
            .values(created_at=proposed - POSTED)
        )
    table = _table(Match)
    db.session.execute(
        sa.update(table)
        .where(
            table.c.offer_id == story.offer.id,
            table.c.request_id == story.request.id,
            table.c.created_at > proposed - MATCHED,
        )
        .values(created_at=proposed - MATCHED)
    )


def _table(model: type[Any]) -> sa.Table:
    return cast(sa.Table, model.__table__)


def _links_to(notes: sa.Table, agreement_id: int) -> sa.ColumnElement[bool]:
    link = f"/agreements/{agreement_id}"
    return sa.or_(notes.c.link == link, notes.c.link.startswith(f"{link}#"))


def _discard(agreement_id: int | None) -> None:
    """Remove an agreement whose replay failed half-way, with its trail."""
    if agreement_id is None:
        return
    notes = _table(Notification)
    db.session.execute(sa.delete(notes).where(_links_to(notes, agreement_id)))
    for model in (*reversed(STAMPED), Agreement):  # impact records before deliveries
        table = _table(model)
        column = table.c.id if model is Agreement else table.c.agreement_id
        db.session.execute(sa.delete(table).where(column == agreement_id))
    db.session.commit()
