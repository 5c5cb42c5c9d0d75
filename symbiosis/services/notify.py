"""Notifications: stored in the app, mailed after the transaction commits.

The embedded default prints mail to the log; with ``MAIL_SERVER`` set, each
e-mail is a job (:func:`symbiosis.jobs.send_mail`): on the queue when there is
one, where an SMTP failure is retried, else sent in-process. Nothing is sent
for a transaction that rolls back.
"""

from __future__ import annotations

import functools
import smtplib
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

from symbiosis import jobs
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import MailNotices, Notification, User
from symbiosis.models.base import in_chunks, utcnow

OUTBOX = "symbiosis_outbox"
DEFAULT_LOCALE = "fr"
MAIL_TIMEOUT_SECONDS = 10  # an SMTP server that stays silent fails the try


def notify(
    user: User,
    subject: str,
    body: str,
    link: str | None = None,
    texts: dict[str, tuple[str, str]] | None = None,
) -> Notification:
    """Add a notification for ``user`` and, if they want each notice by
    e-mail, queue its e-mail (caller commits). ``texts`` holds the notice in
    the site's other languages, for a reader who changes language later.
    Summaries are :mod:`symbiosis.services.digests`."""
    note = Notification(
        user=user,
        subject=subject[:200],
        body=body,
        link=link,
        texts={k: [v[0][:200], v[1]] for k, v in texts.items()} if texts else None,
    )
    db.session.add(note)
    if user.mail_notices in (MailNotices.EACH, None):  # None: not yet flushed
        footer = _choose_footer(
            user.locale or DEFAULT_LOCALE, current_app.config.get("BASE_URL", "")
        )
        queue_mail(user.email, subject, body, link, footer=footer)
    return note


@functools.lru_cache(maxsize=32)  # one per language and site address
def _choose_footer(locale: str, base: str) -> str:
    """The last line of a notice's e-mail: where to write less often."""
    with force_locale(locale):
        return gettext(
            "How often we write to you is yours to choose: %(link)s",
            link=f"{base}/account/",
        )


def queue_mail(
    to: str, subject: str, body: str, link: str | None, *, footer: str = ""
) -> None:
    """An e-mail sent once the session's transaction commits: ``body``, then
    the site's address of ``link`` (a path), then ``footer``."""
    db.session.info.setdefault(OUTBOX, []).append((to, subject, body, link, footer))


def tell(
    users: Iterable[User], write: Callable[[], tuple[str, str]], link: str | None
) -> None:
    """:func:`notify` each of ``users``, with the subject and body that ``write``
    gives in that user's own language (not the language of whoever acted),
    and in the site's other languages, for when they switch."""
    written: dict[str, tuple[str, str]] = {}
    for user in users:
        if not written:
            for lang in current_app.config["LANGUAGES"]:
                with force_locale(lang):
                    written[lang] = write()
        locale = user.locale or DEFAULT_LOCALE
        if locale not in written:
            with force_locale(locale):
                written[locale] = write()
        notify(user, *written[locale], link=link, texts=written)


def members_of(organisation_id: int) -> list[User]:
    """The accepted members of an organisation: who hears about its listings."""
    return members_by_organisation([organisation_id]).get(organisation_id, [])


def members_by_organisation(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """:func:`members_of` for several organisations, in one statement for
    each ``IN_CHUNK`` of them."""
    found: dict[int, list[User]] = {}
    for chunk in in_chunks(organisation_ids):
        for user in db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id.in_(chunk),
                User.org_role.in_(["member", "admin"]),
            )
            .order_by(User.id)
        ):
            if user.organisation_id is not None:  # always, by the filter
                found.setdefault(user.organisation_id, []).append(user)
    return found


def _unread(user_id: Any) -> sa.Select[int]:
    return sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )


def unread_of_user() -> sa.ScalarSelect[int]:
    """The count of a user's unread notifications, as a column of its row."""
    return _unread(User.id).correlate(User).scalar_subquery()


def unread_count(user: User) -> int:
    """Counted with the user when the request loaded it; else counted now."""
    if user.unread_notifications is not None:
        return user.unread_notifications
    return db.session.scalar(_unread(user.id)) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def open_one(user: User, notification_id: int) -> Notification | None:
    """The user's notification, marked read now if it was not; None if the
    user has no such notification (another user's is not theirs to open)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        return None
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return note


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()


def send_mail(to: str, subject: str, text: str) -> None:
    """Send one e-mail over SMTP now; raise if the server refuses it."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(config["MAIL_DEFAULT_SENDER"]))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies
    message.set_content(text)
    server, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25))
    with smtplib.SMTP(server, port, timeout=MAIL_TIMEOUT_SECONDS) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _domain(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None


def _after_commit(session: Session) -> None:
    messages = session.info.pop(OUTBOX, None)
    if not messages:
        return
    base = current_app.config.get("BASE_URL", "")
    mailed = bool(current_app.config.get("MAIL_SERVER"))
    for to, subject, body, link, footer in messages:
        text = "\n\n".join(
            part for part in (body, link and base + link, footer) if part
        )
        if mailed:  # one job each: a failure retries that e-mail alone
            jobs.enqueue("send_mail", to, subject, text)
        else:
            current_app.logger.info("mail to %s: %s\n%s", to, subject, text)


def _after_rollback(session: Session) -> None:
    session.info.pop(OUTBOX, None)


def register_mail_hooks() -> None:
    """Send queued mail after commit; drop it after rollback (once per process)."""
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_soft_rollback", _soft_rollback)


def _soft_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the outermost transaction
        _after_rollback(session)
