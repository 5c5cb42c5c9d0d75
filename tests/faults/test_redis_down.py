"""Redis stops answering, then dies, while firms post listings.

The queue and the rate-limit counters both live in Redis (``make serve-prod``).
While it is up, a new listing's matching goes to the queue. Frozen (SIGSTOP:
connections hang) or killed (connections refused), posting still succeeds in
bounded time, the matching runs in the web process instead, so the match is
there at once and is logged as such, and the rate-limited sign-in still works.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from tests.builders import PASSWORD
from tests.faults.servers import RedisServer
from tests.faults.world import Pair, make_pair, matches_of, post_request, queued

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

# A frozen Redis costs the request at most the client's timeouts and retries.
POST_BOUND_SECONDS = 15
T = TypeVar("T")


def sign_in(client: FlaskClient, app: Flask, pair: Pair) -> int:
    from symbiosis.models import User

    with app.app_context():
        user = db.session.get(User, pair.users["receiver"])
        assert user is not None
        email = user.email
        db.session.remove()
    reply = client.post(
        "/api/v1/auth/token",
        json={"email": email, "password": PASSWORD, "name": "laptop"},
    )
    return reply.status_code


def bounded(redis: RedisServer, what: str, work: Callable[[], T]) -> tuple[T, float]:
    """Run ``work`` in a thread; fail (after thawing Redis) if it outlasts the bound.

    A request stuck on a frozen Redis would otherwise hang the test for good.
    """
    done: list[T] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: done.append(work()), daemon=True)
    thread.start()
    thread.join(POST_BOUND_SECONDS)
    took = time.monotonic() - started
    if thread.is_alive():
        redis.resume()
        thread.join(30)
        pytest.fail(f"{what} still waited on Redis after {POST_BOUND_SECONDS} s")
    assert done, f"{what} raised (see the log above)"
    return done[0], took


def test_posting_survives_redis_frozen_then_killed(
    fault_app: Flask,
    queued_app: Flask,
    redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pair = make_pair(fault_app, requests=0)
    client = queued_app.test_client()
    assert sign_in(client, queued_app, pair) == 201

    # Up: the matching is queued for a worker, not done in the request.
    up_id, up_took = post_request(client, pair, 1)
    assert queued(redis.url) == 1
    assert matches_of(queued_app, up_id) == []

    timings = {"up": up_took}
    for n, (state, fault) in enumerate(
        (("frozen", redis.pause), ("killed", redis.kill)), start=2
    ):
        fault()
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="symbiosis"):
            (listing_id, _), timings[state] = bounded(
                redis,
                f"posting ({state})",
                functools.partial(post_request, client, pair, n),
            )
        # Done in-process: the match is stored before the reply, and said so.
        assert matches_of(queued_app, listing_id) == [(pair.offer, listing_id)]
        assert any(
            "queue unavailable, running match_listing in-process" in r.getMessage()
            for r in caplog.records
        ), [r.getMessage() for r in caplog.records]
        # The rate-limited sign-in falls back to counting in memory.
        status, timings[f"sign-in, {state}"] = bounded(
            redis, f"signing in ({state})", lambda: sign_in(client, queued_app, pair)
        )
        assert status == 201, state
    print("posting took (s):", {k: round(v, 2) for k, v in timings.items()})
