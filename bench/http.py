"""Requests per second through gunicorn, each page as a ratio to /healthz in the same run.

A throwaway SQLite database and one gunicorn (gunicorn.conf.py, 2 workers) on a free loopback
port, then `make serve`'s stack (nginx in front of both pools) for what nginx keeps. The load
comes from wrk when it is installed (Debian package `wrk`), otherwise from a small threaded
Python client, which is slower but gives comparable ratios.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Many short rounds rather than a few long ones: this machine has slow spells lasting seconds,
# and a ratio is only as good as the two measures in it having met the same machine. With
# three rounds of 3 s, one spell could take two of them (live panel 0.88, 0.30, 0.30 in one
# run; 1.00 in the next); seven of 1 s each, page right after baseline, let the median ride
# over it.
DURATION = 1  # seconds per URL and round
ROUNDS = 7
#: The table's header over each line's ratios.
RATIOS = f"ratios of {ROUNDS} rounds"
RATIOS_WIDTH = 6 * ROUNDS  # room for ratios of two digits ("25.45 ")
CONNECTIONS = 8

#: (name, path, extra headers, target ratio to /healthz)
PAGES = [
    ("questionnaire", "/", {}, 0.5),
    ("interview step", "/?auth=full&admin=yes&database=relational", {"HX-Request": "true"}, 0.5),
    ("live panel", "/all/?auth=full&admin=yes&database=relational", {"HX-Request": "true"}, 0.4),
    ("permalink", "{permalink}", {}, 0.8),
    ("pdf, cached", "{permalink}pdf", {}, 0.6),
    ("starter, cached", "{permalink}starter.zip", {}, 0.6),
    # A team room's organizer page polls its changing part: 304 while nothing changed.
    ("room poll, 304", "/t/{room}/live", {"If-None-Match": "{etag}"}, 0.8),
    ("room json, 304", "/api/teams/{room}", {"If-None-Match": "{api_etag}"}, 0.8),
]
#: Through `make serve`'s stack: what nginx keeps, as a ratio to /healthz (which gunicorn
#: answers behind the same nginx), in the same round.
KEPT = [
    ("permalink", "{permalink}"),
    ("pdf", "{permalink}pdf"),
    ("starter", "{permalink}starter.zip"),
]
KEPT_TARGET = 3.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def stack(env: dict[str, str], port: int, workers: int = 2):
    """What `make serve` starts (nginx in front of gunicorn, deploy/serve.py) on a loopback
    port, for the length of a block. Its log goes to a file (a pipe nobody reads would fill
    and stall the workers' logging under load)."""
    with tempfile.TemporaryDirectory() as run_dir, tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "deploy/serve.py"],
            cwd=ROOT,
            env={
                **env,
                "PORT": str(port),
                "WEB_CONCURRENCY": str(workers),
                "SERVE_RUN_DIR": run_dir,
                "GUNICORN_CMD_ARGS": "--log-level warning --access-logfile /dev/null",
                # One address makes every request here: nginx's per-address limit would
                # answer most with 429, and this measures how fast nginx serves what it keeps.
                "SERVE_RENDER_RATE": "1000000r/s",
                # nginx counts in milliseconds it reads once per event loop turn: at tens of
                # thousands a second, more than a small burst arrives within one of them.
                "SERVE_RENDER_BURST": "1000000",
                "SERVE_CLIENT_RATE": "1000000r/s",
                "SERVE_CLIENT_BURST": "1000000",
            },
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            wait_for(port, proc, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def wait_for(port: int, proc: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    log.seek(0)
    raise RuntimeError("the server did not start: " + log.read().decode()[-3000:])


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int = 2):
    """The project's gunicorn (gunicorn.conf.py) on a loopback port, for the length of a block."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "config.wsgi",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start: " + proc.stderr.read1().decode())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def server_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "",
        "SECRET_KEY": "bench-" + "b" * 50,
        "SECURE_HTTPS": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # One client makes every request here: without this, most would be answered 429.
        "RATELIMIT_PERMALINKS": "1000000/m",
        "RATELIMIT_PDF": "1000000/m",
        "RATELIMIT_STARTER": "1000000/m",
        "RATELIMIT_PAGES": "1000000/m",
        "RATELIMIT_TEAMS": "1000000/m",
        "RATELIMIT_TEAM_ANSWERS": "1000000/m",
    }


def make_permalink(base: str, answers: str = "auth=full&admin=yes&forms=many") -> str:
    """Create a permalink through the site itself, as a browser would (CSRF cookie first)."""
    with urllib.request.urlopen(base + "/all/") as response:
        page = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&{answers}".encode()
    host, port = base.removeprefix("http://").split(":")
    conn = HTTPConnection(host, int(port))
    conn.request(
        "POST",
        "/",
        body,
        {
            "Cookie": cookie,
            "Referer": base + "/all/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = conn.getresponse()
    assert response.status == 303, response.status
    return response.getheader("Location")


def make_room(base: str) -> dict[str, str]:
    """A team room with three members who disagree, through the API; its slug and the ETags
    of its polled page part and of its JSON."""

    def call(path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            base + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer

    slug = call("/api/teams", {"title": "Backend for the booking app"})["slug"]
    for name, auth, admin in (("Ana", "full", "yes"), ("Bo", "none", "no"), ("Cy", "full", "no")):
        call(
            f"/api/teams/{slug}/members", {"name": name, "answers": {"auth": auth, "admin": admin}}
        )
    with urllib.request.urlopen(f"{base}/t/{slug}/live") as page:
        etag = page.headers["ETag"]
    with urllib.request.urlopen(f"{base}/api/teams/{slug}") as data:
        api_etag = data.headers["ETag"]
    return {"room": slug, "etag": etag, "api_etag": api_etag}


def wrk_errors(out: str) -> int:
    """Every failed request in wrk's report: non-2xx/3xx answers and socket errors."""
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)


