"""Background work: on an RQ queue when ``REDIS_URL`` is set, else in-process.

Jobs run after the service's commit, so a failure never undoes what the user
did; in-process failures are logged, queued ones are retried by RQ (a job
whose worker dies is retried the same way, see :mod:`symbiosis.worker`). A
queue that is down, or does not answer within ``QUEUE_TIMEOUT_SECONDS``,
never fails the request: the job then runs in-process, as with no queue.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

QUEUE = "symbiosis"
QUEUE_TIMEOUT_SECONDS = 2  # a hung Redis must not hold the user's request
RETRY = (5, 30, 120)  # seconds before each new try of a failed queued job
# Time limits (seconds) of the jobs that need less than RQ's 180 s: a job left
# by a worker that died is taken up again once its limit and a minute passed.
JOB_TIMEOUT = {"match_listing": 30, "forget_listing": 30, "send_mail": 60}


def enqueue(name: str, *args: Any) -> None:
    """Run job ``name`` (a function of this module) now or on the queue."""
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            _put_on_queue(url, name, args)
            return
        except Exception:  # the queue is down: do the work here rather than lose it
            current_app.logger.exception(
                "queue unavailable, running %s in-process", name
            )
    try:
        JOBS[name](*args)
    except Exception:
        current_app.logger.exception("job %s%r failed", name, args)


def _put_on_queue(url: str, name: str, args: tuple[Any, ...]) -> None:
    """Enqueue with retries; raise if Redis refuses or stays silent too long."""
    from redis import Redis
    from rq import Queue, Retry

    connection = Redis.from_url(
        url,
        socket_connect_timeout=QUEUE_TIMEOUT_SECONDS,
        socket_timeout=QUEUE_TIMEOUT_SECONDS,
    )
    try:
        Queue(QUEUE, connection=connection).enqueue(
            f"symbiosis.jobs.{name}",
            *args,
            retry=Retry(max=len(RETRY), interval=list(RETRY)),
            job_timeout=JOB_TIMEOUT.get(name),
        )
    finally:
        connection.close()


def _in_app(func: Any, *args: Any) -> Any:
    """Run ``func`` inside an app context (an RQ worker has none of its own)."""
    from flask import has_app_context

    if has_app_context():
        return func(*args)
    with process_app().app_context():
        return func(*args)


_app: Flask | None = None


def process_app() -> Flask:
    """The app of this worker process, made once and inherited by each job's
    process (RQ forks one per job), so that what it keeps in memory (the
    matcher's index) is still valid there."""
    global _app  # one app per process, by design
    if _app is None:
        import os
        import sys

        loaded = getattr(sys.modules.get("wsgi"), "app", None)  # rq --config wsgi
        if isinstance(loaded, Flask):
            _app = loaded
        else:
            from symbiosis import create_app

            _app = create_app()
        os.register_at_fork(after_in_child=_own_connections)
    return _app


def _own_connections() -> None:
    """A forked process opens its own database connections, never its parent's."""
    if _app is not None:
        from symbiosis.extensions import db

        with _app.app_context():
            db.engine.dispose(close=False)


def warm_index() -> None:
    """Bring this process's matcher index up to date (built when missing)."""
    from symbiosis.services.matching import _cache

    def run() -> None:
        with _cache.lock:
            _cache.get()

    _in_app(run)


def match_listing(listing_id: int) -> int:
    from symbiosis.services.matching import match_listing as run

    return int(_in_app(run, listing_id))


def match_listings(listing_ids: list[int]) -> int:
    from symbiosis.services.matching import match_listings as run

    return int(_in_app(run, listing_ids))


def forget_listing(listing_id: int) -> None:
    from symbiosis.services.matching import forget

    _in_app(forget, listing_id)


def expire_agreements() -> int:
    from symbiosis.services.agreement_thread import expire

    return int(_in_app(expire))


def remind_agreements() -> int:
    from symbiosis.services.agreement_reminders import remind

    return int(_in_app(remind))


def expire_listings() -> tuple[int, int]:
    from symbiosis.services.listings import expire_listings as run

    result: tuple[int, int] = _in_app(run)
    return result


def alert_saved_searches() -> int:
    from symbiosis.services.saved_searches import alert

    return int(_in_app(alert))


def send_mail(to: str, subject: str, text: str) -> None:
    """One e-mail over SMTP; an error fails the job, which RQ then retries."""
    from symbiosis.services.notify import send_mail as send

    _in_app(send, to, subject, text)


def send_daily_digests() -> int:
    from symbiosis.models import MailNotices
    from symbiosis.services.digests import send_digests

    return int(_in_app(send_digests, MailNotices.DAILY))


def send_weekly_digests() -> int:
    from symbiosis.models import MailNotices
    from symbiosis.services.digests import send_digests

    return int(_in_app(send_digests, MailNotices.WEEKLY))


def refresh_stats() -> int:
    """Recompute the stored monitoring figures of the usual views (when on)."""

    def run() -> int:
        from datetime import date, timedelta

        from flask import current_app

        from symbiosis.services import stats_cache

        if not current_app.config.get("STATS_CACHE_SECONDS"):
            return 0  # figures are computed live: nothing to keep fresh
        done = stats_cache.refresh(stats_cache.usual_scopes(date.today()))
        stats_cache.prune(timedelta(days=7))
        return len(done)

    return int(_in_app(run))


JOBS: dict[str, Any] = {
    "refresh_stats": refresh_stats,
    "expire_agreements": expire_agreements,
    "expire_listings": expire_listings,
    "match_listing": match_listing,
    "match_listings": match_listings,
    "forget_listing": forget_listing,
    "send_mail": send_mail,
}
