"""Demo working groups: members, meetings and actions replayed through the services.

Each group of ``seeds/demo/working_groups.json`` is created by its zone's
manager, who adds its members; members record the meetings and the actions
decided there, and owners mark their actions done, all through
:mod:`symbiosis.services.working_groups`, so the demo obeys the rules users do.
Every ``day`` (``due``, ``done``) is an offset from the load date; once a step
is written its rows, and the notifications it sent, are back-dated to that
day, so the group's history reads over the past months whenever the demo is
loaded.

A group whose zone already has a group of that name is skipped: loading again
changes nothing. A step the services refuse stops the load with
:class:`DemoScriptError` and removes that group's partial history.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa

from symbiosis.errors import DomainError
from symbiosis.extensions import db
from symbiosis.models import (
    GroupAction,
    GroupMeeting,
    Notification,
    User,
    WorkingGroup,
    WorkingGroupMember,
    Zone,
)
from symbiosis.models.base import utcnow
from symbiosis.services import working_groups
from symbiosis.services.seeding import LoadReport

T = TypeVar("T")
FILE = "working_groups.json"
REPORTED = (WorkingGroup, WorkingGroupMember, GroupMeeting, GroupAction)
MORNING = time(8, 30)  # UTC; a day's steps follow each other from here
READ_AFTER = timedelta(days=3)  # older notifications show as read


class DemoScriptError(RuntimeError):
    """A scripted step is malformed or was refused by a service: fix the script."""


def load_demo_groups(root: Path, today: date | None = None) -> LoadReport:
    """Replay ``root/working_groups.json``; groups already there are skipped."""
    report = LoadReport()
    path = root / FILE
    if not path.exists():
        return report
    scripts = json.loads(path.read_text(encoding="utf-8"))
    before = _counts()
    for script in scripts:
        zone = db.session.scalar(sa.select(Zone).where(Zone.name == script["zone"]))
        if zone is None:
            raise DemoScriptError(f"no zone {script['zone']!r}")
        exists = db.session.scalar(
            sa.select(WorkingGroup.id).where(
                WorkingGroup.zone_id == zone.id, WorkingGroup.name == script["name"]
            )
        )
        if exists is None:
            _Replay(script, zone, today or date.today()).run()
    for name, count in _counts().items():
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


def _user(email: str) -> User:
    user: User | None = db.session.scalar(
        sa.select(User).where(User.email == email.lower())
    )
    if user is None:
        raise DemoScriptError(f"no demo account {email}")
    return user


class _Replay:
    """One group being replayed, step by step, at its scripted moments."""

    def __init__(self, script: dict[str, Any], zone: Zone, today: date) -> None:
        self.script = script
        self.zone = zone
        self.today = today
        self.group_id: int | None = None
        self.steps = 0  # orders the steps of one day, a few minutes apart

    def run(self) -> None:
        try:
            self._replay()
        except (DomainError, KeyError, TypeError, ValueError) as error:
            db.session.rollback()
            self._discard()
            detail = getattr(error, "message", "") or repr(error)
            raise DemoScriptError(
                f"working group {self.script.get('name')!r}: {detail}"
            ) from error

    def _replay(self) -> None:
        script = self.script
        manager = _user(script["created_by"])
        group = self._step(
            script["day"],
            lambda: working_groups.create_group(
                manager,
                self.zone.id,
                {"name": script["name"], "purpose": script.get("purpose")},
            ),
        )
        self.group_id = group.id
        self._stamp_member(manager.id, script["day"])
        for member in script.get("members", []):
            person = _user(member["email"])
            self._step(
                member["day"],
                partial(
                    working_groups.add_member,
                    manager,
                    group.id,
                    {"user_id": person.id, "role": member.get("role", "member")},
                ),
            )
            self._stamp_member(person.id, member["day"])
        for meeting in script.get("meetings", []):
            self._meeting(group.id, meeting)

    def _meeting(self, group_id: int, script: dict[str, Any]) -> None:
        author = _user(script["by"])
        meeting = self._step(
            script["day"],
            lambda: working_groups.record_meeting(
                author,
                group_id,
                {
                    "held_on": self._date(script["day"]),
                    "topic": script["topic"],
                    "minutes": script.get("minutes"),
                    "decisions": script.get("decisions"),
                },
            ),
        )
        for action in script.get("actions", []):
            owner = _user(action["owner"])
            made = self._step(
                script["day"],
                partial(
                    working_groups.add_action,
                    author,
                    group_id,
                    {
                        "title": action["title"],
                        "owner_id": owner.id,
                        "due_on": self._date(action["due"]),
                        "meeting_id": meeting.id,
                    },
                ),
            )
            if action.get("done") is not None:
                done = self._step(
                    action["done"],
                    partial(
                        working_groups.set_action_state,
                        owner,
                        group_id,
                        made.id,
                        "done",
                    ),
                )
                done.done_at = self._moment(action["done"])
                db.session.commit()

    # -- time ------------------------------------------------------------------
    def _date(self, offset: int) -> date:
        return self.today + timedelta(days=int(offset))

    def _moment(self, offset: int) -> datetime:
        self.steps += 1
        return datetime.combine(self._date(offset), MORNING, tzinfo=UTC) + timedelta(
            minutes=7 * self.steps
        )

    def _step(self, offset: int, work: Callable[[], T]) -> T:
        """Run one service call, then date what it wrote (and sent) to ``offset``."""
        if int(offset) > 0:
            raise DemoScriptError("steps happen in the past: use a negative day")
        last_note = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
        written = work()
        moment = self._moment(offset)
        if isinstance(written, WorkingGroup | GroupMeeting | GroupAction):
            written.created_at = moment
        read_at = (
            moment + timedelta(hours=2) if utcnow() - moment > READ_AFTER else None
        )
        db.session.execute(
            sa.update(Notification)
            .where(Notification.id > last_note)
            .values(created_at=moment, read_at=read_at)
        )
        db.session.commit()
        return written

    def _stamp_member(self, user_id: int, offset: int) -> None:
        db.session.execute(
            sa.update(WorkingGroupMember)
            .where(
                WorkingGroupMember.group_id == self.group_id,
                WorkingGroupMember.user_id == user_id,
            )
            .values(joined_at=self._moment(offset))
        )
        db.session.commit()

    def _discard(self) -> None:
        """Remove a half-replayed group and the notifications it sent."""
        if self.group_id is None:
            return
        group = db.session.get(WorkingGroup, self.group_id)
        if group is not None:
            db.session.delete(group)
        db.session.execute(
            sa.delete(Notification).where(
                Notification.link == f"/groups/{self.group_id}"
            )
        )
        db.session.commit()
