"""Demo pooled services, replayed through the pooled-service service.

``seeds/demo/pooled_services.json`` lists services with their proposer and
steps (approve, reject, enrol with a waste census, start, close), each with
its day in the past. A service already present (same zone and title) is
skipped, so loading again changes nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from symbiosis.extensions import db
from symbiosis.models import PooledService, PoolEvent, User, Zone
from symbiosis.models.base import utcnow
from symbiosis.services import pooled
from symbiosis.services.seeding import LoadReport


def _user(email: str) -> User:
    user: User | None = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        raise RuntimeError(f"demo pooled services: no user {email}")
    return user


def _date_last_event(service_id: int, days_ago: int) -> None:
    """Move the newest event of the service to ``days_ago`` (the story's day)."""
    event = db.session.scalar(
        sa.select(PoolEvent)
        .where(PoolEvent.service_id == service_id)
        .order_by(PoolEvent.id.desc())
        .limit(1)
    )
    if event is not None:
        event.created_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def _replay(script: dict[str, Any]) -> None:
    zone = db.session.scalar(sa.select(Zone).where(Zone.name == script["zone"]))
    if zone is None:
        raise RuntimeError(f"demo pooled services: no zone {script['zone']}")
    service = pooled.propose(
        _user(script["by"]), zone, script["fields"], source_key=script.get("source_key")
    )
    _date_last_event(service.id, script["days_ago"])
    for step in script["steps"]:
        actor = _user(step["by"])
        if step["do"] == "enrol":
            pooled.enrol(actor, service.id, step["commitment"])
            for line in step.get("waste", []):
                pooled.declare_waste(actor, service.id, line)
        else:
            version = db.session.get(PooledService, service.id).version  # type: ignore[union-attr]
            pooled.act(actor, service.id, step["do"], version, step)
        _date_last_event(service.id, step["days_ago"])
    service.created_at = utcnow() - timedelta(days=script["days_ago"])
    db.session.commit()


def load_demo_pooled(root: Path) -> LoadReport:
    """Replay ``root/pooled_services.json``; services already there are skipped."""
    report = LoadReport()
    path = root / "pooled_services.json"
    if not path.exists():
        return report
    present = {
        (zone_id, title)
        for zone_id, title in db.session.execute(
            sa.select(PooledService.zone_id, PooledService.title)
        )
    }
    created = 0
    for script in json.loads(path.read_text(encoding="utf-8")):
        zone_id = db.session.scalar(
            sa.select(Zone.id).where(Zone.name == script["zone"])
        )
        if (zone_id, script["fields"]["title"]) in present:
            continue
        _replay(script)
        created += 1
    report.add("pooled_service", created, 0)
    return report
