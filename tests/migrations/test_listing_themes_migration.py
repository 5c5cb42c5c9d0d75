"""0012: listings posted before themes existed get none, and the step goes back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from symbiosis import create_app
from symbiosis.extensions import db
from tests.conftest import (
    TEST_CONFIG,
    create_pg_database,
    drop_pg_database,
    postgres_base_url,
)

BEFORE, AFTER = "0011_partnerships", "0012_listing_themes"
NOW = "2026-11-26 12:00:00"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'themes.sqlite3'}"
        return
    base = postgres_base_url()
    url = create_pg_database(base, "symbiosis_themes")
    yield url
    drop_pg_database(base, url)


def _columns() -> set[str]:
    with db.engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns("listing")}


def test_existing_listings_get_no_theme_and_the_step_goes_back(
    empty_database: str,
) -> None:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision=BEFORE)
        assert "themes" not in _columns()
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisation (id, name, name_key, slug, kind,"
                    " created_at) VALUES (1, 'Firm', 'firm', 'firm', 'company', :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO listing (id, organisation_id, kind, resource, title,"
                    " quantity, unit, frequency, yearly_quantity, base_unit,"
                    " available_from, lat, lon, price_terms, anonymous,"
                    " accepts_hazardous, state, search_text, created_at, updated_at)"
                    " VALUES (1, 1, 'offer', 'service', 'Mentorat', 8, 'hours',"
                    " 'monthly', 96, 'hours', '2027-01-01', 49.6, 6.1, 'free',"
                    " false, false, 'active', 'mentorat', :now, :now)"
                ),
                {"now": NOW},
            )
        upgrade(revision=AFTER)
        with db.engine.begin() as conn:
            stored = conn.execute(sa.text("SELECT themes FROM listing")).scalar_one()
            assert stored in ([], "[]")  # PostgreSQL decodes JSON, SQLite does not
            conn.execute(
                sa.text("UPDATE listing SET themes = :themes"),
                {"themes": '["sport"]'},
            )
        downgrade(revision=BEFORE)
        assert "themes" not in _columns()
        with db.engine.connect() as conn:
            title = conn.execute(sa.text("SELECT title FROM listing")).scalar_one()
        assert title == "Mentorat"
        db.engine.dispose()
