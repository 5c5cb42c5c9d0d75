"""The app's RQ worker: ``rq worker --worker-class symbiosis.worker.AppWorker``.

RQ runs each job in a process forked for it. The matcher's index lives in
memory (:mod:`symbiosis.services.matching`), so a job process that had to
build it would do so for every job: half a minute at 100,000 listings. This
worker brings its own index up to date in the long-lived parent just before
it forks for a matching job; the job's process starts with it and reads only
what changed since.
"""

from __future__ import annotations

from typing import Any

from rq.worker import Worker

from symbiosis import jobs

# Jobs that use the matcher's index.
INDEX_JOBS = {f"symbiosis.jobs.{name}" for name in ("match_listing", "match_listings")}


class AppWorker(Worker):
    def fork_work_horse(self, job: Any, queue: Any) -> None:
        if job.func_name in INDEX_JOBS:
            try:
                jobs.warm_index()
            except Exception:  # the job builds it then, as without this worker
                self.log.exception("could not bring the matcher index up to date")
        super().fork_work_horse(job, queue)
