"""The load benchmark's processes (part of :mod:`tests.bench.load`).

gunicorn with the flags of ``make serve-prod``; with a queue, a Redis server
and an RQ worker started as ``make worker`` starts it. Each runs in its own
process group on a free 127.0.0.1 port and is stopped by the bench.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from symbiosis import ROOT

SERVE_PROD_FLAGS = ("--timeout", "60", "--graceful-timeout", "30",
                    "--max-requests", "20000", "--max-requests-jitter", "2000")  # fmt: skip
QUEUE = "symbiosis"  # symbiosis.jobs.QUEUE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, headers: dict[str, str]) -> int:
    """GET ``url``; its status code."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def app_env(url: sa.URL, secret: str, redis: str | None) -> dict[str, str]:
    """The environment of the server and the worker, set for the bench.

    Secure cookies off (plain http on the loopback, as ``make run``); the
    sign-in limit raised, since every virtual user comes from 127.0.0.1;
    rate-limit counters in memory, or on the queue's Redis as serve-prod does.
    """
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        {
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "SYMBIOSIS_SECRET_KEY": secret,
            "SYMBIOSIS_SESSION_COOKIE_SECURE": "false",
            "SYMBIOSIS_REMEMBER_COOKIE_SECURE": "false",
            "SYMBIOSIS_LOGIN_RATE_LIMIT": "100000 per minute",
            # a national deployment stores its monitoring figures and reuses
            # the counts of listing searches for a minute (README)
            "SYMBIOSIS_STATS_CACHE_SECONDS": "1800",
            "SYMBIOSIS_COUNT_CACHE_SECONDS": "60",
            "SYMBIOSIS_RATELIMIT_STORAGE_URI": redis or "memory://",
        }
    )
    if redis:
        env["REDIS_URL"] = redis
    return env


class Process:
    """A child in its own process group, its output in ``log``."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = 40) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Server(Process):
    """gunicorn with ``make serve-prod``'s flags."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                   "--bind", f"127.0.0.1:{self.port}", *SERVE_PROD_FLAGS, "wsgi:app"]  # fmt: skip
        super().__init__(command, env, log)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                sys.exit(f"gunicorn exited; see {self.log}")
            try:
                if fetch(f"{self.url}/readyz", {}) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        sys.exit(f"gunicorn not ready after {timeout:.0f} s; see {self.log}")


class Queue:
    """A throw-away Redis and one RQ worker, as ``make worker`` runs it."""

    def __init__(self, work: Path) -> None:
        server = shutil.which("redis-server")
        if server is None:
            sys.exit("--queue rq needs redis-server (apt-get install redis-server)")
        port = free_port()
        self.url = f"redis://127.0.0.1:{port}/0"
        self.redis = Process(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(work)],
            dict(os.environ), work / "redis.log",
        )  # fmt: skip
        self.worker: Process | None = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"redis-server did not start; see {work / 'redis.log'}")

    def start_worker(
        self,
        env: dict[str, str],
        log: Path,
        worker_class: str = "symbiosis.worker.AppWorker",
    ) -> None:
        rq = Path(sys.executable).with_name("rq")
        self.worker = Process(
            [str(rq), "worker", "--url", self.url, "--with-scheduler",
             "--config", "wsgi", "--worker-class", worker_class, QUEUE],
            env, log,
        )  # fmt: skip

    def wait_worker(self, timeout: float = 600) -> None:
        """Until the worker has registered: it builds its index first."""
        from redis import Redis
        from rq.worker import Worker

        connection = Redis.from_url(self.url)
        deadline = time.monotonic() + timeout
        while not Worker.all(connection=connection):
            if self.worker is None or not self.worker.alive():
                sys.exit("the RQ worker stopped before it registered")
            if time.monotonic() > deadline:
                sys.exit(f"the RQ worker did not register within {timeout:.0f} s")
            time.sleep(0.5)

    def backlog(self) -> int:
        """Jobs still waiting in the queue."""
        from redis import Redis

        return int(Redis.from_url(self.url).llen(f"rq:queue:{QUEUE}"))

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop(grace=10)
        self.redis.stop(grace=10)
