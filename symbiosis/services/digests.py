"""Summaries of notices by e-mail, for users who asked for one a day or a week.

A summary names the notices still unread that no e-mail has named yet: those
since the user's previous summary, or, for a first summary, those of the last
day or week. A notice read on the site in the meantime is left out; a user
with nothing new gets no e-mail. Run by RQ's scheduler
(:mod:`symbiosis.schedule`) or ``flask notifications digest``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from symbiosis import formats
from symbiosis.extensions import db
from symbiosis.i18n import gettext, ngettext
from symbiosis.models import MailNotices, Notification, User
from symbiosis.models.base import utcnow
from symbiosis.services import notify

PERIODS = {
    MailNotices.DAILY: timedelta(days=1),
    MailNotices.WEEKLY: timedelta(days=7),
}
NAMED = 20  # notices named in one summary; the others are counted


def send_digests(every: MailNotices, now: datetime | None = None) -> int:
    """Send the summaries of the users who want one ``every`` day or week.

    :returns: how many e-mails went out (after the commit).
    """
    now = now or utcnow()
    floor = now - PERIODS[every]
    rows = db.session.execute(
        sa.select(Notification, User)
        .join(User, Notification.user_id == User.id)
        .where(
            User.mail_notices == every,
            User.active.is_(True),
            Notification.read_at.is_(None),
            Notification.created_at <= now,
            sa.or_(
                Notification.created_at > User.digest_sent_at,
                sa.and_(User.digest_sent_at.is_(None), Notification.created_at > floor),
            ),
        )
        .order_by(User.id, Notification.created_at.desc(), Notification.id.desc())
    ).all()
    notices: dict[User, list[Notification]] = {}  # one row object per user
    for note, user in rows:
        notices.setdefault(user, []).append(note)
    for user, notes in notices.items():
        with force_locale(user.locale or notify.DEFAULT_LOCALE):
            subject, body = _written(user, notes)
        notify.queue_mail(user.email, subject, body, "/notifications")
        user.digest_sent_at = now
    db.session.commit()
    return len(notices)


def _written(user: User, notes: Sequence[Notification]) -> tuple[str, str]:
    """Subject and text of one user's summary, in the current locale."""
    base = current_app.config.get("BASE_URL", "")
    count = len(notes)
    subject = ngettext(
        "%(num)d unread notification on Symbiosis",
        "%(num)d unread notifications on Symbiosis",
        count,
    )
    lines = [
        gettext("Hello %(name)s,", name=user.full_name),
        "",
        ngettext(
            "Since the last summary, %(num)d notification came and is still unread:",
            "Since the last summary, %(num)d notifications came and are still unread:",
            count,
        ),
        "",
    ]
    for note in notes[:NAMED]:
        when = formats.moment(note.created_at)
        title = note.read_in(user.locale or notify.DEFAULT_LOCALE)[0]
        lines.append(f"- {title} ({when})")
        lines.append(f"  {base}/notifications/{note.id}")
    if count > NAMED:
        lines.append(
            ngettext("… and %(num)d more.", "… and %(num)d more.", count - NAMED)
        )
    lines += [
        "",
        gettext(
            "How often we write to you is yours to choose: %(link)s",
            link=f"{base}/account/",
        ),
        "",
        gettext("All your notifications:"),
    ]
    return subject, "\n".join(lines)
