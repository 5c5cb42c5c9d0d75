"""``flask`` commands: thin wrappers over services."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from symbiosis.cli_backup import backup_cli
from symbiosis.cli_events import events_cli
from symbiosis.extensions import db
from symbiosis.matching.normalise import fold
from symbiosis.models import Organisation, User
from symbiosis.models.base import id_from_text
from symbiosis.services import matching, seeding, zones
from symbiosis.services.imports import import_rows, read_rows
from symbiosis.services.listings import expire_listings

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
    """Load the demo organisations, accounts and listings (needs the reference)."""
    report = seeding.load_demo(_seeds() / "demo")
    listings = seeding.load_demo_listings(_seeds() / "demo")
    for table, count in listings.inserted.items():
        report.add(table, count, listings.updated.get(table, 0))
    _print(report)


listings_cli = AppGroup("listings", help="Import listings and expire old ones.")


def _organisation(ref: str) -> Organisation:
    """Find an organisation by id, slug or name."""
    query = sa.select(Organisation)
    key = id_from_text(ref)
    if key is not None:
        org = db.session.get(Organisation, key)
    else:
        org = db.session.scalar(
            query.where(
                sa.or_(Organisation.slug == ref, Organisation.name_key == fold(ref))
            )
        )
    if org is None:
        raise click.BadParameter(f"no organisation {ref!r} (give its id, slug or name)")
    return org


@listings_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--org", "org_ref", help="Organisation (id, slug or name); else each row names one."
)
@click.option(
    "--as",
    "actor_email",
    help="Account doing the import (default: the first facilitator).",
)
def listings_import(file: Path, org_ref: str | None, actor_email: str | None) -> None:
    """Import FILE (CSV or XLSX): every row is written, or none."""
    org = _organisation(org_ref) if org_ref else None
    query = sa.select(User).order_by(User.id).limit(1)
    actor = db.session.scalar(
        query.where(User.email == actor_email.lower())
        if actor_email
        else query.where(User.is_facilitator)
    )
    if actor is None:
        raise click.BadParameter("no such account (use --as with an e-mail)")
    rows = read_rows(file.name, file.read_bytes())

    def progress(items: Iterable[Any]) -> Iterable[Any]:
        with click.progressbar(list(items), label="checking rows") as bar:
            yield from bar

    report = import_rows(actor, rows, organisation=org, progress=progress)
    if not report.ok:
        for error in report.errors:
            click.echo(f"row {error.row}, {error.column}: {error.reason}", err=True)
        raise click.ClickException(f"{len(report.errors)} errors: nothing was imported")
    click.echo(f"{report.created} listings imported")


@listings_cli.command("expire")
def listings_expire() -> None:
    """Warn owners of listings ending soon and expire the ended ones."""
    warned, expired = expire_listings()
    click.echo(f"{warned} owners warned, {expired} listings expired")


@listings_cli.command("alerts")
def listings_alerts() -> None:
    """Tell people what their followed searches found since they last looked."""
    from symbiosis.services.saved_searches import alert

    click.echo(f"{alert()} followed searches found new listings")


match_cli = AppGroup("match", help="Run the matcher.")


@match_cli.command("run")
@click.option("--zone", "zone_ref", help="Only this zone (id, slug or name).")
def match_run(zone_ref: str | None) -> None:
    """Batch run: top matches of every active listing (of a zone)."""
    zone_id = None
    if zone_ref:
        zone = zones.find(zone_ref, by_name=True)
        if zone is None:
            raise click.BadParameter(f"no zone {zone_ref!r}")
        zone_id = zone.id

    def progress(items: Iterable[Any]) -> Iterable[Any]:
        with click.progressbar(list(items), label="matching") as bar:
            yield from bar

    listings, matches = matching.run_batch(zone_id, progress)
    click.echo(f"{listings} listings matched, {matches} matches stored")


@match_cli.command("file")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 50))
def match_file(source: Path, top: int) -> None:
    """Match SOURCE (JSON or CSV: the import columns and an id), without a database.

    Writes the matches as JSON on standard output.
    """
    from symbiosis.matching import fileio
    from symbiosis.matching.engine import Matcher

    reference = _seeds() / "reference"
    text = source.read_text(encoding="utf-8-sig")
    try:
        rows = fileio.read_listings(text, json_input=source.suffix.lower() == ".json")
        result = fileio.run(
            rows,
            Matcher(matching_lexicon(reference)),
            top=top,
            hazardous=fileio.hazardous_codes(
                (reference / "ewc.csv").read_text(encoding="utf-8")
            ),
        )
    except (fileio.InputError, ValueError) as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


def matching_lexicon(folder: Path) -> Any:
    from symbiosis.matching.lexicon import Lexicon

    return Lexicon.load(folder)


agreements_cli = AppGroup("agreements", help="Agreements between organisations.")


@agreements_cli.command("expire")
def agreements_expire() -> None:
    """Expire proposals that nobody answered within AGREEMENT_EXPIRY_DAYS."""
    from symbiosis.services.agreement_thread import expire

    click.echo(f"{expire()} proposals expired")


@agreements_cli.command("remind")
def agreements_remind() -> None:
    """Remind who must answer proposals that expire within
    AGREEMENT_REMINDER_DAYS."""
    from symbiosis.services.agreement_reminders import remind

    click.echo(f"{remind()} proposals reminded")


def register(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(agreements_cli)
    app.cli.add_command(listings_cli)
    app.cli.add_command(match_cli)
    app.cli.add_command(report_cli)
    from symbiosis.cli_factors import factors_cli

    app.cli.add_command(factors_cli)
    from symbiosis.cli_notifications import notifications_cli

    app.cli.add_command(notifications_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(stats_cli)
    app.cli.add_command(backup_cli)


@click.command("report")
@with_appcontext
@click.option("--zone", "zone_ref", default="", help="Zone slug or id (all zones).")
@click.option("--from", "raw_from", default=None, help="First day, YYYY-MM-DD.")
@click.option("--to", "raw_to", default=None, help="Last day, YYYY-MM-DD.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "csv", "xlsx"]), default="text"
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file (needed for xlsx: every table of the dashboard).",
)
def report_cli(
    zone_ref: str,
    raw_from: str | None,
    raw_to: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Key figures and impact (by evidence level) of a zone over a period."""
    from symbiosis.services import stats_cache, stats_report
    from symbiosis.services.stats_sql import Scope

    zone, start, end = _zone_and_period(zone_ref, raw_from, raw_to)
    zone_id = zone.id if zone else None
    if fmt == "xlsx":
        from symbiosis.services import stats_tables, stats_xlsx

        if output is None:
            raise click.BadParameter(
                "give a file for the workbook", param_hint="--output"
            )
        output.write_bytes(stats_xlsx.workbook(stats_tables.build(zone, start, end)))
        click.echo(f"{output} written")
        return
    rows = stats_report.rows(
        stats_cache.get("kpis", Scope(zone_id, start, end)),
        stats_cache.get("impact", Scope(zone_id, start, end)),
    )
    title = zone.name if zone else None
    text = (
        stats_report.as_csv(rows)
        if fmt == "csv"
        else stats_report.as_text(rows, title, start, end)
    )
    if output is not None:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{output} written")
    else:
        click.echo(text, nl=False)


