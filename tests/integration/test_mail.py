"""E-mail over SMTP, received by a real SMTP server (aiosmtpd) on a free port.

Each e-mail is a job: sent in-process without a queue, where a refusal is
logged and changes nothing else; on the queue, where a refusal leaves the
job to be tried again and the next try delivers it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import parseaddr
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from symbiosis.extensions import db
from symbiosis.jobs import QUEUE, RETRY
from symbiosis.models import MailNotices, Notification, User
from symbiosis.services import notify
from tests.builders import make_org, make_user
from tests.faults.servers import LOOPBACK, RedisServer, free_port, redis_server


class Inbox:
    """An aiosmtpd handler that keeps what it accepts; while ``refusing``,
    it answers each recipient with a temporary failure, as a busy server does."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refusing = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refusing:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox(ctx: Flask) -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname=LOOPBACK, port=free_port())
    controller.start()
    ctx.config.update(
        MAIL_SERVER=LOOPBACK,
        MAIL_PORT=controller.port,
        BASE_URL="https://symbiose.example.lu",
    )
    yield handler
    controller.stop()


@pytest.fixture
def queued(ctx: Flask) -> Iterator[RedisServer]:
    """The app with its own Redis queue (a private server on a free port)."""
    with redis_server() as redis:
        ctx.config["REDIS_URL"] = redis.url
        yield redis


def member(locale: str = "fr") -> User:
    user = make_user(org=make_org(), email="anne.weber@example.lu", locale=locale)
    user.mail_notices = MailNotices.EACH
    db.session.commit()
    return user


def test_a_notice_arrives_over_smtp_with_its_link(ctx: Flask, inbox: Inbox) -> None:
    user = member()
    notify.notify(user, "Nouvelle piste : fûts métalliques", "Un fût…", "/matches/7")
    db.session.commit()

    [mail] = inbox.received
    assert parseaddr(mail["To"])[1] == "anne.weber@example.lu"
    assert mail["Subject"] == "Nouvelle piste : fûts métalliques"
    assert mail["From"] == ctx.config["MAIL_DEFAULT_SENDER"]
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Message-ID"].endswith("@symbiose.example.lu>")
    assert mail["Date"]
    body = mail.get_content()
    assert body.startswith("Un fût…")
    assert "https://symbiose.example.lu/matches/7" in body
    # and says where to write less often, in the user's language
    assert body.rstrip().endswith(
        "c'est vous qui choisissez : https://symbiose.example.lu/account/"
    )


def test_nothing_is_sent_for_a_transaction_that_rolls_back(
    ctx: Flask, inbox: Inbox
) -> None:
    user = member()
    notify.notify(user, "Nouvelle piste", "…", "/matches/")
    db.session.rollback()
    assert inbox.received == []


def test_a_refused_mail_is_logged_and_undoes_nothing(
    ctx: Flask, inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    user = member()
    inbox.refusing = True
    notify.notify(user, "Nouvelle piste", "…", "/matches/")
    db.session.commit()  # does not raise

    assert inbox.received == []
    assert any("send_mail" in r.getMessage() for r in caplog.records)
    db.session.expire_all()
    assert db.session.query(Notification).filter_by(user_id=user.id).count() == 1


def test_on_the_queue_a_refused_mail_is_tried_again(
    ctx: Flask, inbox: Inbox, queued: RedisServer
) -> None:
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(queued.url)
    queue = Queue(QUEUE, connection=connection)
    user = member()
    inbox.refusing = True
    notify.notify(user, "Nouvelle piste", "…", "/matches/")
    db.session.commit()
    # the request only queued it
    assert queue.count == 1
    assert inbox.received == []

    worker = SimpleWorker([queue], connection=connection)
    worker.work(burst=True)
    assert inbox.received == []
    [job_id] = queue.scheduled_job_registry.get_job_ids()
    job = queue.fetch_job(job_id)
    assert job is not None
    assert job.retries_left == len(RETRY) - 1

    inbox.refusing = False  # the server is back when the retry is due
    queue.scheduled_job_registry.requeue(job_id)
    worker.work(burst=True)
    [mail] = inbox.received
    assert parseaddr(mail["To"])[1] == "anne.weber@example.lu"
    assert queue.count == 0
    assert queue.scheduled_job_registry.get_job_ids() == []
    assert queue.failed_job_registry.get_job_ids() == []
    connection.close()
