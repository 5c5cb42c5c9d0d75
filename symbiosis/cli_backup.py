"""``flask backup dump | restore``: every table to a portable archive and back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import AppGroup

if TYPE_CHECKING:
    from symbiosis.services.backup import Summary

backup_cli = AppGroup("backup", help="Dump every table to an archive; restore it.")


def _report(summary: Summary, verb: str) -> None:
    for table, rows in summary.rows.items():
        if rows:
            click.echo(f"  {table:<24} {rows:>9,}")
    click.echo(
        f"{summary.path}: {summary.total:,} rows of {len(summary.rows)} tables "
        f"{verb} (migration {summary.revision or 'none'})"
    )


@backup_cli.command("dump")
@click.argument("target", type=click.Path(path_type=Path))
def backup_dump(target: Path) -> None:
    """Write every table to TARGET: FILE.zip, or a folder for a dated file.

    One consistent snapshot, readable while the site runs; an existing file
    is never overwritten.
    """
    from symbiosis.services import backup

    try:
        summary = backup.dump(target)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    _report(summary, "written")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def backup_restore(archive: Path) -> None:
    """Load ARCHIVE into this database, which must be empty and migrated.

    Run `flask db upgrade` on a new database first; the archive must come from
    the same migration. Every row is loaded or none.
    """
    from symbiosis.services import backup

    try:
        summary = backup.restore(archive)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    _report(summary, "restored")
