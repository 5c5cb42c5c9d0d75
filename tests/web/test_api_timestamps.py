"""Every moment the API writes carries its offset (UTC, ``+00:00``).

SQLite gives stored times back without a zone; the API must still say they
are UTC. Dates without a time stay ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.services.tokens import create_token
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.event_builders import make_planned_event
from tests.practice_builders import make_practice

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
WITH_OFFSET = re.compile(r".*[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


def strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(place, text) of every string in a JSON value, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key, f"{where}.<key>")
            yield from strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, f"{where}[]")
    elif isinstance(value, str):
        yield where, value


def moments(document: Any) -> dict[str, str]:
    """The timestamp-looking strings of a JSON document, by place."""
    return {where: text for where, text in strings(document) if MOMENT.fullmatch(text)}


def test_the_walk_tells_naive_from_aware() -> None:
    found = moments({"a": [{"at": "2026-11-28T13:19:12.474882"}], "d": "2026-11-28"})
    assert found == {".a[].at": "2026-11-28T13:19:12.474882"}
    assert not WITH_OFFSET.fullmatch(found[".a[].at"])
    assert WITH_OFFSET.fullmatch("2026-11-28T13:19:12.474882+00:00")
    assert DATE.fullmatch("2026-11-28")


def _world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone()
        supplier, receiver = make_org(zone=zone), make_org(zone=zone)
        ua, ub = make_user(org=supplier), make_user(org=receiver)
        facilitator = make_user(facilitator=True, role=None)
        offer = make_listing(org=supplier, by=ua)
        request = make_listing(org=receiver, by=ub, kind="request", title="Pallets")
        make_practice()
        event = make_planned_event(facilitator, [supplier, receiver])
        headers = {
            name: {"Authorization": f"Bearer {create_token(user, 't')[0]}"}
            for name, user in (("a", ua), ("b", ub), ("f", facilitator))
        }
        db.session.commit()
        return {"offer": offer.id, "request": request.id, "event": event.id, **headers}


def test_every_timestamp_of_the_main_resources_has_its_offset(
    app: Flask, client: FlaskClient
) -> None:
    w = _world(app)
    a, b, f = w["a"], w["b"], w["f"]
    terms = {
        "offer_id": w["offer"], "request_id": w["request"], "quantity": 2,
        "unit": "t", "frequency": "monthly", "start": date.today().isoformat(),
        "price_terms": "free", "transport_by": "supplier",
    }  # fmt: skip
    created = client.post("/api/v1/agreements", json=terms, headers=b)
    assert created.status_code == 201, created.json
    url = f"/api/v1/agreements/{created.json['id']}"
    accepted = client.post(f"{url}/accept", json={"version": 1}, headers=a)
    message = client.post(f"{url}/messages", json={"body": "Monday"}, headers=b)
    note = client.get("/api/v1/notifications", headers=a).json["notifications"][0]
    read = client.post(f"/api/v1/notifications/{note['id']}/read", headers=a)
    search = {"name": "Pallets", "filters": {"q": "pallets"}}
    followed = client.post("/api/v1/saved-searches", json=search, headers=b)
    app.config["STATS_CACHE_SECONDS"] = 3600  # the second read is a snapshot
    client.get("/api/v1/stats", headers=f)
    answers = {
        "created agreement": created,
        "accepted agreement": accepted,
        "agreements": client.get("/api/v1/agreements", headers=a),
        "agreement": client.get(url, headers=a),
        "message": message,
        "messages": client.get(f"{url}/messages", headers=a),
        "notifications": client.get("/api/v1/notifications", headers=a),
        "read notification": read,
        "followed search": followed,
        "saved searches": client.get("/api/v1/saved-searches", headers=b),
        "practices": client.get("/api/v1/practices"),
        "events": client.get("/api/v1/events", headers=f),
        "event": client.get(f"/api/v1/events/{w['event']}", headers=f),
        "stats": client.get("/api/v1/stats", headers=f),
        "listings": client.get("/api/v1/listings", headers=a),
        "listing": client.get(f"/api/v1/listings/{w['offer']}", headers=a),
        "me": client.get("/api/v1/auth/me", headers=a),
    }
    seen: dict[str, str] = {}
    for name, response in answers.items():
        assert response.status_code in (200, 201), (name, response.json)
        for where, text in moments(response.json).items():
            seen[f"{name}: {where}"] = text
    naive = {
        where: text for where, text in seen.items() if not WITH_OFFSET.fullmatch(text)
    }
    assert not naive, f"timestamps without their offset: {naive}"
    assert all(text.endswith("+00:00") for text in seen.values()), seen
    for place in (
        "agreement: .events[].at",
        "messages: .messages[].at",
        "message: .at",
        "notifications: .notifications[].created_at",
        "read notification: .read_at",
        "saved searches: .saved_searches[].created_at",
        "practices: .practices[].updated_at",
        "events: .events[].starts_at",
        "event: .plan.rounds[].ends_at",
        "stats: .computed_at",
    ):
        assert place in seen, f"{place} was not walked: {sorted(seen)}"
    dates = [
        answers["agreement"].json["start"],
        answers["listing"].json["available_from"],
        answers["stats"].json["from"],
    ]
    assert all(DATE.fullmatch(day) for day in dates), dates
