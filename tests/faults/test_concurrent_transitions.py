"""Three people act on one agreement at once, through several gunicorn processes.

The two members of the supplier answer (one accepts, one declines) while the
receiver withdraws, all on version 1. The requests leave together and are
served by different worker processes with their own connections, so only the
database can settle the race: exactly one wins, the others get a clear 409,
and the agreement shows one transition in its version and in its trail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.builders import agreement_terms
from tests.faults.servers import Gunicorn, app_environment
from tests.faults.world import Reply, agreements, make_pair, race

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

ROUNDS = 12
WORKERS = 3  # one process per racing client
TARGET = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}
SIDES = [
    ("supplier_1", "accept", {}),
    ("supplier_2", "decline", {"reason": "No storage room"}),
    ("receiver", "withdraw", {}),
]


@pytest.fixture
def server(fault_db: str, tmp_path: Path) -> Iterator[Gunicorn]:
    running = Gunicorn(app_environment(fault_db), WORKERS, tmp_path / "gunicorn.log")
    try:
        yield running
    finally:
        running.close()


def why_refused(reply: Reply) -> str:
    assert reply.status == 409, (reply.status, reply.body)
    errors = reply.body["errors"]
    if errors[0]["field"] == "version":
        return "stale version"
    assert "allowed_actions" in reply.body, reply.body
    return "step no longer possible"


def test_one_of_three_simultaneous_transitions_wins(
    fault_app: Flask, server: Gunicorn
) -> None:
    pair = make_pair(fault_app, requests=ROUNDS)
    workers = server.workers()
    outcomes: Counter[str] = Counter()
    for request_id in pair.requests:
        proposed = race(
            server.base,
            [
                {
                    "path": "/api/v1/agreements",
                    "token": pair.tokens["receiver"],
                    "body": {
                        "offer_id": pair.offer,
                        "request_id": request_id,
                        **agreement_terms(),
                    },
                }
            ],
        )[0]
        assert proposed.status == 201, (proposed.status, proposed.body)
        agreement_id = proposed.body["id"]
        replies = race(
            server.base,
            [
                {
                    "path": f"/api/v1/agreements/{agreement_id}/{action}",
                    "token": pair.tokens[who],
                    "body": {"version": 1, **extra},
                }
                for who, action, extra in SIDES
            ],
        )
        statuses = [r.status for r in replies]
        assert sorted(statuses) == [200, 409, 409], [
            (r.status, r.body) for r in replies
        ]
        won = statuses.index(200)
        action = SIDES[won][1]
        assert replies[won].body["state"] == TARGET[action]
        assert replies[won].body["version"] == 2
        losers = sorted(why_refused(r) for r in replies if r.status != 200)
        outcomes[f"{action} won; others: {', '.join(losers)}"] += 1
    stored = {a.id: a for a in agreements(fault_app)}
    assert len(stored) == ROUNDS
    for agreement in stored.values():
        assert agreement.version == 2, agreement  # bumped once
        assert len(agreement.events) == 2, agreement
        assert agreement.events[1][1:] == ("proposed", agreement.state), agreement
    assert server.workers() == workers, "a gunicorn worker died during the races"
    print(f"{ROUNDS} races on {WORKERS} gunicorn workers:", dict(outcomes))
