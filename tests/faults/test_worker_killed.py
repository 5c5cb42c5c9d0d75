"""A real ``rq worker`` is killed in the middle of a matching job.

A firm posts a request while Redis is up: its matching is queued. The test
holds a lock on the match table, so the job gets as far as writing its
proposals and waits there, in the middle of its transaction. The worker
runs matching jobs in its own process (:mod:`symbiosis.worker`); it is then
SIGKILLed with its scheduler (what the kernel's OOM killer or a lost host
does), the lock let go, and a new worker started (what the service manager
of ``make worker`` does). Then:

- once the dead worker's hold on the job lapses (the job's 30 s limit and a
  minute), the new worker's clean-up schedules it again (``Retry``) and its
  scheduler runs it, to the end;
- the dead worker's transaction never commits: the pair is stored once, and
  each member of both firms is told about it once.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.jobs import QUEUE, RETRY
from symbiosis.models import Match, Notification
from tests.faults.servers import RedisServer, RqWorker, app_environment, wait_for
from tests.faults.world import make_pair, matches_of, post_request

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

# Seconds for the retried job to finish: the job's limit (30 s) and RQ's
# minute, the clean-up every 30 s, the first retry's 5 s, and some slack.
RUN_WITHIN = 240


def the_job(connection: Any) -> Any:
    """The one job on the app's queue."""
    from rq import Queue

    jobs = Queue(QUEUE, connection=connection).get_jobs()
    assert len(jobs) == 1, jobs
    return jobs[0]


def waiting_on_lock(engine: sa.Engine, database: str) -> bool:
    """Whether a session of ``database`` waits for a lock (the job's insert)."""
    with engine.connect() as conn:
        return bool(
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = :name AND wait_event_type = 'Lock'"
                ),
                {"name": database},
            ).scalar()
        )


def test_a_killed_worker_s_job_is_retried_and_stores_its_matches_once(
    fault_app: Flask,
    queued_app: Flask,
    fault_db: str,
    redis: RedisServer,
    tmp_path: Path,
) -> None:
    from redis import Redis
    from rq.job import Job, JobStatus

    pair = make_pair(fault_app, requests=0)
    request_id, _ = post_request(queued_app.test_client(), pair, 1)
    connection = Redis.from_url(redis.url)
    job = the_job(connection)
    assert isinstance(job, Job)
    assert job.func_name == "symbiosis.jobs.match_listing"
    assert job.args == (request_id,)

    url = sa.make_url(fault_db).set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    blocker = engine.connect()
    blocker.execute(sa.text("LOCK TABLE match IN EXCLUSIVE MODE"))
    worker = RqWorker(
        app_environment(fault_db, REDIS_URL=redis.url),
        redis.url,
        tmp_path / "worker.log",
    )
    try:
        wait_for(
            f"the job waits on the match table (worker log: {worker.tail()})",
            lambda: waiting_on_lock(engine, url.database or ""),
            timeout=60,
        )
        assert job.get_status(refresh=True) == JobStatus.STARTED
        worker.kill()
        killed_at = time.monotonic()
        blocker.rollback()  # the dead worker's session goes, its insert undone
        blocker.close()
        # The service manager starts the worker again.
        worker = RqWorker(
            app_environment(fault_db, REDIS_URL=redis.url),
            redis.url,
            tmp_path / "worker.log",
        )

        def rescheduled() -> bool:
            # RQ writes the new status at once and the job with one retry
            # fewer in a pipeline run just after: wait until both are there.
            job.refresh()
            return (
                job.get_status() in (JobStatus.SCHEDULED, JobStatus.QUEUED)
                and job.retries_left == len(RETRY) - 1
            )

        wait_for(
            f"the job is scheduled again with one retry fewer ({worker.tail()})",
            rescheduled,
            RUN_WITHIN,
        )

        def finished() -> bool:
            return job.get_status(refresh=True) == JobStatus.FINISHED

        wait_for(f"the retried job finishes ({worker.tail()})", finished, 60)
        took = time.monotonic() - killed_at
        result = job.return_value()
    finally:
        if not blocker.closed:
            blocker.close()
        worker.close()
        engine.dispose()
        connection.close()

    assert result == 1  # one new match, by the second run
    assert matches_of(fault_app, request_id) == [(pair.offer, request_id)]
    with fault_app.app_context():
        duplicates = db.session.execute(
            sa.select(Match.offer_id, Match.request_id)
            .group_by(Match.offer_id, Match.request_id)
            .having(sa.func.count() > 1)
        ).all()
        told = db.session.execute(
            sa.select(Notification.user_id, Notification.link, sa.func.count())
            .where(Notification.link.like("%#matches"))
            .group_by(Notification.user_id, Notification.link)
        ).all()
        db.session.remove()
    assert duplicates == []
    # Each member of both firms, once, about their own listing.
    assert sorted((user, count) for user, _, count in told) == sorted(
        (user_id, 1) for user_id in pair.users.values()
    )
    print(f"worker killed; the retried job finished {took:.1f} s later")
