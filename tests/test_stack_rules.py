"""The rules pages under a stampede, in `make serve`'s stack: what each question and rule
decides is counted off the request path (manage.py count_decisions), so a visit costs one
small query however many results are stored.

Every loop here is bounded in count and time, and talks to loopback only.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time

import pytest
import requests

from bench.rules import store_many
from guide.services.rulebook import get_rulebook

from .servers import ROOT, Browser, Stack, migrate
from .test_stack import stack_env, timed_get

pytestmark = pytest.mark.services

STORED = 20_000


def test_a_stampede_of_every_rules_page_over_20000_results_leaves_the_site_answering(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = stack_env(tmp_path, RULES_COUNT_SECONDS="3600")
    migrate(env)
    server = Stack(env).start()
    try:
        Browser().submit(server.url, {"admin": "yes", "auth": "full"})
        store_many(str(database), STORED)
        counting = subprocess.Popen(  # a count of all of them runs meanwhile
            ["nice", "-n", "19", sys.executable, "manage.py", "count_decisions", "--settle", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        rulebook = get_rulebook()
        pages = [f"/rules/q/{q.id}/" for q in rulebook.questions]
        pages += [f"/rules/r/{r.id}/" for r in rulebook.rules]
        answers: list[tuple[int, float]] = []
        stop = threading.Event()

        def ask(path: str) -> None:
            answers.append(timed_get(server.url + path))

        def bystander(timings: list[float]) -> None:
            """/healthz every 20 ms: all through the stampede, and 40 times at least."""
            while (not stop.is_set() or len(timings) < 40) and len(timings) < 500:
                timings.append(timed_get(server.url + "/healthz")[1])
                time.sleep(0.02)

        healthz: list[float] = []
        watcher = threading.Thread(target=bystander, args=(healthz,))
        watcher.start()
        time.sleep(0.2)
        stampede = [threading.Thread(target=ask, args=(path,)) for path in pages]
        for thread in stampede:
            thread.start()
        for thread in stampede:
            thread.join(timeout=60)
        stop.set()
        watcher.join(timeout=30)
        out, _ = counting.communicate(timeout=120)
        assert counting.returncode == 0 and f"{STORED + 1} results added" in out, out
        assert [status for status, _ in answers] == [200] * len(pages)
        assert max(seconds for _, seconds in answers) <= 1.0, answers
        p95 = statistics.quantiles(healthz, n=20)[-1]
        assert p95 <= 0.1, sorted(healthz)[-10:]
        # Asked again, with or without made-up parameters, they are what nginx kept.
        again = requests.get(server.url + "/rules/q/admin/?fresh=1", timeout=10)
        assert again.url.endswith("/rules/q/admin/") and again.headers["X-Cache"] == "HIT"
    finally:
        server.stop()
