"""The matcher speed benchmark runs end to end on a small size and says so."""

from __future__ import annotations

import re

import pytest

from tests.bench import speed
from tests.bench.synthetic import generate


def test_speed_benchmark_prints_a_row_per_size_and_the_naive_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = speed.main(
        ["--sizes", "1500", "--samples", "40", "--naive", "30", "--batch-runs", "2"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if re.match(r"\s*listings\s{2,}build", line))
    row = next(line for line in lines if line.strip().startswith("1,500"))
    # the columns stand two spaces apart or more; the batch's "hits" comes first
    columns = re.split(r"\s{2,}", header.strip())
    values = re.split(r"\s{2,}", row.strip())
    assert len(values) == len(columns)
    hits = float(values[columns.index("hits")])  # mean matches of the top 5
    assert 4.0 <= hits <= 5.0
    assert "speed-up on the same requests" in out
    assert err.count("batch run") == 2  # both runs done, and they agreed


def test_two_batch_runs_that_disagree_stop_the_benchmark() -> None:
    class Drifting:
        def __init__(self) -> None:
            self.calls = 0

        def match_many(self, items, top):  # type: ignore[no-untyped-def]
            self.calls += 1
            return {item.id: [] for item in items[: self.calls]}

    items = generate(3, speed.SEED)
    with pytest.raises(RuntimeError, match="different matches"):
        speed.batch(Drifting(), items, most=10, runs=2)  # type: ignore[arg-type]
