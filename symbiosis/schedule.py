"""Scheduled jobs for RQ's cron scheduler: ``rq cron symbiosis.schedule``.

With Redis (``REDIS_URL``) a process running ``rq cron`` enqueues these jobs
at the times below and the ``rq worker symbiosis`` processes run them; the
embedded default has no scheduler, so run ``flask agreements remind``,
``flask agreements expire``, ``flask listings expire``, ``flask listings
alerts`` and ``flask notifications digest`` from the system's cron instead.
Times are the scheduler's clock (UTC on a server).
"""

from rq import cron

from symbiosis import jobs

cron.register(jobs.remind_agreements, jobs.QUEUE, cron="0 2 * * *")
cron.register(jobs.expire_agreements, jobs.QUEUE, cron="10 2 * * *")
cron.register(jobs.expire_listings, jobs.QUEUE, cron="20 2 * * *")
# Stored monitoring figures (STATS_CACHE_SECONDS > 0; otherwise a no-op).
cron.register(jobs.refresh_stats, jobs.QUEUE, cron="*/15 * * * *")
# New listings for followed searches, before the morning's summaries.
cron.register(jobs.alert_saved_searches, jobs.QUEUE, cron="40 5 * * *")
# Summaries of unread notices, for users who want one a day or a week.
cron.register(jobs.send_daily_digests, jobs.QUEUE, cron="0 6 * * *")
cron.register(jobs.send_weekly_digests, jobs.QUEUE, cron="0 6 * * 1")
