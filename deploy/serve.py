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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"


def rules_version() -> str:
    """The version of the rules gunicorn will load: part of nginx's cache key, so new rules
    never meet pages made under the old."""
    from guide.engine import load_rulebook  # pure Python: no Django needed

    path = os.environ.get("GUIDE_QUESTIONS_FILE") or ROOT / "questions.yaml"
    return load_rulebook(path).version


def nginx_conf(run_dir: Path, listen: str, socket: Path, render_socket: Path) -> str:
    """deploy/nginx.conf with this run's folder, address, sockets and versions filled in.
    SystemExit for an address or folder that would not be one word of nginx's configuration."""
    for name, value in (("BIND", listen), ("SERVE_RUN_DIR", str(run_dir))):
        if not re.fullmatch(r"[\w.:/\[\]@+-]+", value):
            sys.exit(f"serve: {name}={value!r} must be an address or path without spaces or quotes")
    # As root, nginx's workers drop to an unprivileged user; the run folder is readable by it.
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    text = TEMPLATE.read_text()
    values = {
        "USER": user,
        "RUN": str(run_dir),
        "LISTEN": listen,
        "SOCKET": str(socket),
        "RENDER_SOCKET": str(render_socket),
        "RULES": rules_version(),
        "RELEASE": "".join(
            c for c in os.environ.get("RELEASE", "dev") if c.isalnum() or c in "-._"
        ),
    }
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


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
    env = {**os.environ, "BIND": f"unix:{socket}"}
    env.setdefault("TRUSTED_PROXIES", "1")
    processes: list[subprocess.Popen[bytes]] = []  # the pools, then nginx
    stopping = False

    def stop(*_: object) -> None:
        """nginx first (SIGQUIT: it finishes what it is sending), then each pool's master."""
        nonlocal stopping
        stopping = True
        for process in reversed(processes):
            if process.poll() is None:
                quit_nginx = len(processes) == 3 and process is processes[2]
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
        wait_for(socket, app, 60, lambda: stopping)
        wait_for(render_socket, renders, 60, lambda: stopping)
        if stopping:
            return 0
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_conf(run_dir, listen, socket, render_socket))
        proxy = subprocess.Popen(
            [nginx, "-p", str(run_dir), "-c", str(conf), "-e", "stderr"], start_new_session=True
        )
        processes.append(proxy)
        print(f"serve: http://{listen} (nginx) -> unix:{socket}, unix:{render_socket}", flush=True)
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.2)
    finally:
        stop()
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
