"""``flask events``: the meeting planner of matchmaking evenings, from a file."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Matchmaking evenings.")


@events_cli.command("plan")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--budget",
    default=3.0,
    show_default=True,
    type=click.FloatRange(0, 600),
    help="Seconds the planner may spend improving the plan.",
)
@click.option("--reasons", is_flag=True, help="Say why each pair meets.")
def events_plan(source: Path, budget: float, reasons: bool) -> None:
    """Plan the meetings of SOURCE (JSON), without a database.

    Writes ``{"rounds": [[{"table", "a", "b", "score"}, ...], ...]}`` on
    standard output.
    """
    from symbiosis.matching.lexicon import Lexicon
    from symbiosis.planner import make_plan
    from symbiosis.planner.fileio import InputError, read_event, write_plan

    try:
        data = json.loads(source.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        raise click.ClickException(f"{source.name} is not JSON: {problem}") from None
    try:
        event, original = read_event(data)
        reference = Path(current_app.config["SEEDS_PATH"]) / "reference"
        materials = Lexicon.load(reference) if reference.is_dir() else None
        plan, scorer = make_plan(event, materials, budget)
    except InputError as problem:
        raise click.ClickException(str(problem)) from None
    result = write_plan(plan.as_json(), original, scorer if reasons else None)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))
