"""`make serve`: the production-like stack on one machine.

nginx (Debian's nginx-light) listens on BIND (default 127.0.0.1:$PORT), buffers every request
and keeps what is the same for everyone; two gunicorn pools (gunicorn.conf.py) serve the guide
on Unix sockets in a run folder that only nginx talks to: WEB_CONCURRENCY workers answer
everything, and RENDER_WORKERS niced workers (default 2) make permalink pages and downloads
(docs/architecture.md, "Costly work"). All stop together: on Ctrl-C or SIGTERM, or when any
one exits. Each runs in its own session, so a Ctrl-C in the terminal reaches this script
alone, which stops nginx, then each gunicorn through its master.

    python deploy/serve.py        # what `make serve` runs after collectstatic and migrate
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from config.logs import Throttle  # noqa: E402  (the guide's folder, put on the path above)

TEMPLATE = ROOT / "deploy" / "nginx.conf"
MADE_TEMPLATE = ROOT / "deploy" / "made.conf"
MIB = 1024 * 1024


#: The longest line written: nginx quotes the request and Host header, which clients choose.
LONGEST_LINE = 400
NGINX_LINE = re.compile(
    r"^\S+ \S+ \[(?P<level>\w+)\] \d+#\d+: (?:\*\d+ )?(?P<message>.*?)(?P<client>, client: .*)?$"
)


class ClientLines:
    """nginx's error log on its way out: each line is one of its kind (its message, numbers
    and quoted names aside), and each kind writes at most ten lines a minute, then says how
    many it left out, as the guide's own log does (config.logs.Throttle). A client's mistakes
    (a limit reached, a body too large) and what a flood makes nginx say (connections running
    short, an upstream that failed) are then a few lines each, not one a request."""

    def __init__(self) -> None:
        self.throttle = Throttle()

    def admit(self, line: str, now: float) -> str | None:
        """``line`` as it is to be written (cut to LONGEST_LINE), or None to leave it out."""
        match = NGINX_LINE.match(line)
        if match is None:
            return line[:LONGEST_LINE]
        message = re.sub(r'"[^"]*"|\d+(?:\.\d+)?', "_", match["message"])[:LONGEST_LINE]
        return self.throttle.line(f"{match['level']} {message}", line[:LONGEST_LINE], now)


def relay(stream: IO[bytes], out: IO[str]) -> threading.Thread:
    """Copies nginx's error log from ``stream`` to ``out`` through :class:`ClientLines`."""
    lines = ClientLines()

    def copy() -> None:
        for raw in iter(stream.readline, b""):
            kept = lines.admit(raw.decode("utf-8", "replace").rstrip("\n"), time.monotonic())
            if kept is not None:
                print(kept, file=out, flush=True)

    thread = threading.Thread(target=copy, name="nginx-log", daemon=True)
    thread.start()
    return thread


