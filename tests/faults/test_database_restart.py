"""The database restarts while gunicorn serves traffic.

Clients keep proposing and accepting agreements through the API, and a
signed-in person keeps loading a page, while the test stops PostgreSQL
(``fast``: sessions are ended, open transactions rolled back), then brings
it back, then crashes it (``immediate``: recovery from the WAL) and brings it
back again. What must hold:

- while it is down, every request gets a 503 with ``Retry-After`` (JSON under
  ``/api/``, a page elsewhere): never a 500, a hang or a dropped connection;
- the same gunicorn workers serve again once it is back (no restart needed);
- no agreement is half-written: each one has its whole trail, and sending a
  refused proposal again with its ``Idempotency-Key`` makes exactly one.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from symbiosis.extensions import db
from symbiosis.models import User
from tests.builders import PASSWORD, agreement_terms
from tests.faults.servers import Gunicorn, PostgresCluster, app_environment, wait_for
from tests.faults.world import (
    Pair,
    Reply,
    agreements,
    assert_whole,
    call,
    make_pair,
)

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

WORKERS = 3
CLIENTS = 2  # API clients proposing and accepting
REQUESTS = 80  # open requests to propose on: more than the traffic uses
PAUSE_AFTER_503 = 0.25  # clients come back soon, not at once (no busy loop)
DOWN_SECONDS = 2.5
RECOVERY_SECONDS = 30  # the first success after a restart comes within this
ALLOWED = {200, 201, 409, 503}


@dataclass
class Traffic:
    """What the clients sent and got, shared by their threads."""

    pair: Pair
    base: str
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    replies: list[tuple[float, str, Reply]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    proposals: dict[str, int] = field(default_factory=dict)  # key → request id
    terms: dict[str, Any] = field(default_factory=agreement_terms)  # one form for all
    next_request: int = 0

    def note(self, what: str, reply: Reply) -> None:
        with self.lock:
            self.replies.append((time.monotonic(), what, reply))

    def take_request(self) -> int | None:
        with self.lock:
            if self.next_request >= len(self.pair.requests):
                return None
            self.next_request += 1
            return self.pair.requests[self.next_request - 1]

    def since(self, moment: float) -> list[tuple[str, Reply]]:
        with self.lock:
            return [(w, r) for t, w, r in self.replies if t >= moment]


def api_client(traffic: Traffic) -> None:
    """Propose on a fresh request, accept as the supplier, list; again and again.

    Once every request has had its proposal, the client goes on listing.
    """
    while not traffic.stop.is_set():
        try:
            refused = propose_and_accept(traffic)
            reader = call(
                traffic.base,
                "GET",
                "/api/v1/agreements",
                token=traffic.pair.tokens["supplier_2"],
                timeout=20,
            )
            traffic.note("list", reader)
            refused = refused or reader.status == 503
        except OSError as error:  # a dropped connection or a hang: a failure
            with traffic.lock:
                traffic.failures.append(f"{type(error).__name__}: {error}")
            refused = True
        time.sleep(PAUSE_AFTER_503 if refused else 0.02)


def propose_and_accept(traffic: Traffic) -> bool:
    """One proposal on a fresh request and its acceptance; whether one got 503."""
    request_id = traffic.take_request()
    if request_id is None:
        return False
    key = f"restart-{uuid.uuid4().hex}"
    with traffic.lock:
        traffic.proposals[key] = request_id
    proposed = call(
        traffic.base,
        "POST",
        "/api/v1/agreements",
        token=traffic.pair.tokens["receiver"],
        body={
            "offer_id": traffic.pair.offer,
            "request_id": request_id,
            **traffic.terms,
        },
        headers={"Idempotency-Key": key},
        timeout=20,
    )
    traffic.note("propose", proposed)
    if proposed.status != 201:
        return proposed.status == 503
    accepted = call(
        traffic.base,
        "POST",
        f"/api/v1/agreements/{proposed.body['id']}/accept",
        token=traffic.pair.tokens["supplier_1"],
        body={"version": 1},
        timeout=20,
    )
    traffic.note("accept", accepted)
    return accepted.status == 503


def signed_in_browser(base: str, email: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping client signed in through the login form."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{base}/login", timeout=10) as page:
        form = page.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert match, "no CSRF token on the login form"
    data = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "email": email, "password": PASSWORD}
    ).encode()
    with opener.open(f"{base}/login", data=data, timeout=10) as page:
        assert "/login" not in page.url, "the sign-in failed"
    return opener


def page_client(traffic: Traffic, opener: urllib.request.OpenerDirector) -> None:
    """A signed-in person reloading the agreements page."""
    while not traffic.stop.is_set():
        try:
            with opener.open(f"{traffic.base}/agreements/", timeout=20) as page:
                reply = Reply(page.status, page.read().decode(errors="replace"))
                reply.headers = {k.lower(): v for k, v in page.headers.items()}
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.read().decode(errors="replace"))
            reply.headers = {k.lower(): v for k, v in error.headers.items()}
        except OSError as error:
            with traffic.lock:
                traffic.failures.append(f"page: {type(error).__name__}: {error}")
            continue
        traffic.note("page", reply)
        time.sleep(PAUSE_AFTER_503 if reply.status == 503 else 0.05)


@pytest.fixture
def server(fault_db: str, tmp_path: Path) -> Iterator[Gunicorn]:
    running = Gunicorn(app_environment(fault_db), WORKERS, tmp_path / "gunicorn.log")
    try:
        yield running
    finally:
        running.close()


def user_email(app: Flask, user_id: int) -> str:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        email = user.email
        db.session.remove()
    return email


def unavailable_reason(app: Flask) -> str:
    from symbiosis.web.errors import _reason

    with app.test_request_context(), force_locale("fr"):
        return _reason(503)


def restart(
    cluster: PostgresCluster, traffic: Traffic, server: Gunicorn, mode: str
) -> dict[str, Counter[int]]:
    """Take the database down for a while under traffic; wait for service again."""
    cluster.stop(mode)
    down_at = time.monotonic()
    time.sleep(DOWN_SECONDS)
    while_down = traffic.since(down_at)
    cluster.start()
    up_at = time.monotonic()

    def served_again() -> bool:
        return any(
            r.status in {200, 201} and w in {"propose", "list"}
            for w, r in traffic.since(up_at)
        )

    wait_for(
        f"a successful API request after the {mode} restart "
        f"(gunicorn log: {server.tail()})",
        served_again,
        timeout=RECOVERY_SECONDS,
    )
    after = traffic.since(up_at)
    first = next(
        i for i, (w, r) in enumerate(after) if r.status in {200, 201} and w != "page"
    )
    print(
        f"{mode}: down {up_at - down_at:.1f} s, back in "
        f"{time.monotonic() - up_at:.1f} s after {first} more replies"
    )
    seen: dict[str, Counter[int]] = {}
    for what, reply in while_down:
        seen.setdefault(what, Counter())[reply.status] += 1
    return seen


def test_database_restarts_under_traffic(
    fault_app: Flask, cluster: PostgresCluster, server: Gunicorn
) -> None:
    pair = make_pair(fault_app, requests=REQUESTS)
    traffic = Traffic(pair, server.base)
    opener = signed_in_browser(
        server.base, user_email(fault_app, pair.users["supplier_2"])
    )
    workers = server.workers()
    threads = [
        threading.Thread(target=api_client, args=(traffic,)) for _ in range(CLIENTS)
    ] + [threading.Thread(target=page_client, args=(traffic, opener))]
    for thread in threads:
        thread.start()
    try:
        wait_for("traffic flows", lambda: len(traffic.since(0)) >= 10, timeout=30)
        fast = restart(cluster, traffic, server, "fast")
        crash = restart(cluster, traffic, server, "immediate")
        time.sleep(1)  # some traffic after the second recovery
    finally:
        traffic.stop.set()
        for thread in threads:
            thread.join(timeout=60)
    print("while down (fast):", {w: dict(c) for w, c in fast.items()})
    print("while down (immediate):", {w: dict(c) for w, c in crash.items()})

    # Nothing but expected answers, and no dropped connection.
    assert traffic.failures == []
    statuses = Counter(r.status for _, _, r in traffic.replies)
    print("all replies:", dict(statuses), "proposals:", len(traffic.proposals))
    unexpected = [(w, r) for _, w, r in traffic.replies if r.status not in ALLOWED]
    assert not unexpected, (unexpected[:3], server.errors()[:10])
    for outage in (fast, crash):
        assert sum(c[503] for c in outage.values()) > 0, outage

    # Every 503 says so clearly and tells when to come back.
    reason = unavailable_reason(fault_app)
    for _, what, reply in traffic.replies:
        if reply.status != 503:
            continue
        assert reply.headers.get("retry-after") == "5", (what, reply.headers)
        if what == "page":
            assert reply.headers["content-type"].startswith("text/html")
            assert "503" in reply.body
        else:
            assert reply.body == {"errors": [{"field": None, "reason": reason}]}
    assert any(w == "page" and r.status == 503 for _, w, r in traffic.replies)

    # The same worker processes serve again: nothing had to be restarted.
    assert server.workers() == workers

    # Send each refused proposal again, as a client told to retry would.
    refused = {
        key
        for key, request_id in traffic.proposals.items()
        if not any(
            w == "propose" and r.status == 201 and r.body["request_id"] == request_id
            for _, w, r in traffic.replies
        )
    }
    for key in refused:
        again = call(
            server.base,
            "POST",
            "/api/v1/agreements",
            token=pair.tokens["receiver"],
            body={
                "offer_id": pair.offer,
                "request_id": traffic.proposals[key],
                **traffic.terms,
            },
            headers={"Idempotency-Key": key},
        )
        assert again.status == 201, (again.status, again.body)

    # No half-written agreement, and one per proposal sent. The test's own
    # pooled connection went down with the server: it reads on a new one.
    with fault_app.app_context():
        db.engine.dispose()
    stored = agreements(fault_app)
    for agreement in stored:
        assert_whole(agreement)
    assert all(a.submission_key for a in stored)
    per_request = Counter(a.request_id for a in stored)
    assert set(per_request) == set(traffic.proposals.values())
    assert set(per_request.values()) == {1}
    print(
        f"{len(stored)} agreements, {sum(a.state == 'accepted' for a in stored)} "
        f"accepted, {len(refused)} proposals sent again after a 503"
    )
