"""``flask notifications digest``: e-mail the daily or weekly summaries."""

from __future__ import annotations

import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Notices and their e-mails.")


@notifications_cli.command("digest")
@click.option(
    "--every",
    type=click.Choice(["daily", "weekly"]),
    required=True,
    help="Whose summary: users who asked for one a day, or one a week.",
)
def notifications_digest(every: str) -> None:
    """Mail each user who asked for it a summary of their unread notices.

    Run it once a day with --every daily and once a week with --every weekly
    (the embedded default has no scheduler: use the system's cron).
    """
    from symbiosis.models import MailNotices
    from symbiosis.services.digests import send_digests

    sent = send_digests(MailNotices(every))
    click.echo(f"{sent} {every} summaries sent")