def rps_wrk(url: str, headers: dict[str, str]) -> tuple[float, int]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    # A second of warm-up first, not counted: the first seconds on a URL ran well below the
    # rest, from one run to the next, whatever the URL.
    subprocess.run([*args, "-d1s", url], capture_output=True, check=True)
    out = subprocess.run(
        [*args, f"-d{DURATION}s", url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, wrk_errors(out)


def rps_python(url: str, headers: dict[str, str]) -> tuple[float, int]:
    host, rest = url.removeprefix("http://").split("/", 1)
    hostname, port = host.split(":")
    stop = time.monotonic() + DURATION
    counts, errors = [0] * CONNECTIONS, [0] * CONNECTIONS

    def worker(i: int) -> None:
        while time.monotonic() < stop:
            conn = HTTPConnection(hostname, int(port), timeout=5)
            try:
                conn.request("GET", "/" + rest, headers=headers)
                response = conn.getresponse()
                response.read()
                failed = response.status >= 400
            except OSError:
                failed = True
            finally:
                conn.close()
            counts[i] += 1
            errors[i] += failed

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start), sum(errors)


def compared(
    load,
    base: str,
    url: str,
    headers,
    name: str,
    target: float,
    said: str,
    *,
    baseline_url: str = "",
    baseline_headers=None,
    width: int = 16,
) -> str:
    """A line of the table: ``url``'s requests per second right after the baseline's
    (/healthz, or ``baseline_url``), ROUNDS rounds, and the median of their ratios (this
    machine's speed drifts by half within a minute, and a ratio taken across that drift says
    nothing)."""
    against = baseline_url or base + "/healthz"
    ratios, served, errors = [], [], 0
    for _ in range(ROUNDS):
        baseline, failed = load(against, baseline_headers or {})
        rps, page_errors = load(url, headers)
        ratios.append(rps / baseline)
        served.append(rps)
        errors += failed + page_errors
    ratio = statistics.median(ratios)
    verdict = "ERRORS" if errors else "ok" if ratio >= target else "BELOW TARGET"
    shown = " ".join(f"{r:.2f}" for r in ratios)
    return (
        f"{name:<{width}} {statistics.median(served):9.0f}  {shown:<{RATIOS_WIDTH}} "
        f"{ratio:5.2f} ({said}) {verdict}"
    )


def run() -> None:
    load = rps_wrk if shutil.which("wrk") else rps_python
    tool = "wrk" if load is rps_wrk else "python client (install wrk for higher load)"
    print(
        f"== http (gunicorn.conf.py's gunicorn, 2 workers, SQLite; {CONNECTIONS} connections, "
        f"{DURATION} s per URL, load from {tool})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        env = server_env(database)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        with gunicorn(env, free_port()) as base:
            permalink = make_permalink(base)
            for _ in range(4):  # the PDF and the zip are made once, then served from the cache
                urllib.request.urlopen(f"{base}{permalink}pdf").read()
                urllib.request.urlopen(f"{base}{permalink}starter.zip").read()
            room = make_room(base)
            print(f"{'page':<16} {'req/s':>9}  {RATIOS:<{RATIOS_WIDTH}} median")
            for name, path, headers, target in PAGES:
                url = base + path.format(permalink=permalink, **room)
                sent = {k: v.format(**room) for k, v in headers.items()}
                print(compared(load, base, url, sent, name, target, f"target >= {target}"))
        print(f"-- through make serve's stack (nginx keeps what is the same for everyone; {tool})")
        with stack(env, free_port()) as base:
            permalink = make_permalink(base)
            for path in KEPT:  # made once by the render pool, kept by nginx
                urllib.request.urlopen(base + path[1].format(permalink=permalink)).read()
            print(f"{'kept by nginx':<16} {'req/s':>9}  {RATIOS:<{RATIOS_WIDTH}} median")
            for name, path in KEPT:
                url = base + path.format(permalink=permalink)
                target = f"target >= {KEPT_TARGET:g} x gunicorn's /healthz"
                print(compared(load, base, url, {}, name, KEPT_TARGET, target))
