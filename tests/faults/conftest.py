"""Fixtures of the fault tests: one private PostgreSQL cluster for them all.

The cluster is the tests' own (initdb in a temporary folder, a free port), so
the fault tests may stop, crash and restart it; each test gets a fresh
database in it. They run on PostgreSQL only: that is where production runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import NullPool

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.models import Base
from tests.builders import make_reference
from tests.conftest import TEST_CONFIG
from tests.faults.servers import (
    PostgresCluster,
    RedisServer,
    postgres_cluster,
    redis_server,
)


def pytest_configure(config: pytest.Config) -> None:
    # Also belongs in [tool.pytest.ini_options] markers; harmless twice.
    config.addinivalue_line(
        "markers", "faults: starts its own servers and breaks them (make faults)"
    )


@pytest.fixture(scope="session")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_cluster() as running:
        yield running


@pytest.fixture
def fault_db(cluster: PostgresCluster) -> Iterator[str]:
    """A fresh database with the models' schema and the reference rows."""
    name = f"faults_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        cluster.url.replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,  # the tests restart the server in between
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = cluster.database_url(name)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fault_app(fault_db: str) -> Iterator[Flask]:
    """The app in this (test) process on the fault database, with reference rows."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": fault_db})
    with app.app_context():
        make_reference()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture
def queued_app(fault_db: str, fault_app: Flask, redis: RedisServer) -> Iterator[Flask]:
    """The app with its queue and its rate-limit counters on that Redis."""
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": fault_db,
            "REDIS_URL": redis.url,
            "RATELIMIT_STORAGE_URI": redis.url,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
