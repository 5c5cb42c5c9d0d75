"""The load bench measures gunicorn as ``make serve-prod`` starts it."""

from __future__ import annotations

import re
import shlex

from symbiosis import ROOT
from tests.bench.load_servers import SERVE_PROD_FLAGS


def test_the_bench_starts_gunicorn_with_the_flags_of_serve_prod() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nserve-prod:", 1)[1].split("\n\n", 1)[0]
    command = shlex.split(recipe.split("/gunicorn", 1)[1].replace("\\\n", " "))
    given = [word for word in command if not re.search(r"\$\(|wsgi:app", word)]
    # what the Makefile sets through variables (workers, bind) the bench sets itself
    assert given == ["--workers", "--bind", *SERVE_PROD_FLAGS]
