"""Probes for load balancers and orchestrators: ``/healthz`` and ``/readyz``.

``/healthz`` says the process answers (no database, no queue). ``/readyz``
says it can serve: the database answers a trivial query and, when
``REDIS_URL`` is set, the queue answers a ping. Every check has a short
timeout, so the probe never hangs; a failed check gives 503 naming it, and
the full error goes to the log, not to the (public) response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.pool import NullPool

from symbiosis.authz import public
from symbiosis.extensions import csrf, db, limiter, talisman

bp = Blueprint("health", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

log = logging.getLogger("symbiosis.health")

F = TypeVar("F", bound=Callable[..., Any])
TIMEOUT_SECONDS = 2
ENGINE_KEY = "symbiosis.readiness_engine"


def _plain_http(view: F) -> F:
    """Probes talk plain http to the process itself: never redirect to HTTPS."""
    decorated: F = talisman(force_https=False)(view)
    return decorated


@bp.get("/healthz")
@public
@_plain_http
def healthz() -> ResponseReturnValue:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
@_plain_http
def readyz() -> ResponseReturnValue:
    checks: dict[str, dict[str, str]] = {"database": _run(_database)}
    if current_app.config.get("REDIS_URL"):
        checks["queue"] = _run(_queue)
    ready = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return jsonify(body), 200 if ready else 503


def _run(check: Callable[[], None]) -> dict[str, str]:
    try:
        check()
    except Exception as error:  # any failure is "not ready", never a 500
        log.warning("readiness check %s failed: %s", check.__name__[1:], error)
        return {"status": "failed", "reason": _reason(error)}
    return {"status": "ok"}


def _reason(error: BaseException) -> str:
    """A short, host-free account of what went wrong."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).lower()
    if "timeout" in text or "timed out" in text:
        return "timed out"
    if "refused" in text:
        return "connection refused"
    if "could not translate host" in text or "name or service" in text:
        return "unknown host"
    if "authentication" in text or "password" in text:
        return "authentication failed"
    if "does not exist" in text:
        return "database does not exist"
    return type(cause).__name__


def _database() -> None:
    with _probe_engine().connect() as conn:
        conn.execute(sa.text("SELECT 1")).scalar_one()


def _probe_engine() -> sa.Engine:
    """The app's engine on SQLite; on PostgreSQL, one with short timeouts.

    A fresh connection per probe (no pool) with a 2 s connect and statement
    timeout: it also proves that the server still accepts connections.
    """
    engine: sa.Engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine
    probe: sa.Engine | None = current_app.extensions.get(ENGINE_KEY)
    if probe is None:
        probe = sa.create_engine(
            engine.url,
            poolclass=NullPool,
            connect_args={
                "connect_timeout": TIMEOUT_SECONDS,
                "options": f"-c statement_timeout={TIMEOUT_SECONDS * 1000}",
            },
        )
        current_app.extensions[ENGINE_KEY] = probe
    return probe


def _queue() -> None:
    from redis import Redis

    client: Any = Redis.from_url(
        current_app.config["REDIS_URL"],
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        if not client.ping():
            raise ConnectionError("no answer to PING")
    finally:
        client.close()
