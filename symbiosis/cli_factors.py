"""``flask factors``: list the emission factor sets, add a newer one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

factors_cli = AppGroup("factors", help="Emission factor sets.")


@factors_cli.command("list")
def factors_list() -> None:
    """Every set, the one in use today marked with *."""
    from symbiosis.services import factor_sets

    for row in factor_sets.sets():
        mark = "*" if row["current"] else " "
        s = row["set"]
        click.echo(
            f"{mark} {s.name:<20} from {s.valid_from}  {row['factors']:>5} factors"
        )


@factors_cli.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="Name of the set, e.g. DESNZ-2026.")
@click.option(
    "--valid-from",
    "valid_from",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First day the set applies to (YYYY-MM-DD).",
)
@click.option("--source", required=True, help="Publication and licence.")
@click.option("--by", "actor_email", required=True, help="E-mail of a facilitator.")
def factors_add(
    file: Path, name: str, valid_from: date, source: str, actor_email: str
) -> None:
    """Add the factors of FILE (CSV) as a new set; every row or none."""
    import sqlalchemy as sa

    from symbiosis.errors import FieldErrors, NotAllowed
    from symbiosis.extensions import db
    from symbiosis.models import User
    from symbiosis.services import factor_sets

    actor = db.session.scalar(sa.select(User).where(User.email == actor_email))
    if actor is None:
        raise click.BadParameter(f"no account {actor_email!r}", param_hint="--by")
    try:
        added = factor_sets.add_set(
            actor,
            name,
            valid_from.date(),  # type: ignore[attr-defined]
            source,
            file.read_text(encoding="utf-8-sig"),
        )
    except NotAllowed as error:
        raise click.BadParameter(error.message, param_hint="--by") from None
    except FieldErrors as problems:
        for field, message in problems.errors:
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"set {added.name} added, used from {added.valid_from}")
