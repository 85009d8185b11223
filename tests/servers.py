"""Real gunicorn servers for the scale-out and fault tests, on loopback ports only.

Each server is a subprocess with its own environment (database, cache, limits), started with
the project's gunicorn.conf.py and stopped at the end of the test.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get(
    "SCALEOUT_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/3")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(service: str, ok: bool) -> None:
    """A missing service fails the run on CI and skips, loudly, elsewhere."""
    if ok:
        return
    message = f"{service} is not reachable: this test needs the local {service} service"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def postgres_database(name: str) -> str:
    """A fresh, empty PostgreSQL database for this test run; returns its URL."""
    import psycopg

    admin = POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://", 1)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        require("PostgreSQL", False)
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(name: str) -> None:
    import psycopg

    admin = POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production-like server on plain-HTTP loopback."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "SECRET_KEY": "scale-out-test-" + "s" * 50,
            "DEBUG": "",
            "SECURE_HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WEB_CONCURRENCY": "2",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "LOG_LEVEL": "WARNING",
            "ENV_FILE": "/nonexistent/.env",
        }
    )
    env.update(overrides)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@dataclass
class Server:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
    log_path: Path = field(default_factory=lambda: Path(tempfile.mkstemp(suffix=".log")[1]))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> tuple[list[str], dict[str, str]]:
        """What starts the server, and its environment."""
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]
        return gunicorn, {**self.env, "PORT": str(self.port)}

    def start(self, *, wait: bool = True) -> Server:
        command, env = self.command()
        with open(self.log_path, "w") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                # A process group of its own, as under systemd or a terminal: a test may signal
                # the whole group without reaching the test run.
                start_new_session=True,
            )
        if wait:
            try:
                self.wait_until_up()
            except BaseException:
                self.stop()  # nothing left running after a failed start
                raise
        return self

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server exited: " + self.output())
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or listening while its workers start
            time.sleep(0.2)
        raise RuntimeError("the server did not answer in 30 s: " + self.output())

    def stop(self) -> str:
        """Stop the server; returns what it logged."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.output()

    def output(self) -> str:
        return self.log_path.read_text()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]


@dataclass
class Stack(Server):
    """What `make serve` starts: nginx on a loopback port in front of gunicorn on a Unix socket
    (deploy/serve.py)."""

    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="guide-stack-")))

    def command(self) -> tuple[list[str], dict[str, str]]:
        nginx = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin")
        require("nginx", nginx is not None)
        env = {**self.env, "PORT": str(self.port), "SERVE_RUN_DIR": str(self.run_dir)}
        return [sys.executable, "deploy/serve.py"], env


class Browser(requests.Session):
    """A client that behaves like a browser: it keeps cookies and sends the form's CSRF token."""

    def submit(
        self, base: str, answers: dict[str, str], *, token_from: str | None = None
    ) -> requests.Response:
        page = self.get((token_from or base) + "/all/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.post(
            base + "/",
            data={"csrfmiddlewaretoken": token, **answers},
            allow_redirects=False,
            timeout=30,
        )


@contextlib.contextmanager
def stack_running(env: dict[str, str]) -> Iterator[Stack]:
    """What `make serve` starts, on a migrated database, for the length of a block."""
    migrate(env)
    server = Stack(env).start()
    try:
        yield server
    finally:
        server.stop()


class Relay:
    """A TCP relay on loopback to a real server, that can stop forwarding without closing
    anything: what a hung database (or a network that drops everything) looks like."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.frozen = threading.Event()
        self.cutting = threading.Event()
        self.stopped = threading.Event()
        self.sockets: list[socket.socket] = [self.listener]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def freeze(self) -> None:
        """From now on nothing is forwarded, and new connections are accepted and held."""
        self.frozen.set()

    def cut(self) -> None:
        """From now on every connection is closed, and new ones are closed once accepted:
        what a database that went away looks like."""
        self.cutting.set()

    def restore(self) -> None:
        """New connections are forwarded again: the database is back."""
        self.cutting.clear()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ, None)
        while not self.stopped.is_set():
            if self.frozen.is_set() or self.cutting.is_set():
                for key in list(selector.get_map().values()):
                    if key.data is not None:
                        selector.unregister(key.fileobj)
                        if self.cutting.is_set():
                            key.fileobj.close()
            for key, _ in selector.select(timeout=0.1):
                if key.data is None:
                    client, _ = self.listener.accept()
                    if self.cutting.is_set():
                        client.close()  # gone
                        continue
                    self.sockets.append(client)
                    if self.frozen.is_set():
                        continue  # accepted, never answered
                    upstream = socket.create_connection(self.target, timeout=3)
                    self.sockets.append(upstream)
                    selector.register(client, selectors.EVENT_READ, upstream)
                    selector.register(upstream, selectors.EVENT_READ, client)
                    continue
                source, sink = key.fileobj, key.data
                try:
                    data = source.recv(65536)
                    if data:
                        sink.sendall(data)
                        continue
                except OSError:
                    pass
                for sock in (source, sink):
                    with contextlib.suppress(KeyError, ValueError):
                        selector.unregister(sock)
                    sock.close()
        selector.close()
