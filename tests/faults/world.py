"""Data and HTTP helpers shared by the fault tests."""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.jobs import QUEUE
from symbiosis.models import Agreement, AgreementEvent, Match
from symbiosis.services import tokens
from tests.builders import (
    LISTING,
    make_listing,
    make_org,
    make_user,
    make_zone,
)


@dataclass
class Pair:
    """A supplier firm (two members) with an offer, a receiver firm with requests."""

    supplier: int
    receiver: int
    offer: int
    requests: list[int]
    users: dict[str, int]
    tokens: dict[str, str]


def make_pair(app: Flask, requests: int = 0) -> Pair:
    """The firms, their API tokens, one offer and ``requests`` open requests."""
    with app.app_context():
        zone = make_zone()
        supplier, receiver = make_org(zone=zone), make_org(zone=zone)
        supplier.lat, supplier.lon = 49.60, 6.15
        receiver.lat, receiver.lon = 49.50, 6.00
        users = {
            "supplier_1": make_user(org=supplier),
            "supplier_2": make_user(org=supplier),
            "receiver": make_user(org=receiver),
        }
        offer = make_listing(
            org=supplier, by=users["supplier_1"], quantity="3", frequency="monthly"
        )
        wanted = [
            make_listing(
                org=receiver,
                by=users["receiver"],
                kind="request",
                title=f"Holzpaletten gesucht {n}",
                quantity="20",
                frequency="yearly",
            ).id
            for n in range(requests)
        ]
        db.session.commit()
        pair = Pair(
            supplier=supplier.id,
            receiver=receiver.id,
            offer=offer.id,
            requests=wanted,
            users={name: user.id for name, user in users.items()},
            tokens={
                name: tokens.create_token(user, "faults")[0]
                for name, user in users.items()
            },
        )
        db.session.remove()
    return pair


# -- HTTP ----------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def call(
    base: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    """One request on a fresh connection; a JSON body is decoded when it is one."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=timeout
    )
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body)
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        received = {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()
    try:
        decoded: Any = json.loads(raw) if raw else None
    except ValueError:
        decoded = raw.decode(errors="replace")
    return Reply(response.status, decoded, received)


def race(base: str, calls: list[dict[str, Any]]) -> list[Reply]:
    """Send every call at once, one thread and connection each; replies in order."""
    barrier = threading.Barrier(len(calls))
    replies: list[Reply | BaseException | None] = [None] * len(calls)

    def send(index: int, kwargs: dict[str, Any]) -> None:
        try:
            barrier.wait(timeout=10)
            replies[index] = call(base, "POST", **kwargs)
        except BaseException as error:  # reported by the caller's thread
            replies[index] = error

    threads = [threading.Thread(target=send, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done: list[Reply] = []
    for reply in replies:
        if isinstance(reply, BaseException):
            raise reply
        assert reply is not None, "a client thread did not finish"
        done.append(reply)
    return done


# -- what the database holds ---------------------------------------------------------
@dataclass
class Stored:
    id: int
    request_id: int
    state: str
    version: int
    submission_key: str | None
    events: list[tuple[str, str | None, str]]


def agreements(app: Flask) -> list[Stored]:
    """Every agreement with its audit trail, oldest first."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Agreement).order_by(Agreement.id)).all()
        events: dict[int, list[tuple[str, str | None, str]]] = {}
        for event in db.session.scalars(
            sa.select(AgreementEvent).order_by(AgreementEvent.id)
        ):
            events.setdefault(event.agreement_id, []).append(
                (event.action, event.from_state, event.to_state)
            )
        stored = [
            Stored(
                a.id,
                a.request_id,
                a.state,
                a.version,
                a.submission_key,
                events.get(a.id, []),
            )
            for a in rows
        ]
        db.session.remove()
    return stored


def assert_whole(agreement: Stored) -> None:
    """An agreement with its full trail: proposed first, one event per version."""
    assert agreement.events, f"agreement {agreement.id} has no event"
    assert agreement.events[0] == ("propose", None, "proposed"), agreement
    assert len(agreement.events) == agreement.version, agreement
    assert agreement.events[-1][2] == agreement.state, agreement
    for before, after in zip(agreement.events, agreement.events[1:], strict=False):
        assert after[1] == before[2], agreement


# -- listings and their matches -------------------------------------------------------
def request_body(n: int) -> dict[str, Any]:
    return {
        **LISTING,
        "kind": "request",
        "title": f"Holzpaletten gesucht {n}",
        "quantity": "20",
        "frequency": "yearly",
    }


def post_request(client: FlaskClient, pair: Pair, n: int) -> tuple[int, float]:
    """Post a request through the API; return its id and how long it took."""
    started = time.monotonic()
    reply = client.post(
        "/api/v1/listings",
        json=request_body(n),
        headers={"Authorization": f"Bearer {pair.tokens['receiver']}"},
    )
    took = time.monotonic() - started
    assert reply.status_code == 201, reply.get_json()
    return int(reply.get_json()["id"]), took


def matches_of(app: Flask, listing_id: int) -> list[tuple[int, int]]:
    with app.app_context():
        pairs = db.session.execute(
            sa.select(Match.offer_id, Match.request_id).where(
                Match.request_id == listing_id
            )
        ).all()
        db.session.remove()
    return [tuple(p) for p in pairs]


def queued(redis_url: str) -> int:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(redis_url)
    try:
        return Queue(QUEUE, connection=connection).count
    finally:
        connection.close()
