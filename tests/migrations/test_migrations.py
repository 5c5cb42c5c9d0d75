"""The migration scripts build exactly the schema the models describe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.models import Base
from symbiosis.models.base import declared_on_models
from tests.conftest import (
    TEST_CONFIG,
    create_pg_database,
    drop_pg_database,
    postgres_base_url,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    base = postgres_base_url()
    url = create_pg_database(base, "symbiosis_migrations")
    yield url
    drop_pg_database(base, url)


def test_upgrade_head_matches_the_models_and_downgrades_cleanly(
    empty_database: str,
) -> None:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={"compare_type": True, "include_object": declared_on_models},
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert left == set()
        db.engine.dispose()
