"""Counts of long lists: computed each time unless the setting keeps them."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from flask import Flask

from symbiosis.services import counts


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    now = [500.0]
    monkeypatch.setattr(counts, "time", SimpleNamespace(monotonic=lambda: now[0]))
    counts.forget()
    yield now
    counts.forget()


def test_with_zero_seconds_every_call_counts(ctx: Flask, clock: list[float]) -> None:
    ctx.config["COUNT_CACHE_SECONDS"] = 0
    values = iter([3, 4])
    assert counts.count("k", lambda: next(values)) == 3
    assert counts.count("k", lambda: next(values)) == 4


def test_a_count_is_kept_for_its_key_until_it_is_too_old(
    ctx: Flask, clock: list[float]
) -> None:
    ctx.config["COUNT_CACHE_SECONDS"] = 60
    try:
        assert counts.count(("proposals", 1), lambda: 7) == 7
        assert counts.count(("proposals", 1), lambda: 8) == 7
        assert counts.count(("proposals", 2), lambda: 9) == 9  # another key
        clock[0] += 59.9
        assert counts.count(("proposals", 1), lambda: 8) == 7
        clock[0] += 0.1
        assert counts.count(("proposals", 1), lambda: 8) == 8
        counts.forget()
        assert counts.count(("proposals", 2), lambda: 10) == 10
    finally:
        ctx.config["COUNT_CACHE_SECONDS"] = 0
