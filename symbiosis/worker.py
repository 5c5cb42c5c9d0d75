"""The app's RQ worker: ``rq worker --worker-class symbiosis.worker.AppWorker``.

RQ runs each job in a process forked for it. For matching jobs that costs
more than the work: a job process starts with none of the SQL statements
compiled, no database connection and no catalog loaded, about 80 ms of CPU
to match a listing in 20 ms. Matching jobs are short, and running one twice
stores nothing twice (proposals are unique per pair, notices are marked
sent in the same transaction), so this worker runs them in its own process,
on its warm index (built at start), connections and caches; the other jobs
(expiries, the nightly batch) still get a process each.

A job the worker was running when it died (killed, out of memory) is not
lost: RQ keeps it in the started registry until its heartbeat lapses
(``job_timeout`` + 60 s), then the next clean-up of any worker puts it back
on the queue with its remaining retries. RQ cleans up every ten minutes;
this worker does it every ``MAINTENANCE_SECONDS``, so a matching job left by
a dead worker runs again within about two minutes.
"""

from __future__ import annotations

from typing import Any

from rq.defaults import DEFAULT_WORKER_TTL
from rq.worker import Worker, WorkerStatus

from symbiosis import jobs

# Jobs that use the matcher's index: run in the worker's own process (so a
# deleted listing also leaves the index that later jobs use).
INDEX_JOBS = {
    f"symbiosis.jobs.{name}"
    for name in ("match_listing", "match_listings", "forget_listing")
}
MAINTENANCE_SECONDS = 30  # how often abandoned jobs are looked for (RQ: 600 s)


class AppWorker(Worker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # at most MAINTENANCE_SECONDS, whatever --maintenance-interval says
        self.maintenance_interval = min(self.maintenance_interval, MAINTENANCE_SECONDS)

    @property
    def dequeue_timeout(self) -> int:
        # An idle worker waits for jobs this long at a time, then does its
        # clean-up if due: without this, it would wait almost seven minutes.
        return min(int(super().dequeue_timeout), MAINTENANCE_SECONDS)

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        """Build the matcher's index, then register and take jobs.

        At national scale the first build takes a while (17 s for 100k
        listings); done here, it does not hold up the first listing posted
        after a deployment, and the worker shows up in ``rq info`` once it
        can match at full speed.
        """
        try:
            jobs.warm_index()
        except Exception:  # the database may be down; the first job builds it
            self.log.exception("could not build the matcher index at start")
        super().bootstrap(*args, **kwargs)

    def execute_job(self, job: Any, queue: Any) -> None:
        if job.func_name not in INDEX_JOBS:
            super().execute_job(job, queue)  # a work-horse process, as RQ does
            return
        # The index is brought up to date before the job's clock starts: a
        # first build at national scale takes longer than a job may.
        try:
            jobs.warm_index()
        except Exception:  # the job builds it then
            self.log.exception("could not bring the matcher index up to date")
        self.prepare_execution(job)
        self.perform_job(job, queue)
        self.set_state(WorkerStatus.IDLE)

    def get_heartbeat_ttl(self, job: Any) -> int:
        """How long the started registry keeps a job without news of it.

        A job run in this process sends no heartbeat while it runs, so its
        entry must outlast the job's own time limit (as RQ's SimpleWorker).
        """
        if job.func_name not in INDEX_JOBS:
            return int(super().get_heartbeat_ttl(job))
        if job.timeout == -1:
            return int(DEFAULT_WORKER_TTL)
        return int(job.timeout or DEFAULT_WORKER_TTL) + 60
