"""Throw-away servers for the fault tests: PostgreSQL, Redis, gunicorn, rq worker.

Each runs on 127.0.0.1 on a free port, out of a temporary folder, and is
stopped by the test that started it: the shared PostgreSQL and Redis of the
machine are never touched. A missing binary skips the test, saying which.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, ready: Callable[[], bool], timeout: float = 30) -> None:
    """Poll ``ready`` until it holds; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout} s")


def children(pid: int) -> set[int]:
    """The direct children of process ``pid`` (Linux /proc)."""
    found: set[int] = set()
    for task in glob.glob(f"/proc/{pid}/task/*/children"):
        with contextlib.suppress(OSError):
            found.update(int(c) for c in Path(task).read_text().split())
    return found


def process_group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def _stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """SIGTERM, then SIGKILL the whole session if it does not end in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


# -- PostgreSQL --------------------------------------------------------------------
def postgres_bin() -> Path:
    """The folder of initdb and pg_ctl, or skip saying they are missing."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda f: int(Path(f).parent.name) if Path(f).parent.name.isdigit() else 0,
    )
    for folder in reversed(folders):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): fault tests skipped")


class PostgresCluster:
    """A private cluster (initdb) in a temporary folder, trust auth, one port.

    initdb refuses to run as root, so as root the cluster belongs to the
    ``postgres`` system user and its commands run as that user.
    """

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="symbiosis-faults-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.user: int | None = None
        self.group: int | None = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.folder)
                pytest.skip(
                    "running as root and no 'postgres' user to own a private "
                    "PostgreSQL cluster: fault tests skipped"
                )
            self.user, self.group = owner.pw_uid, owner.pw_gid
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.folder.chmod(0o700)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{LOOPBACK}:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@{LOOPBACK}:{self.port}/{name}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            timeout=timeout,
            user=self.user,
            group=self.group,
            cwd=self.folder,
        )

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={LOOPBACK} "
            "-c unix_socket_directories='' -c fsync=off -c full_page_writes=off "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session and rolls it back; ``immediate`` crashes."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
    except (subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        cluster.destroy()
        if os.environ.get("CI"):
            raise
        pytest.skip(
            f"could not start a private PostgreSQL ({error}; "
            f"{detail.decode(errors='replace')[-300:]}): fault tests skipped"
        )
    try:
        yield cluster
    finally:
        cluster.destroy()


# -- Redis ---------------------------------------------------------------------------
class RedisServer:
    """``redis-server`` with no persistence on a free port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed: this fault test is skipped")
        pytest.importorskip("redis", reason="the redis client is not installed")
        self.port = free_port()
        self.url = f"redis://{LOOPBACK}:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", LOOPBACK, "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_for("redis-server answers PING", self.answers, timeout=15)

    def answers(self) -> bool:
        from redis import Redis

        client = Redis.from_url(
            self.url, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        try:
            return bool(client.ping())
        except Exception:  # not up (yet)
            return False
        finally:
            client.close()

    def pause(self) -> None:
        """Freeze the server: connections are accepted, nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGCONT)
        self.process.kill()
        self.process.wait(timeout=10)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGCONT)
        _stop(self.process)


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        yield server
    finally:
        server.close()


# -- the application -----------------------------------------------------------------
SECRET = "faults-" + os.urandom(8).hex()


def app_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of ``make serve-prod`` / ``make worker``, for these servers."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SYMBIOSIS_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        SYMBIOSIS_SECRET_KEY=SECRET,
        SYMBIOSIS_RATELIMIT_STORAGE_URI="memory://",
        SYMBIOSIS_SESSION_COOKIE_SECURE="false",
        SYMBIOSIS_REMEMBER_COOKIE_SECURE="false",
        SYMBIOSIS_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Gunicorn:
    """``gunicorn wsgi:app`` with several sync worker processes, as in production."""

    def __init__(self, env: Mapping[str, str], workers: int, log: Path) -> None:
        pytest.importorskip("gunicorn", reason="gunicorn is not installed")
        self.port = free_port()
        self.base = f"http://{LOOPBACK}:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                 "--bind", f"{LOOPBACK}:{self.port}", "--timeout", "30",
                 "--graceful-timeout", "5", "wsgi:app"],
                cwd=ROOT,
                env=dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_for(
            f"gunicorn answers /healthz (log: {self.tail()})",
            lambda: self._healthy(workers),
            timeout=60,
        )

    def _healthy(self, workers: int) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {self.tail()}")
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as reply:  # noqa: S310 - our own loopback server
                ok = reply.status == 200
        except OSError:
            return False
        return ok and len(self.workers()) == workers

    def workers(self) -> set[int]:
        return children(self.process.pid)

    def tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def errors(self) -> list[str]:
        """The log lines above warning level (the 503s are warnings)."""
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [line for line in lines if " ERROR " in line or "Traceback" in line]

    def close(self) -> None:
        _stop(self.process)


class RqWorker:
    """``rq worker --with-scheduler`` on the app's queue, as ``make worker`` runs it."""

    def __init__(self, env: Mapping[str, str], redis_url: str, log: Path) -> None:
        rq_cli = Path(sys.executable).with_name("rq")
        if not rq_cli.exists():
            pytest.skip("the rq command is not installed: this fault test is skipped")
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(rq_cli), "worker", "--url", redis_url, "--with-scheduler",
                 "--config", "wsgi", "--worker-class", "symbiosis.worker.AppWorker",
                 "symbiosis"],
                cwd=ROOT,
                env=dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def horse(self) -> int | None:
        """The work-horse: the child that leads its own process group."""
        for child in children(self.process.pid):
            if process_group(child) == child:
                return child
        return None

    def tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the worker and its scheduler (the OOM killer, a lost host)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def close(self) -> None:
        horse = self.horse()
        _stop(self.process)
        if horse is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(horse, signal.SIGKILL)
