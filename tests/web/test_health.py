"""Probes, request ids and structured logs."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from symbiosis import create_app
from symbiosis.authz import public
from symbiosis.extensions import db, limiter
from symbiosis.logging_setup import HEADER
from tests.bench.load_profile import statements_run
from tests.conftest import TEST_CONFIG


def _closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on (just released by the OS)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _app(**config: Any) -> Flask:
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", **config})


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Apps made with their own log settings leave the test defaults behind."""
    yield
    _app()


def test_healthz_answers_without_touching_the_database(
    app: Flask, client: FlaskClient
) -> None:
    with statements_run(app) as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert statements == []


def test_readyz_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ready",
        "checks": {"database": {"status": "ok"}},
    }


def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    port = _closed_port()
    reasons = []
    for url in (
        f"postgresql://postgres@127.0.0.1:{port}/symbiosis",
        "sqlite:////nonexistent-folder/symbiosis.sqlite3",
    ):
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        started = time.perf_counter()
        response = app.test_client().get("/readyz")
        assert time.perf_counter() - started < 5  # short timeouts, never a hang
        assert response.status_code == 503, url
        assert response.json["status"] == "unavailable"
        check = response.json["checks"]["database"]
        assert check["status"] == "failed"
        reasons.append(check["reason"])
        with app.app_context():
            db.engine.dispose()
    # A short reason; the details (host, port, message) go to the log only.
    assert reasons == ["connection refused", "OperationalError"]


def test_readyz_checks_the_queue_when_one_is_configured() -> None:
    down = _app(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0").test_client()
    response = down.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {
        "database": {"status": "ok"},
        "queue": {"status": "failed", "reason": "connection refused"},
    }
    from redis import Redis

    try:
        Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except Exception as error:
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({error})")
    up = _app(REDIS_URL="redis://127.0.0.1:6379/0").test_client()
    response = up.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["queue"] == {"status": "ok"}


@pytest.fixture
def default_limits_dropped() -> Iterator[None]:
    """Flask-Limiter's extension object is one per process and keeps default
    limits once an app set them: later apps (other tests on this worker)
    would inherit "1 per minute"."""
    yield
    limiter.limit_manager.set_default_limits([])


@pytest.mark.usefixtures("default_limits_dropped")
def test_probes_skip_the_https_redirect_and_the_rate_limits() -> None:
    app = _app(FORCE_HTTPS=True, RATELIMIT_DEFAULT="1 per minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 302  # every other page goes to https


def test_request_ids_are_generated_or_taken_from_the_caller() -> None:
    client = _app().test_client()
    first = client.get("/healthz").headers[HEADER]
    second = client.get("/healthz").headers[HEADER]
    assert len(first) == 32
    assert first != second
    given = "7f3c2a9e-1b4d-4e5f-8a6b-0c1d2e3f4a5b"
    assert client.get("/healthz", headers={HEADER: given}).headers[HEADER] == given
    for insane in ("a b", "x" * 200, '"};alert(1)', ""):
        echoed = client.get("/healthz", headers={HEADER: insane}).headers[HEADER]
        assert echoed != insane
        assert len(echoed) == 32
    missing = client.get("/no-such-page", headers={HEADER: given})
    assert missing.status_code == 404
    assert missing.headers[HEADER] == given


def _logging_app(**config: Any) -> Flask:
    app = _app(LOG_LEVEL="INFO", **config)

    @app.get("/log-something")
    @public
    def log_something() -> str:
        current_app.logger.warning("inside the view")
        return "ok"

    return app


def test_json_logs_carry_the_request_id(
    capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    client = _logging_app(LOG_FORMAT="json").test_client()
    capsys.readouterr()
    response = client.get("/log-something?secret=1", headers={HEADER: "req-42"})
    assert response.headers[HEADER] == "req-42"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    inside, access = lines
    assert inside["message"] == "inside the view"
    assert inside["level"] == "WARNING"
    assert inside["logger"] == "symbiosis"
    assert inside["request_id"] == "req-42"
    assert inside["method"] == "GET"
    assert inside["path"] == "/log-something"
    assert access["logger"] == "symbiosis.access"
    assert access["request_id"] == "req-42"
    assert access["status"] == 200
    assert access["path"] == "/log-something"  # never the query string
    assert isinstance(access["duration_ms"], float)
    assert access["time"].endswith("+00:00")
    assert "secret" not in access["message"]


def test_text_logs_carry_the_request_id_and_probes_stay_quiet(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    restore_logging: None,
) -> None:
    client = _logging_app().test_client()
    capsys.readouterr()
    client.get("/healthz")  # a probe that succeeds: a debug line, not shown
    client.get("/log-something", headers={HEADER: "req-7"})
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert all("[req-7]" in line for line in err)
    assert err[1].endswith("GET /log-something 200 " + err[1].split(" 200 ")[1])
    access = [r for r in caplog.records if r.name == "symbiosis.access"]
    assert [(r.path, r.status, r.request_id) for r in access] == [  # type: ignore[attr-defined]
        ("/log-something", 200, "req-7")
    ]
    assert logging.getLogger("symbiosis").level == logging.INFO


def test_tokens_in_a_path_stay_out_of_the_logs(
    capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    """A calendar's private address and the links sent by e-mail grant
    access: the logs keep their path without the token."""
    client = _logging_app(LOG_FORMAT="json").test_client()
    capsys.readouterr()
    secret = "WyI0MiIsImtleSJd.aBc.d-EF"
    for path, logged in (
        (f"/calendar/{secret}.ics", "/calendar/[token].ics"),
        (f"/password/reset/{secret}", "/password/reset/[token]"),
        (f"/invitation/{secret}", "/invitation/[token]"),
        ("/log-something", "/log-something"),
    ):
        client.get(path)
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
        access = [line for line in lines if line["logger"] == "symbiosis.access"]
        assert [line["path"] for line in access] == [logged]
        assert all(secret not in json.dumps(line) for line in lines)


def test_the_development_server_line_hides_the_token_too(
    caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    """``make run`` serves with werkzeug, which logs each request line on its
    own once the request is over."""
    from werkzeug.serving import make_server

    app = _logging_app()
    server = make_server("127.0.0.1", 0, app)
    secret = "WyI0MiIsImtleSJd.aBc.d-EF"
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in (f"/calendar/{secret}.ics?x=1", "/log-something"):
            with socket.create_connection(("127.0.0.1", server.port)) as conn:
                conn.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
                server.handle_request()
                conn.recv(65536)
    finally:
        server.server_close()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) == 2
    # (werkzeug colours a 404's request in a terminal)
    assert "GET /calendar/[token].ics?x=1 HTTP/1.0" in lines[0]
    assert lines[0].endswith(" 404 -")
    assert '"GET /log-something HTTP/1.0" 200' in lines[1]
    assert all(secret not in line for line in lines)
