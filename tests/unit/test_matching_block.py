"""Spatial blocking of a batch block, batch chunks, posting flushes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from symbiosis.matching import batch
from symbiosis.matching.block import Best, Candidates, Queries, _by_place, _dense
from symbiosis.matching.engine import Matcher
from symbiosis.matching.index import Postings, Side
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import Item
from tests.bench.synthetic import TODAY, generate

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"


def _listing(ident: int, kind: str, rng: np.random.Generator) -> Item:
    # a few spots around Luxembourg, some far: both near and far cells
    lat = 49.6 + float(rng.normal(0, 0.15))
    lon = 6.1 + float(rng.normal(0, 0.2))
    limit = float(rng.choice([0, 15, 30, 80]))
    return Item(
        id=ident,
        kind=kind,
        resource="material",
        title="x",
        lat=lat,
        lon=lon,
        yearly=float(rng.uniform(1, 100)) if rng.random() < 0.7 else None,
        base_unit="t",
        max_distance_km=limit or None,
        organisation_id=int(rng.integers(1, 50)),
    )


def _sorted(best: Best) -> list[list[tuple[float, float, int]]]:
    lines = []
    for q in range(best.rough.shape[0]):
        kept = best.rough[q] > -np.inf
        lines.append(
            sorted(
                zip(
                    best.rough[q][kept].round(6).tolist(),
                    best.km[q][kept].round(6).tolist(),
                    best.row[q][kept].tolist(),
                    strict=True,
                )
            )
        )
    return lines


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocking_by_place_keeps_what_every_pair_would(seed):
    rng = np.random.default_rng(seed)
    side = Side()
    for i in range(400):
        side.add(_listing(i, "offer", rng), frozenset(), "", {})
    queries = Queries.of(
        [_listing(1000 + i, "request", rng) for i in range(120)], date(2026, 1, 1)
    )
    rows = np.arange(400, dtype=np.int64)
    cands = Candidates.of(side, rows, rng.choice([0.6, 0.8, 1.0], size=400))
    # few kept places: shortlists fill up; many: some stay partly empty
    for size in (5, 40, 300):
        dense = _dense(queries, cands, 50.0, Best.empty(len(queries), size))
        placed = _by_place(queries, cands, 50.0, Best.empty(len(queries), size))
        got = _sorted(placed)
        assert got == _sorted(dense)
        # a candidate never takes two places of one shortlist
        assert all(len({row for _r, _k, row in line}) == len(line) for line in got)


@pytest.fixture(scope="module")
def matcher():
    m = Matcher(Lexicon.load(REFERENCE), today=TODAY)
    m.add(generate(3000, seed=7))
    return m


def test_chunks_hold_every_group_once_and_one_kind_each(matcher):
    items = [i for side in matcher.sides.values() for i in side.items if i]
    groups = batch._grouped(matcher, items, [])
    chunks = batch._chunks(groups)
    assert sorted(g for chunk in chunks for g in chunk) == list(range(len(groups)))
    for chunk in chunks:
        assert len({groups[g][0][0].kind for g in chunk}) == 1


def test_two_processes_give_what_one_gives_in_the_order_asked(matcher):
    items = [i for side in matcher.sides.values() for i in side.items if i]
    items = items[::-1]  # not the order of the index
    alone = matcher.match_many(items, 5, workers=1)
    assert list(alone) == [i.id for i in items]
    both = matcher.match_many(items, 5, workers=2)
    assert list(both) == list(alone)
    assert both == alone
    for item in items[::97]:
        assert matcher.match(item, 5) == alone[item.id]


def test_a_batch_reports_progress_over_its_chunks(matcher):
    items = [i for i in matcher.sides["request"].items if i]
    seen: list[int] = []

    def progress(steps):
        for step in steps:
            seen.append(step)
            yield step

    found = matcher.match_many(items, 5, progress=progress, workers=2)
    assert len(found) == len(items)
    assert seen
    assert seen == list(range(len(seen)))


def test_chunks_a_dead_worker_took_are_ranked_here(matcher, monkeypatch):
    def dying(_matcher, _groups, chunks, _top, counter, _send):
        next(batch._claim(counter, len(chunks)), None)  # takes one, never sends it
        os._exit(1)

    items = [i for i in matcher.sides["offer"].items if i]
    alone = matcher.match_many(items, 5, workers=1)
    monkeypatch.setattr(batch, "_worker", dying)
    assert matcher.match_many(items, 5, workers=2) == alone


def test_flushed_postings_read_the_same_rows():
    postings: Postings[str] = Postings()
    for row in range(1300):
        postings.append("a" if row % 3 else "b", row)
    before = {k: postings.rows(k).tolist() for k in ("a", "b")}
    postings.append("a", 1300)
    postings.flush()
    assert postings.rows("a").tolist() == [*before["a"], 1300]
    assert postings.rows("b").tolist() == before["b"]
    assert postings.count("a") == len(before["a"]) + 1
