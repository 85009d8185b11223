"""The render flood (`make load-attack`): what `make serve` starts (nginx in front of both
gunicorn pools, SQLite and the per-process cache: the defaults) while many addresses, each
within its own limits, ask for renders nobody asked for before, and one visitor goes on
using the site.

1. 300 permalinks are made from 60 loopback addresses (5 each, under the 20 a minute).
2. 16 threads ask, for 20 s, for each permalink's page, preview image, PDFs, starters and
   decision record, in random order, each request from the next of ~1,000 loopback addresses
   (so each stays within its limits); what was refused is asked for again on the next round,
   what was served is not.
3. Meanwhile one visitor, in another process, asks for /healthz and the questionnaire in
   turn, as it did for 5 s before the flood: its 95th percentiles are the figures.

Targets: /healthz p95 <= 100 ms and questionnaire p95 <= 250 ms under the flood, and no 500
for anyone.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from .http import ROOT, free_port, server_env, stack

PERMALINKS = 300
MAKERS = 60  # addresses that make the permalinks
FLOOD_THREADS = 16
FLOOD_SECONDS = float(os.environ.get("ATTACK_SECONDS", "20"))
QUIET_SECONDS = 5.0
#: What one permalink offers to be made: each is a render nobody asked for yet.
RENDERS = (
    "",
    "card.png",
    "pdf",
    "pdf?paper=letter",
    "starter.zip",
    "starter.zip?framework=flask",
    "starter.zip?framework=django",
    "decision.md",
)
TARGETS = {"/healthz": 0.100, "/": 0.250}


def addresses(first: int, count: int) -> list[str]:
    """``count`` loopback addresses from 127.0.<first>.1 on (Linux answers all of 127/8)."""
    return [f"127.0.{first + i // 250}.{1 + i % 250}" for i in range(count)]


def request(
    port: int, path: str, *, source: str = "127.0.0.1", method: str = "GET", **kwargs
) -> tuple[int, dict[str, str], bytes]:
    conn = HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, **kwargs)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def make_permalinks(port: int) -> list[str]:
    """PERMALINKS links with varied answers, made through the form as browsers would."""
    from guide.services.rulebook import get_rulebook

    questions = get_rulebook().questions
    rng = random.Random(23)
    links: list[str] = []
    for source in itertools.cycle(addresses(200, MAKERS)):
        if len(links) == PERMALINKS:
            return links
        status, headers, page = request(port, "/all/", source=source)
        cookie = headers["Set-Cookie"].split(";")[0]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        answers = {
            q.id: rng.choice(q.choices).id for q in rng.sample(questions, rng.randint(4, 12))
        }
        body = urlencode({"csrfmiddlewaretoken": token.decode(), **answers})
        status, headers, _ = request(
            port,
            "/",
            source=source,
            method="POST",
            body=body,
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 303:
            raise RuntimeError(f"making a permalink answered {status}")
        if headers["Location"] not in links:
            links.append(headers["Location"])
    raise AssertionError("unreachable")


def flood(port: int, links: list[str], seconds: float, results: multiprocessing.Queue) -> None:
    """FLOOD_THREADS threads asking for renders nobody asked for before; puts a Counter of
    the statuses on ``results``."""
    asks = [link + render for link in links for render in RENDERS]
    random.Random(2027).shuffle(asks)
    served: set[str] = set()
    pending = (path for path in itertools.cycle(asks) if path not in served)
    sources = itertools.cycle(addresses(8, 1000))
    lock = threading.Lock()
    statuses: Counter[str] = Counter()
    stop = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < stop:
            with lock:
                if len(served) == len(asks):  # everything served
                    return
                path, source = next(pending), next(sources)
            try:
                status = str(request(port, path, source=source)[0])
            except OSError as exc:
                status = type(exc).__name__
            with lock:
                statuses[status] += 1
                if status == "200":
                    served.add(path)

    threads = [threading.Thread(target=worker) for _ in range(FLOOD_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(statuses)


def visit(port: int, seconds: float) -> dict[str, list[float]]:
    """One visitor asking for /healthz and the questionnaire in turn: seconds per answer.
    A status other than 200 is recorded as failed."""
    timings: dict[str, list[float]] = {path: [] for path in TARGETS}
    failed: Counter[str] = Counter()
    stop = time.monotonic() + seconds
    for path in itertools.cycle(TARGETS):
        if time.monotonic() >= stop:
            break
        started = time.perf_counter()
        status = request(port, path)[0]
        timings[path].append(time.perf_counter() - started)
        if status != 200:
            failed[f"{path} {status}"] += 1
        time.sleep(0.02)
    if failed:
        raise RuntimeError(f"the visitor was refused: {dict(failed)}")
    return timings


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def run() -> None:
    print(
        f"== load-attack (make serve's stack: nginx, 2 web and 2 render workers, SQLite; "
        f"{FLOOD_THREADS} threads of uncached renders for {FLOOD_SECONDS:.0f} s from ~1,000 "
        "addresses)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(Path(tmp) / "attack.sqlite3")
        for group in ("PERMALINKS", "PDF", "STARTER", "PAGES"):  # the defaults, not the bench's
            env.pop(f"RATELIMIT_{group}")
        env["RELEASE"] = "attack"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        port = free_port()
        with stack(env, port):
            links = make_permalinks(port)
            print(f"{len(links)} permalinks made from {MAKERS} addresses")
            quiet = visit(port, QUIET_SECONDS)
            results: multiprocessing.Queue = multiprocessing.Queue()
            attacker = multiprocessing.get_context("fork").Process(
                target=flood, args=(port, links, FLOOD_SECONDS, results)
            )
            attacker.start()
            time.sleep(1)  # the flood under way
            loud = visit(port, FLOOD_SECONDS - 2)
            statuses = results.get(timeout=FLOOD_SECONDS + 60)
            attacker.join()
            after = request(port, "/healthz")[0]
    served = statuses.get("200", 0)
    print(
        "flood: "
        + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        + f" ({served} renders made and served in {FLOOD_SECONDS:.0f} s)"
    )
    print(f"{'visitor':<16} {'quiet p95':>10} {'flood p95':>10} {'flood max':>10}  target")
    ok = statuses.get("500", 0) == 0 and after == 200
    for path, target in TARGETS.items():
        name = "healthz" if path == "/healthz" else "questionnaire"
        within = p95(loud[path]) <= target
        ok &= within
        print(
            f"{name:<16} {p95(quiet[path]) * 1000:8.0f} ms {p95(loud[path]) * 1000:8.0f} ms "
            f"{max(loud[path]) * 1000:8.0f} ms  <= {target * 1000:.0f} ms "
            f"{'ok' if within else 'ABOVE TARGET'}"
        )
    print(f"500s: {statuses.get('500', 0)}; {'ok' if ok else 'FAILED'}")
    if not ok:
        sys.exit(1)
