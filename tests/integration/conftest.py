"""Fixtures of the integration tests that run the bench tools."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.services import scale_data
from tests.bench import load_prepare


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Migrating runs alembic's logging set-up, which hands the root logger a
    handler on this test's captured stderr: put the root logger back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def small_load_database(
    tmp_path: Path, root_logging: None
) -> Callable[[scale_data.Sizes], str]:
    """Builds the load bench's data set, small, on SQLite; gives its URL."""

    def build(sizes: scale_data.Sizes) -> str:
        url = sa.make_url(f"sqlite:///{tmp_path / 'symbiosis_load.sqlite3'}")
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url.render_as_string(),
                "SECRET_KEY": secrets.token_hex(16),
                "RATELIMIT_ENABLED": False,
            }
        )
        load_prepare.database(app, url, sizes, reuse=False)
        with app.app_context():
            db.engine.dispose()
        return url.render_as_string()

    return build
