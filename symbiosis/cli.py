"""``flask`` commands: thin wrappers over services."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from symbiosis.services import seeding

seed = AppGroup("seed", help="Load reference and demo data (idempotent).")


def _seeds() -> Path:
    return Path(current_app.config["SEEDS_PATH"])


def _print(report: seeding.LoadReport) -> None:
    for table in sorted(set(report.inserted) | set(report.updated)):
        click.echo(
            f"  {table:<18} {report.inserted.get(table, 0):>5} new"
            f"  {report.updated.get(table, 0):>5} updated"
        )
    click.echo(
        "nothing changed" if report.changed == 0 else f"{report.changed} rows changed"
    )


@seed.command("reference")
def seed_reference() -> None:
    """Load EWC, NACE, SDGs, zones, the gazetteer and emission factors."""
    _print(seeding.load_reference(_seeds() / "reference"))


@seed.command("demo")
def seed_demo() -> None:
    """Load the demo organisations and accounts (needs the reference data)."""
    _print(seeding.load_demo(_seeds() / "demo"))


def register(app: Flask) -> None:
    app.cli.add_command(seed)