def cache_sizes(folder: Path, wanted: int) -> tuple[int, int]:
    """nginx's max_size and min_free, in bytes, for a cache in ``folder``: min_free is a tenth
    of its filesystem (8 MiB to 1 GiB: room for the responses being written while the cache
    manager catches up), and max_size is ``wanted`` or what the filesystem has free beyond
    min_free, whichever is less. (0, min_free) when that leaves under 4 MiB: no cache."""
    stats = os.statvfs(folder)
    total, free = stats.f_blocks * stats.f_frsize, stats.f_bavail * stats.f_frsize
    min_free = min(max(total // 10, 8 * MIB), 1024 * MIB)
    size = min(wanted, free - min_free)
    return (size, min_free) if size >= 4 * MIB else (0, min_free)


def parse_size(text: str) -> int:
    """ "256m", "1g", "300000": bytes. SystemExit for anything else."""
    match = re.fullmatch(r"(\d+)([kmg]?)", text.strip().lower())
    if not match:
        sys.exit(f"serve: SERVE_CACHE_SIZE={text!r} must be a size such as 256m or 1g")
    return int(match[1]) * {"": 1, "k": 1024, "m": MIB, "g": 1024 * MIB}[match[2]]


def rules_version() -> str:
    """The version of the rules gunicorn will load: part of nginx's cache key, so new rules
    never meet pages made under the old."""
    from guide.engine import load_rulebook  # pure Python: no Django needed

    path = os.environ.get("GUIDE_QUESTIONS_FILE") or ROOT / "questions.yaml"
    return load_rulebook(path).version


def nginx_conf(
    run_dir: Path, listen: str, socket: Path, render_socket: Path, cache_dir: Path | None = None
) -> tuple[str, str]:
    """deploy/nginx.conf and deploy/made.conf with this run's folder, address, sockets,
    versions and cache filled in. SystemExit for an address or folder that would not be one
    word of nginx's configuration."""
    cache_dir = cache_dir or run_dir / "made"
    named = (("BIND", listen), ("SERVE_RUN_DIR", str(run_dir)), ("SERVE_CACHE_DIR", str(cache_dir)))
    for name, value in named:
        if not re.fullmatch(r"[\w.:/\[\]@+-]+", value):
            sys.exit(f"serve: {name}={value!r} must be an address or path without spaces or quotes")
    # As root, nginx's workers drop to an unprivileged user; the run folder is readable by it.
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    cache_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # nginx's workers, as nobody, write the cache
        os.chown(cache_dir, pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid)
    size, min_free = cache_sizes(cache_dir, parse_size(os.environ.get("SERVE_CACHE_SIZE", "256m")))
    if not size:
        print(f"serve: no room for a cache in {cache_dir}: every render is made afresh", flush=True)
    limits = {}
    for kind, rate, burst in (("RENDER", "10r/s", "40"), ("CLIENT", "30r/s", "90")):
        limits[f"{kind}_RATE"] = os.environ.get(f"SERVE_{kind}_RATE", rate)
        limits[f"{kind}_BURST"] = os.environ.get(f"SERVE_{kind}_BURST", burst)
        if not re.fullmatch(r"\d+r/[sm]", limits[f"{kind}_RATE"]):
            sys.exit(f"serve: SERVE_{kind}_RATE={limits[f'{kind}_RATE']!r} is not one (e.g. 10r/s)")
        if not limits[f"{kind}_BURST"].isdigit():
            sys.exit(f"serve: SERVE_{kind}_BURST={limits[f'{kind}_BURST']!r} is not a number")
    values = {
        **limits,
        "USER": user,
        "CACHE_DIR": str(cache_dir),
        "CACHE_SIZE": f"{max(size, MIB) // 1024}k",
        "CACHE_MIN_FREE": f"{min_free // 1024}k",
        "CACHE": "made" if size else "off",
        "RUN": str(run_dir),
        "DEPLOY": str(ROOT / "deploy"),
        "PUBLISHED": str(Path(os.environ.get("PUBLISHED_ROOT") or ROOT / "published").resolve()),
        "LISTEN": listen,
        "SOCKET": str(socket),
        "RENDER_SOCKET": str(render_socket),
        "RULES": rules_version(),
        "RELEASE": "".join(
            c for c in os.environ.get("RELEASE", "dev") if c.isalnum() or c in "-._"
        ),
    }
    texts = [TEMPLATE.read_text(), MADE_TEMPLATE.read_text()]
    for name, value in values.items():
        texts = [text.replace(f"@{name}@", value) for text in texts]
    return texts[0], texts[1]


class CacheGuard:
    """Turns nginx's cache off while its filesystem is full (nginx drops a response it cannot
    write to the cache, so a full disk would cost every new render its answer), and on again
    once there is room: checked every second, applied by reloading nginx (SIGHUP)."""

    def __init__(self, made_conf: Path, cache_dir: Path, min_free: int, on: bool) -> None:
        self.made_conf, self.cache_dir, self.min_free, self.on = made_conf, cache_dir, min_free, on
        self.usable = on  # False: no room at start, so never on
        self.checked = 0.0

    def check(self, nginx: subprocess.Popen[bytes]) -> None:
        if not self.usable or time.monotonic() - self.checked < 1:
            return
        self.checked = time.monotonic()
        stats = os.statvfs(self.cache_dir)
        free = stats.f_bavail * stats.f_frsize
        # Off below half of min_free (the cache manager could not keep up, or something else
        # filled the disk); on again once min_free is back.
        wanted = free >= self.min_free if not self.on else free >= self.min_free // 2
        if wanted == self.on:
            return
        self.on = wanted
        text = re.sub(
            r"^proxy_cache \w+;",
            f"proxy_cache {'made' if wanted else 'off'};",
            self.made_conf.read_text(),
            flags=re.M,
        )
        self.made_conf.write_text(text)
        nginx.send_signal(signal.SIGHUP)
        said = "has room again: renders are kept" if wanted else "is full: renders are made afresh"
        print(f"serve: the cache's filesystem ({free // MIB} MiB free) {said}", flush=True)


class Counter:
    """`manage.py count_decisions --every RULES_COUNT_SECONDS`, niced, beside the site
    (docs/architecture.md, "Costly work"): started again if it exits, and never a reason to
    stop the site."""

    def __init__(self, env: dict[str, str]) -> None:
        every = env.get("RULES_COUNT_SECONDS", "300")
        self.command = ["nice", "-n", "19", sys.executable, "manage.py", "count_decisions"]
        self.command += ["--every", every]
        self.env, self.every = env, float(every)
        self.process = self.start()
        self.started = time.monotonic()

    def start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True)

    def check(self) -> None:
        if self.process.poll() is None or time.monotonic() - self.started < self.every:
            return
        print(f"serve: count_decisions exited ({self.process.returncode}); again", flush=True)
        self.process, self.started = self.start(), time.monotonic()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def private(run_dir: Path) -> None:
    """Only this user and nginx's workers may enter the run folder, so only nginx reaches the
    socket: a local user who could reach gunicorn directly could say any X-Forwarded-For."""
    if os.geteuid() == 0:  # nginx's workers run as nobody:nogroup (nginx_conf)
        os.chown(run_dir, 0, grp.getgrnam("nogroup").gr_gid)
        run_dir.chmod(0o750)
    else:
        run_dir.chmod(0o700)


def wait_for(
    path: Path, process: subprocess.Popen[bytes], seconds: float, stopping: Callable[[], bool]
) -> None:
    """Until gunicorn opens its socket; SystemExit if it exits or takes too long (the caller
    stops what it started), nothing if the stack is being stopped."""
    deadline = time.monotonic() + seconds
    while not path.exists() and not stopping():
        if process.poll() is not None:
            sys.exit(f"serve: gunicorn exited ({process.returncode}) before it was ready")
        if time.monotonic() > deadline:
            sys.exit(f"serve: gunicorn did not open {path} in {seconds:.0f} s")
        time.sleep(0.05)


def gunicorn(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A gunicorn pool in its own session: only this script signals it (its master, which
    stops its workers), never a terminal's Ctrl-C to the whole group."""
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def main() -> int:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if nginx is None:
        sys.exit("serve: the stack needs nginx in front of gunicorn: apt-get install nginx-light")
    listen = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
    own_dir = not os.environ.get("SERVE_RUN_DIR")
    run_dir = Path(os.environ.get("SERVE_RUN_DIR") or tempfile.mkdtemp(prefix="guide-serve-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    private(run_dir)
    socket = run_dir / "gunicorn.sock"
    render_socket = run_dir / "renders.sock"
    for path in (socket, render_socket):
        path.unlink(missing_ok=True)
    # nginx is the trusted proxy (with a load balancer in front of it, TRUSTED_PROXIES=2): the
    # guide counts the address it passes on.
    env = {**os.environ, "BIND": f"unix:{socket}", "GUNICORN_BEHIND_NGINX": "1"}
    env.setdefault("TRUSTED_PROXIES", "1")
    processes: list[subprocess.Popen[bytes]] = []  # the pools, then nginx
    counter: Counter | None = None
    stopping = False

    def stop(*_: object) -> None:
        """nginx first (SIGQUIT: it finishes what it is sending), then each pool's master."""
        nonlocal stopping
        stopping = True
        for process in reversed(processes):
            if process.poll() is None:
                quit_nginx = process.args[0] == nginx
                process.send_signal(signal.SIGQUIT if quit_nginx else signal.SIGTERM)

    # From the first process on, a Ctrl-C or SIGTERM stops whatever was started, even while
    # the others are still starting.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        app = gunicorn(env | {"GUNICORN_WARM_PDF": "0"})  # it makes no PDF (nginx routes them)
        processes.append(app)
        renders = gunicorn(
            env
            | {
                "BIND": f"unix:{render_socket}",
                "WEB_CONCURRENCY": os.environ.get("RENDER_WORKERS", "2"),
                "GUNICORN_NICE": os.environ.get("RENDER_NICE", "10"),
                # Its threads only render: all but the one rendering may wait for the slot.
                "RENDER_QUEUE": os.environ.get("RENDER_QUEUE", "3"),
            }
        )
        processes.append(renders)
        # What each question and rule decides in stored results, for the rules pages: counted
        # beside the site, at the lowest priority; never on a visit.
        counter = Counter(env)
        wait_for(socket, app, 60, lambda: stopping)
        wait_for(render_socket, renders, 60, lambda: stopping)
        if stopping:
            return 0
        conf = run_dir / "nginx.conf"
        cache_dir = os.environ.get("SERVE_CACHE_DIR")
        main_conf, made_conf = nginx_conf(
            run_dir, listen, socket, render_socket, Path(cache_dir) if cache_dir else None
        )
        conf.write_text(main_conf)
        (run_dir / "made.conf").write_text(made_conf)
        guard = CacheGuard(
            run_dir / "made.conf",
            Path(cache_dir) if cache_dir else run_dir / "made",
            int(re.search(r"min_free=(\d+)k", main_conf)[1]) * 1024,  # type: ignore[index]
            "proxy_cache made;" in made_conf,
        )
        proxy = subprocess.Popen(
            [nginx, "-p", str(run_dir), "-c", str(conf), "-e", "stderr"],
            start_new_session=True,
            stderr=subprocess.PIPE,
        )
        assert proxy.stderr is not None
        relay(proxy.stderr, sys.stderr)
        processes.append(proxy)
        print(f"serve: http://{listen} (nginx) -> unix:{socket}, unix:{render_socket}", flush=True)
        while not stopping and all(process.poll() is None for process in processes):
            guard.check(proxy)
            counter.check()
            time.sleep(0.2)
    finally:
        stop()
        if counter is not None:
            counter.stop()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if own_dir:
            shutil.rmtree(run_dir, ignore_errors=True)
    return next((p.returncode for p in processes if p.returncode), 0)


if __name__ == "__main__":
    sys.exit(main())
