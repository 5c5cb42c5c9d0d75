"""The database is out of reach, or drops the request's connection: 503, not 500.

Deterministic companions of the restart test: a server nobody listens on,
and a connection that the server ends (``pg_terminate_backend``) after the
view has run, as a crash between the page and the request's final rollback
does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask, Response
from flask_babel import force_locale
from sqlalchemy.pool import NullPool

from symbiosis import create_app
from symbiosis.extensions import db
from tests.conftest import TEST_CONFIG
from tests.faults.servers import free_port
from tests.faults.world import make_pair

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]


@pytest.fixture
def unreachable() -> Iterator[Flask]:
    """The app pointed at a PostgreSQL port where nothing listens."""
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/symbiosis"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        db.engine.dispose()


def reason_503(app: Flask) -> str:
    from symbiosis.web.errors import _reason

    with app.test_request_context(), force_locale("fr"):
        return _reason(503)


def test_an_unreachable_database_answers_503_with_retry_after(
    unreachable: Flask,
) -> None:
    client = unreachable.test_client()
    api = client.get(
        "/api/v1/agreements", headers={"Authorization": "Bearer sym_not-checked"}
    )
    assert api.status_code == 503
    assert api.headers["Retry-After"] == "5"
    assert api.get_json() == {
        "errors": [{"field": None, "reason": reason_503(unreachable)}]
    }
    page = client.post("/login", data={"email": "a@example.lu", "password": "x" * 12})
    assert page.status_code == 503
    # On a rate-limited route Flask-Limiter puts its own (shorter) Retry-After.
    assert 0 < int(page.headers["Retry-After"]) <= 5
    assert page.mimetype == "text/html"
    assert reason_503(unreachable) in page.get_data(as_text=True)
    # The probes say the same, and the process itself is alive.
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_connection_lost_after_the_view_does_not_spoil_the_response(
    fault_app: Flask, fault_db: str
) -> None:
    """The request's read transaction is still open when its server process ends."""
    pair = make_pair(fault_app, requests=0)
    admin = sa.create_engine(
        sa.make_url(fault_db).set(drivername="postgresql+psycopg"), poolclass=NullPool
    )
    ended: list[int] = []

    def end_my_connection(response: Response) -> Response:
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 5
            while (
                time.monotonic() < deadline
                and conn.execute(
                    sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": pid},
                ).scalar_one()
            ):
                time.sleep(0.05)
        ended.append(pid)
        return response

    fault_app.after_request(end_my_connection)
    try:
        client = fault_app.test_client()
        reply = client.get(
            "/api/v1/agreements",
            headers={"Authorization": f"Bearer {pair.tokens['receiver']}"},
        )
        assert ended, "the hook did not run"
        assert reply.status_code == 200, reply.get_data(as_text=True)
        # The pool dropped the dead connection: the next request is served.
        fault_app.after_request_funcs[None].remove(end_my_connection)
        again = client.get(
            "/api/v1/agreements",
            headers={"Authorization": f"Bearer {pair.tokens['receiver']}"},
        )
        assert again.status_code == 200
    finally:
        admin.dispose()
