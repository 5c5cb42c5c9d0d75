"""The API keeps its contract: schemathesis drives every documented operation.

Requests are generated from ``/api/v1/openapi.json`` (valid ones, then invalid
ones) and sent in-process to an app loaded with the demo data, each with the
token of a demo member, of a zone manager and of a facilitator. Every answer
must be no server error, have a documented status code, and match the schema
documented for that code. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL; derandomized and kept small so that CI stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from symbiosis import create_app
from symbiosis.api.openapi import document
from symbiosis.extensions import db
from symbiosis.models import Base, User
from symbiosis.services import seeding, tokens
from tests.conftest import TEST_CONFIG

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# Demo accounts, one per kind of caller the API answers differently.
DEMO_USERS = {
    "member": "membre@boulangerie-sud.example.lu",
    "zone_manager": "gestionnaire.sud@symbiose.example.lu",
    "facilitator": "facilitateur@symbiose.example.lu",
}
EXAMPLES = 12  # per operation and backend, each sent as three roles
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _empty_tables() -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="module")
def demo_app(database_url: str) -> Iterator[tuple[Flask, dict[str, str]]]:
    """One app with the demo data for the whole run, and a token per role."""
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,  # thousands of requests from one address
        }
    )
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
        seeding.load_reference(SEEDS / "reference")
        seeding.load_demo(SEEDS / "demo")
        seeding.load_demo_listings(SEEDS / "demo")
        bearer = {}
        for role, email in DEMO_USERS.items():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            assert user is not None, email
            bearer[role], _record = tokens.create_token(user, f"contract {role}")
    yield app, bearer
    with app.app_context():
        db.session.remove()
        if not database_url.startswith("sqlite"):
            _empty_tables()
        db.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(demo_app: tuple[Flask, dict[str, str]]) -> schemathesis.BaseSchema:
    app, _bearer = demo_app
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _operations() -> list[Any]:
    paths = document()["paths"]
    return [
        pytest.param(method.upper(), path, id=f"{method.upper()} {path}")
        for path in sorted(paths)
        for method in paths[path]
    ]


@pytest.mark.parametrize(("method", "path"), _operations())
def test_every_operation_keeps_its_contract(
    method: str,
    path: str,
    api_schema: schemathesis.BaseSchema,
    demo_app: tuple[Flask, dict[str, str]],
) -> None:
    _app, bearer = demo_app
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: CI time
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call_as_each_role(case: schemathesis.Case) -> None:
        for role in DEMO_USERS:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {bearer[role]}"}, checks=CHECKS
            )

    call_as_each_role()
