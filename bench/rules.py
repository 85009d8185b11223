"""The rules pages under a stampede: `make serve`'s stack over 20,000 stored results, every
question's and rule's page asked for at once (one request each, none kept yet) while
`manage.py count_decisions` counts all of them, and a bystander asks for /healthz every 20 ms.

Targets: each page answered within 1 s; the bystander's p95 <= 100 ms.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .http import ROOT, free_port, make_permalink, server_env, stack

STORED = 20_000
PAGE_TARGET = 1.0
HEALTHZ_TARGET = 0.100


def timed(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def store_many(database: Path | str, count: int) -> None:
    """``count`` more permalinks, copies of the one stored, each with answers of its own."""
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT answers, start, ruleset_version, recommendation, confidence, snapshot, created"
            " FROM guide_permalink"
        ).fetchone()
        db.executemany(
            "INSERT INTO guide_permalink (slug, answers, start, answers_key, ruleset_version,"
            " recommendation, confidence, snapshot, created) VALUES (?,?,?,?,?,?,?,?,?)",
            ((f"{n:016d}", row[0], row[1], f"{n:064d}", *row[2:]) for n in range(count)),
        )


def run() -> None:
    from guide.services.rulebook import get_rulebook

    rulebook = get_rulebook()
    pages = [f"/rules/q/{q.id}/" for q in rulebook.questions]
    pages += [f"/rules/r/{r.id}/" for r in rulebook.rules]
    print(
        f"== rules pages (make serve's stack, SQLite, {STORED:,} stored results: all "
        f"{len(pages)} pages at once while they are counted; a bystander's /healthz)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "rules.sqlite3"
        env = server_env(database) | {"RULES_COUNT_SECONDS": "3600"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        with stack(env, free_port()) as base:
            make_permalink(base)
            store_many(database, STORED)
            counting = subprocess.Popen(
                ["nice", "-n", "19", sys.executable, "manage.py", "count_decisions"]
                + ["--settle", "0"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            answers: list[tuple[int, float]] = []
            healthz: list[float] = []
            done = threading.Event()

            def bystander() -> None:
                while (not done.is_set() or len(healthz) < 40) and len(healthz) < 500:
                    healthz.append(timed(base + "/healthz")[1])
                    time.sleep(0.02)

            watcher = threading.Thread(target=bystander)
            watcher.start()
            time.sleep(0.2)
            started = time.perf_counter()
            stampede = [
                threading.Thread(target=lambda p=p: answers.append(timed(base + p))) for p in pages
            ]
            for thread in stampede:
                thread.start()
            for thread in stampede:
                thread.join()
            lasted = time.perf_counter() - started
            done.set()
            watcher.join()
            counting.wait(timeout=300)
    slowest = max(seconds for _, seconds in answers)
    p95 = statistics.quantiles(healthz, n=20)[-1]
    refused = sum(1 for status, _ in answers if status != 200)
    print(f"stampede: {len(pages)} pages in {lasted * 1000:.0f} ms, {refused} not 200")
    print(
        f"slowest page {slowest * 1000:8.0f} ms  <= {PAGE_TARGET * 1000:.0f} ms "
        f"{'ok' if slowest <= PAGE_TARGET else 'ABOVE TARGET'}"
    )
    print(
        f"healthz p95   {p95 * 1000:8.0f} ms  <= {HEALTHZ_TARGET * 1000:.0f} ms "
        f"{'ok' if p95 <= HEALTHZ_TARGET else 'ABOVE TARGET'} ({len(healthz)} samples, "
        f"max {max(healthz) * 1000:.0f} ms)"
    )
