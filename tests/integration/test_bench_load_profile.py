"""The load bench's data set, accounts and request kinds work end to end.

A small data set on SQLite stands in for the 100k one; every request kind of
the locust mix is sent through the app (``tests.bench.load_profile``) and
must answer as the virtual users expect, or the tool stops.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.services import scale_data
from tests.bench import load_prepare, load_profile


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Migrating runs alembic's logging set-up, which hands the root logger a
    handler on this test's captured stderr: put the root logger back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_every_request_kind_of_the_mix_answers_on_a_small_data_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], root_logging: None
) -> None:
    url = sa.make_url(f"sqlite:///{tmp_path / 'symbiosis_load.sqlite3'}")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.render_as_string(),
            "SECRET_KEY": secrets.token_hex(16),
            "RATELIMIT_ENABLED": False,
        }
    )
    load_prepare.database(app, url, scale_data.Sizes(3000, 300, 600), reuse=False)
    with app.app_context():
        db.engine.dispose()

    assert (
        load_profile.main(["--database-url", url.render_as_string(), "--runs", "3"])
        == 0
    )
    out = capsys.readouterr().out
    for kind in (
        "browse listings (page)",
        "search listings (API)",
        "listing detail (page)",
        "own listing + matches (page)",
        "listing matches (API)",
        "organisation matches (page)",
        "post listing (API)",
        "agreement, 4 steps + its offer (API)",
        "monitoring dashboard (zone manager)",
    ):
        row = next(line for line in out.splitlines() if line.startswith(kind))
        median, _p90, statements = re.findall(r"(\d+\.\d) ", row + " ")[:3]
        assert float(median) > 0, row
        assert float(statements) >= 1, row
