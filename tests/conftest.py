"""Fixtures: every test that uses ``app`` runs on SQLite and again on PostgreSQL.

The PostgreSQL run needs ``TEST_DATABASE_URL`` (``make test`` and CI set it);
when the server is missing, only the PostgreSQL run is skipped, saying why.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.models import Base, User
from tests.bench.load_profile import statements_run

BACKENDS = ["sqlite", "postgresql"]

# Cheap argon2 parameters: hashing is tested for correctness, not for cost.
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "RATELIMIT_STORAGE_URI": "memory://",
    "SERVER_NAME": None,
}


def _pg_admin_url(url: str) -> sa.URL:
    parsed = sa.make_url(url)
    return parsed.set(drivername="postgresql+psycopg")


def create_pg_database(base_url: str, prefix: str) -> str:
    """Create an empty database on the server of ``base_url``; return its URL."""
    admin = _pg_admin_url(base_url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(base_url: str, url: str) -> None:
    admin = _pg_admin_url(base_url)
    name = sa.make_url(url).database
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def postgres_base_url() -> str:
    """Return TEST_DATABASE_URL, or skip the PostgreSQL run saying why."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL run is skipped")
    try:
        engine = sa.create_engine(
            _pg_admin_url(url), connect_args={"connect_timeout": 3}
        )
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError as error:
        if os.environ.get("CI"):
            raise  # in CI the server must be there: fail rather than skip
        pytest.skip(f"PostgreSQL at {url} is not reachable ({error.orig}): run skipped")
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """One database per backend and test worker, with the schema of the models."""
    if request.param == "sqlite":
        yield "sqlite://"
        return
    base = postgres_base_url()
    url = create_pg_database(base, "symbiosis_test")
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    drop_pg_database(base, url)


def _empty_tables() -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def today() -> date:
    """Today, read when the test starts, so a run crossing midnight stays consistent."""
    return date.today()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if not database_url.startswith("sqlite"):
            _empty_tables()
        db.engine.dispose()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for service-level tests (no requests inside)."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, user: User | None) -> FlaskClient:
    """Put ``user`` in the client's session the way Flask-Login does."""
    if user is None:
        return client
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def as_user(app: Flask, client: FlaskClient, user_id: int) -> FlaskClient:
    """Sign ``client`` in as the user with this id (outside any app context)."""
    with app.app_context():
        return login(client, db.session.get(User, user_id))


def repeated_ids(app: Flask, client: FlaskClient, path: str) -> list[str]:
    """The ids the page at ``path`` gives more than once, read with CSRF on
    (so that every form renders its token field); the page must hold forms."""
    was = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.get(path)
    finally:
        app.config["WTF_CSRF_ENABLED"] = was
    assert response.status_code == 200, path
    page = response.get_data(as_text=True)
    assert len(re.findall(r'name="[\w-]*csrf_token"', page)) >= 3, "forms"
    return [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if n > 1]


def statements_of(app: Flask, client: FlaskClient, path: str) -> list[str]:
    """The SQL statements one GET of ``path`` runs (it must answer 200)."""
    with statements_run(app) as seen:
        assert client.get(path).status_code == 200
    return seen
