"""Notices by e-mail: one by one, in a daily or weekly summary, or not at all."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import MailNotices, Notification, User
from symbiosis.models.base import utcnow
from symbiosis.services import accounts, notify
from symbiosis.services.digests import NAMED, send_digests
from tests.builders import make_org, make_user

MAIL = "mail to "


def mails(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(MAIL)]


def wanting(every: str, **kwargs: object) -> User:
    user = make_user(org=make_org(), **kwargs)  # type: ignore[arg-type]
    user.mail_notices = MailNotices(every)
    db.session.commit()
    return user


def notice(user: User, subject: str, *, at: datetime, read: bool = False) -> None:
    db.session.add(
        Notification(
            user=user,
            subject=subject,
            body="…",
            link="/matches/",
            created_at=at,
            read_at=at if read else None,
        )
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("every", "mailed"), [("each", 1), ("daily", 0), ("weekly", 0), ("never", 0)]
)
def test_a_notice_is_mailed_at_once_only_to_who_wants_each(
    ctx: Flask, caplog: pytest.LogCaptureFixture, every: str, mailed: int
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    user = wanting(every)
    notify.notify(user, "A new match", "Wood for your boiler", "/matches/")
    db.session.commit()
    assert len(mails(caplog)) == mailed
    # on the site whatever the choice
    assert [n.subject for n in notify.recent(user)] == ["A new match"]


def test_a_daily_summary_names_the_unread_notices_since_the_last_one(
    ctx: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    now = utcnow()
    user = wanting("daily", full_name="Anne Weber")
    notice(user, "Offer accepted", at=now - timedelta(hours=3))
    notice(user, "New match", at=now - timedelta(hours=20))
    notice(user, "Already read", at=now - timedelta(hours=2), read=True)
    notice(user, "Older than a day", at=now - timedelta(days=2))
    weekly = wanting("weekly")
    notice(weekly, "For the weekly one", at=now - timedelta(hours=1))
    other = wanting("each")
    notice(other, "Not in a summary", at=now - timedelta(hours=1))

    assert send_digests(MailNotices.DAILY, now) == 1
    (mail,) = mails(caplog)
    head, _, text = mail.partition("\n")
    assert head == f"{MAIL}{user.email}: 2 notifications non lues sur Symbiosis"
    assert text.startswith("Bonjour Anne Weber,")
    named = [line for line in text.splitlines() if line.startswith("- ")]
    assert [line.split(" (")[0] for line in named] == [
        "- Offer accepted",
        "- New match",
    ]
    assert "/notifications/" in text
    assert "/account/" in text
    assert user.digest_sent_at is not None

    # Nothing new: no second e-mail; a new notice comes in the next one only.
    caplog.clear()
    assert send_digests(MailNotices.DAILY, now + timedelta(minutes=5)) == 0
    assert mails(caplog) == []
    notice(user, "Next day", at=now + timedelta(hours=1))
    assert send_digests(MailNotices.DAILY, now + timedelta(days=1)) == 1
    (mail,) = mails(caplog)
    assert "- Next day" in mail
    assert "Offer accepted" not in mail


def test_a_weekly_summary_reaches_back_a_week_in_the_users_language(
    ctx: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    now = utcnow()
    user = wanting("weekly", locale="de")
    notice(user, "Six days ago", at=now - timedelta(days=6))
    notice(user, "Eight days ago", at=now - timedelta(days=8))
    assert send_digests(MailNotices.DAILY, now) == 0
    assert send_digests(MailNotices.WEEKLY, now) == 1
    (mail,) = mails(caplog)
    assert "1 ungelesene Benachrichtigung" in mail.partition("\n")[0]
    assert "- Six days ago" in mail
    assert "Eight days ago" not in mail


def test_a_long_summary_names_the_newest_and_counts_the_rest(
    ctx: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    now = utcnow()
    user = wanting("daily", locale="en")
    for n in range(NAMED + 3):
        notice(user, f"Notice {n:02d}", at=now - timedelta(minutes=n + 1))
    assert send_digests(MailNotices.DAILY, now) == 1
    (mail,) = mails(caplog)
    assert f"{NAMED + 3} unread notifications" in mail
    assert "- Notice 00 " in mail
    assert f"- Notice {NAMED - 1:02d} " in mail
    assert f"- Notice {NAMED:02d} " not in mail
    assert "… and 3 more." in mail


def test_no_summary_for_a_deactivated_account(
    ctx: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    now = utcnow()
    user = wanting("daily")
    user.active = False
    notice(user, "Nobody reads this", at=now - timedelta(hours=1))
    assert send_digests(MailNotices.DAILY, now) == 0
    assert mails(caplog) == []
    assert user.digest_sent_at is None


def test_switching_to_a_summary_starts_it_from_now(ctx: Flask) -> None:
    user = make_user(org=make_org())
    db.session.commit()
    notice(user, "Mailed already", at=utcnow() - timedelta(hours=1))
    accounts.update_profile(
        user, full_name=user.full_name, locale="fr", mail_notices="daily"
    )
    assert user.mail_notices == MailNotices.DAILY
    assert user.digest_sent_at is not None
    assert send_digests(MailNotices.DAILY) == 0
    # from daily to weekly, the summary goes on from the last daily one
    sent = user.digest_sent_at
    accounts.update_profile(
        user, full_name=user.full_name, locale="fr", mail_notices="weekly"
    )
    assert (user.mail_notices, user.digest_sent_at) == (MailNotices.WEEKLY, sent)


def test_the_cli_sends_the_summaries(app: Flask) -> None:
    with app.app_context():
        user = wanting("weekly")
        notice(user, "Hello", at=utcnow() - timedelta(hours=1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "digest", "--every", "weekly"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 weekly summaries sent"
    again = runner.invoke(args=["notifications", "digest", "--every", "weekly"])
    assert again.output.strip() == "0 weekly summaries sent"
    bad = runner.invoke(args=["notifications", "digest", "--every", "hourly"])
    assert bad.exit_code == 2
    assert "hourly" in bad.output
