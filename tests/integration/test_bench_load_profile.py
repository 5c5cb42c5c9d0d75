"""The load bench's data set, accounts and request kinds work end to end.

A small data set on SQLite stands in for the 100k one; every request kind of
the locust mix is sent through the app (``tests.bench.load_profile``) and
must answer as the virtual users expect, or the tool stops.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from symbiosis import create_app
from symbiosis.extensions import db
from symbiosis.services import scale_data
from tests.bench import load_prepare, load_profile


def test_every_request_kind_of_the_mix_answers_on_a_small_data_set(
    small_load_database: Callable[[scale_data.Sizes], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = small_load_database(scale_data.Sizes(3000, 300, 600))
    assert load_profile.main(["--database-url", url, "--runs", "3"]) == 0
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
        median, _p90, statements, cpu = re.findall(r"(\d+\.\d) ", row + " ")[:4]
        assert float(median) > 0, row
        assert float(statements) >= 1, row
        assert float(cpu) > 0, row


def test_a_reused_data_set_forgets_what_earlier_runs_wrote(
    small_load_database: Callable[[scale_data.Sizes], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    sizes = scale_data.Sizes(3000, 300, 600)
    url = small_load_database(sizes)
    built = _counts(url)
    # a run: posts listings, matches them, takes agreements to delivery
    assert load_profile.main(["--database-url", url, "--runs", "3"]) == 0
    after_run = _counts(url)
    for table in ("listing", "match", "agreement", "agreement_event"):
        assert after_run[table] > built[table], table

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "x" * 32,
            "RATELIMIT_ENABLED": False,
        }
    )
    load_prepare.database(app, sa.make_url(url), sizes, reuse=True)
    with app.app_context():
        db.engine.dispose()
    assert _counts(url) == built
    assert "rows written by earlier runs" in capsys.readouterr().err


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counts = {
            table: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
            or 0
            for table in (*load_prepare.RUN_TABLES, *load_prepare.RUN_CHILDREN)
        }
    engine.dispose()
    return counts