def _zone_and_period(
    zone_ref: str, raw_from: str | None, raw_to: str | None
) -> tuple[Any, date, date]:
    """The zone (None: all) and period of --zone, --from and --to."""
    from symbiosis.errors import FieldErrors
    from symbiosis.services import stats

    zone = zones.find(zone_ref) if zone_ref else None
    if zone_ref and zone is None:
        raise click.BadParameter(f"no zone {zone_ref!r}", param_hint="--zone")
    try:
        start, end = stats.period(raw_from, raw_to)
    except FieldErrors as problems:
        field, reason = problems.errors[0]
        raise click.BadParameter(reason, param_hint=f"--{field}") from None
    return zone, start, end


stats_cli = AppGroup("stats", help="Statistics at scale.")


@stats_cli.command("generate")
@click.option(
    "--listings", default=1_000_000, show_default=True, type=click.IntRange(0)
)
@click.option(
    "--agreements", default=200_000, show_default=True, type=click.IntRange(0)
)
@click.option(
    "--deliveries", default=1_000_000, show_default=True, type=click.IntRange(0)
)
@click.option(
    "--organisations", type=click.IntRange(1), help="Default: listings / 200."
)
@click.option("--matches", type=click.IntRange(0), help="Default: one per listing.")
@click.option("--seed", default=1, show_default=True, type=int)
def stats_generate(
    listings: int,
    agreements: int,
    deliveries: int,
    organisations: int | None,
    matches: int | None,
    seed: int,
) -> None:
    """Add a large synthetic data set (organisations named "Scale ...").

    Needs the reference data (`flask seed reference`); writes in bulk.
    """
    from symbiosis.services import scale_data

    sizes = scale_data.Sizes(listings, agreements, deliveries, organisations, matches)
    try:
        report = scale_data.generate(sizes, seed=seed, progress=click.echo)
    except ValueError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"data set written in {report.seconds:.1f} s")
    states = ", ".join(f"{k} {v:,}" for k, v in report.agreements_by_state.items())
    click.echo(f"agreements by state: {states}")


@stats_cli.command("refresh")
@click.option("--zone", "zone_ref", default="", help="Only this zone (slug or id).")
@click.option("--from", "raw_from", default=None, help="First day, YYYY-MM-DD.")
@click.option("--to", "raw_to", default=None, help="Last day, YYYY-MM-DD.")
@click.option(
    "--prune-days",
    default=7,
    show_default=True,
    type=click.IntRange(1),
    help="Also forget snapshots older than this.",
)
def stats_refresh(
    zone_ref: str, raw_from: str | None, raw_to: str | None, prune_days: int
) -> None:
    """Recompute the stored figures (STATS_CACHE_SECONDS > 0).

    Without options: every zone and all zones, over the default year and the
    last calendar year, the views people open most.
    """

    from symbiosis.services import stats_cache
    from symbiosis.services.stats_sql import Scope

    if zone_ref or raw_from or raw_to:
        zone, start, end = _zone_and_period(zone_ref, raw_from, raw_to)
        scopes = [Scope(zone.id if zone else None, start, end)]
    else:
        scopes = stats_cache.usual_scopes(date.today())
    with click.progressbar(scopes, label="recomputing") as bar:
        done = stats_cache.refresh(bar)
    for scope, seconds in done:
        zone_label = scope.zone_id if scope.zone_id is not None else "all zones"
        click.echo(f"{zone_label} {scope.start}..{scope.end}: {seconds:.1f} s")
    pruned = stats_cache.prune(timedelta(days=prune_days))
    click.echo(f"{len(done)} views recomputed, {pruned} old snapshots forgotten")
