"""The production stack on loopback, owned by the drills: a PostgreSQL cluster of its own
(initdb into a temporary folder), a redis-server of its own, gunicorn with three workers on
the production settings, one Celery worker and beat. Every port is a free one on
127.0.0.1, so that restarting any of them disturbs nothing else on the machine (the
system PostgreSQL on 5432 and Redis on 6379 are never touched).

Every process is started in a session of its own and stopped by its own id, with its
whole process group; the temporary folder is removed whatever happened.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
LOOPBACK = "127.0.0.1"


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:  # noqa: BLE001 - a probe that fails is "not yet"
            pass
        time.sleep(step)
    return False


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        path = shutil.which(name)
        if path:
            return path
        raise StackError(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    return found[-1]


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (VmRSS) or its peak so far (VmHWM), in kB; 0 if gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except FileNotFoundError:
        return []


class Stack:
    def __init__(self, log=print):
        self.log = log
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-drills-"))
        os.chmod(self.tmp, 0o711)  # the postgres user must reach its data folder inside
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.procs: dict[str, subprocess.Popen] = {}
        self.pg_data = self.tmp / "pg"
        self.pg_user = None
        if os.geteuid() == 0:  # initdb refuses root: the cluster runs as the postgres user
            try:
                self.pg_user = pwd.getpwnam("postgres")
            except KeyError:
                raise StackError("running as root needs a 'postgres' system user for initdb") from None
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))},
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": LOOPBACK,
            "DATABASE_URL": f"postgres://postgres@{LOOPBACK}:{self.pg_port}/portal",
            "CELERY_BROKER_URL": f"redis://{LOOPBACK}:{self.redis_port}/0",
            "MEDIA_ROOT": str(self.tmp / "media"),
            # README "Deploying": the HTTPS switches off for plain HTTP on loopback.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            # A queued run not begun after this long is sent again by the sweeper (beat), so
            # that the Redis drill need not wait the production three minutes.
            "REPORTS_RESEND_AFTER": "5",
        }
        self.base_url = f"http://{LOOPBACK}:{self.web_port}"

    # -- processes ------------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str], env: dict | None = None, user=None) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        if user is not None:
            argv = ["runuser", "-u", user.pw_name, "--", *argv]
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.procs[name] = proc
        return proc

    def _stop(self, name: str, sig=signal.SIGTERM, timeout: float = 10) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)  # the group this process leads (started in its own session)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(5)

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return done.stdout

    def probe(self, *args: str, timeout: float = 300):
        """Ask the database a question through Django (scripts/drills/probe.py), as JSON."""
        done = subprocess.run(
            [PY, str(Path(__file__).with_name("probe.py")), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise StackError(f"probe {' '.join(args)} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    # -- PostgreSQL -----------------------------------------------------------------------

    def _as_pg(self, argv: list[str], **kw):
        if self.pg_user is not None:
            argv = ["runuser", "-u", self.pg_user.pw_name, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, **kw)

    def pg_init(self) -> None:
        self.pg_data.mkdir()
        (self.tmp / "pgsock").mkdir()
        if self.pg_user is not None:
            os.chown(self.pg_data, self.pg_user.pw_uid, self.pg_user.pw_gid)
            os.chown(self.tmp / "pgsock", self.pg_user.pw_uid, self.pg_user.pw_gid)
        done = self._as_pg(
            [pg_bin("initdb"), "-D", str(self.pg_data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
            timeout=120,
        )
        if done.returncode:
            raise StackError(f"initdb failed: {done.stderr[-2000:]}")
        with open(self.pg_data / "postgresql.conf", "a") as f:
            f.write(
                f"\nlisten_addresses = '{LOOPBACK}'\nport = {self.pg_port}\n"
                f"unix_socket_directories = '{self.tmp / 'pgsock'}'\nfsync = off\nmax_connections = 60\n"
            )
        self.pg_start()
        done = subprocess.run(
            [pg_bin("createdb"), "-h", LOOPBACK, "-p", str(self.pg_port), "-U", "postgres", "portal"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode:
            raise StackError(f"createdb failed: {done.stderr}")

    def pg_ready(self) -> bool:
        done = subprocess.run(
            [pg_bin("pg_isready"), "-q", "-h", LOOPBACK, "-p", str(self.pg_port)], capture_output=True, timeout=10
        )
        return done.returncode == 0

    def pg_start(self) -> None:
        done = self._as_pg(
            [
                pg_bin("pg_ctl"),
                "-D",
                str(self.pg_data),
                "-l",
                str(self.tmp / "pgsock" / "pg.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            timeout=90,
        )
        if done.returncode or not wait_for(self.pg_ready, 30):
            raise StackError(f"PostgreSQL did not start: {done.stdout}{done.stderr}")

    def pg_stop(self, mode: str = "fast") -> None:
        if (self.pg_data / "postmaster.pid").exists():
            self._as_pg([pg_bin("pg_ctl"), "-D", str(self.pg_data), "-m", mode, "-w", "-t", "60", "stop"], timeout=90)

    # -- Redis ----------------------------------------------------------------------------

    def redis_start(self) -> None:
        # No persistence, as a default Redis restarted by its service manager may have:
        # whatever was queued is gone after a restart.
        self._spawn(
            "redis",
            [
                "redis-server",
                "--bind",
                LOOPBACK,
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
        )
        if not wait_for(self.redis_ping, 20):
            raise StackError("redis-server did not start")

    def redis_ping(self) -> bool:
        with socket.create_connection((LOOPBACK, self.redis_port), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")

    def redis_stop(self) -> None:
        self._stop("redis", signal.SIGKILL)

    # -- the portal -----------------------------------------------------------------------

    def web_start(self) -> None:
        self._spawn(
            "web",
            [
                PY,
                "-m",
                "gunicorn",
                "portal.wsgi",
                "--workers",
                "3",
                "--bind",
                f"{LOOPBACK}:{self.web_port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                "-",
            ],
        )
        if not wait_for(lambda: len(self.web_workers()) == 3 and self._http_ok("/accounts/login/"), 60, 0.5):
            raise StackError(f"gunicorn did not start; see {self.tmp / 'web.log'}")

    def _http_ok(self, path: str) -> bool:
        import requests

        return requests.get(self.base_url + path, timeout=5).status_code == 200

    def web_workers(self) -> list[int]:
        proc = self.procs.get("web")
        return children(proc.pid) if proc and proc.poll() is None else []

    def worker_start(self, **env_extra: str) -> None:
        env = {**self.env, **env_extra}
        self._spawn(
            "worker",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--hostname",
                f"drills@{socket.gethostname()}",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
        )
        if not wait_for(lambda: self.worker_children(), 60, 0.5):
            raise StackError(f"the Celery worker did not start; see {self.tmp / 'worker.log'}")
        # The pool child is up; the consumer connects to the broker a moment later.
        if not wait_for(lambda: b"ready." in (self.tmp / "worker.log").read_bytes(), 60, 0.3):
            raise StackError(f"the Celery worker did not get ready; see {self.tmp / 'worker.log'}")

    def worker_children(self) -> list[int]:
        proc = self.procs.get("worker")
        return children(proc.pid) if proc and proc.poll() is None else []

    def worker_stop(self) -> None:
        self._stop("worker", signal.SIGTERM, timeout=20)

    def beat_start(self, name: str = "beat") -> None:
        self._spawn(
            name,
            [
                PY,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile=",
            ],
        )

    def beat_stop(self, name: str = "beat") -> None:
        self._stop(name)

    # -- whole ----------------------------------------------------------------------------

    def up(self, timings: dict, demo: list[tuple[str, str | None]] | None = None) -> None:
        """Start everything; ``demo``: (policy code, until date or None) to seed, else all."""
        t = time.monotonic()
        self.pg_init()
        self.redis_start()
        timings["services"] = time.monotonic() - t
        t = time.monotonic()
        self.manage("migrate", "--noinput")
        self.manage("load_policies")
        if demo is None:
            self.manage("seed_demo")
        for code, until in demo or []:
            self.manage("seed_demo", "--policy", code, *(["--until", until] if until else []))
        timings["migrate+load_policies+seed_demo"] = time.monotonic() - t
        t = time.monotonic()
        self.web_start()
        self.worker_start(REPORTS_BUILD_PAUSE="2")
        self.beat_start()
        timings["gunicorn+worker+beat"] = time.monotonic() - t

    def down(self) -> None:
        for name in list(self.procs):
            if name != "redis":
                self._stop(name)
        self._stop("redis", signal.SIGKILL)
        try:
            self.pg_stop("immediate")
        except Exception:  # noqa: BLE001 - removing the folder below is what matters
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)
