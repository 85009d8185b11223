"""The load test (`make load`): the production-like stack (nginx in front of gunicorn, as
`make serve` starts it, on PostgreSQL and Redis) under wrk on loopback, bounded in time: each
endpoint's throughput, p50 and p99 latency, errors, and throughput as a ratio to /healthz in
the same run.

Needs wrk (Debian package `wrk`) and the local PostgreSQL and Redis services.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from .http import ROOT, free_port, gunicorn, make_permalink, stack, wrk_errors

POSTGRES = os.environ.get("LOAD_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/4")
DATABASE = "guide_load"
DURATION = int(os.environ.get("LOAD_SECONDS", "5"))
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "3"))
CONNECTIONS = 16
WORKERS = 4

# POSTs varied answers (so some permalinks are new and some reused), with the CSRF cookie and
# token taken from a real page. Written to a file for `wrk -s`.
CREATE_SCRIPT = """
local sizes = {"prototype", "small", "medium", "large"}
local auth = {"none", "simple", "full"}
local forms = {"none", "few", "many"}
local store = {"none", "relational", "nosql"}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=%(cookie)s"
wrk.headers["X-CSRFToken"] = "%(token)s"
request = function()
  local body = "project_size=" .. sizes[math.random(#sizes)] .. "&auth=" .. auth[math.random(#auth)]
    .. "&forms=" .. forms[math.random(#forms)] .. "&database=" .. store[math.random(#store)]
  return wrk.format(nil, "/", nil, body)
end
"""


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return POSTGRES.rsplit("/", 1)[0] + f"/{DATABASE}"


def wrk(
    url: str, *, headers: dict[str, str] | None = None, script: str | None = None
) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": wrk_errors(out),
    }


def median_of(samples: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds; errors are summed."""
    result = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
    result["errors"] = sum(s["errors"] for s in samples)
    return result


def measure(start, env: dict[str, str]) -> dict[str, dict[str, float]]:
    """Each endpoint under wrk, on a server that ``start`` starts."""
    with start(env, free_port(), workers=WORKERS) as base, tempfile.TemporaryDirectory() as tmp:
        with urllib.request.urlopen(base + "/") as response:
            page = response.read().decode()
            cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        script = Path(tmp) / "create.lua"
        script.write_text(CREATE_SCRIPT % {"cookie": cookie, "token": token})
        permalink = make_permalink(base)
        urllib.request.urlopen(base + permalink + "pdf").read()
        endpoints = [
            ("/healthz", base + "/healthz", {}, None),
            ("questionnaire", base + "/", {}, None),
            (
                "live panel",
                base + "/?auth=full&admin=yes&database=relational",
                {"HX-Request": "true"},
                None,
            ),
            ("permalink create", base + "/", {}, str(script)),
            ("permalink view", base + permalink, {}, None),
            ("PDF", base + permalink + "pdf", {}, None),
        ]
        return {
            name: wrk(url, headers=headers, script=lua) for name, url, headers, lua in endpoints
        }


def run() -> None:
    if not shutil.which("wrk"):
        sys.exit("the load test needs wrk: apt-get install wrk")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    database = fresh_database()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "CACHE_URL": REDIS,
        "DEBUG": "",
        "SECRET_KEY": "load-test-" + "l" * 50,
        "SECURE_HTTPS": "0",
        "RATELIMIT_PERMALINKS": "1000000/m",
        "RATELIMIT_PDF": "1000000/m",
        "RATELIMIT_STARTER": "1000000/m",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    setups = [
        # What `make serve` ran before nginx went in front: gunicorn alone, sync workers.
        # One thread each: given more, gunicorn runs gthread workers instead.
        (
            "gunicorn alone, sync workers",
            gunicorn,
            {**env, "GUNICORN_WORKER_CLASS": "sync", "GUNICORN_THREADS": "1"},
        ),
        ("make serve: nginx + gunicorn, 4 threads", stack, env),
    ]
    print(
        f"== load (PostgreSQL and Redis; {WORKERS} gunicorn workers; wrk, {CONNECTIONS} "
        f"connections, {DURATION} s per endpoint, loopback; the two setups take turns, "
        f"{ROUNDS} rounds, medians)"
    )
    # Taking turns, so that whatever else the machine does falls on both alike.
    rounds = [[measure(start, setup_env) for _, start, setup_env in setups] for _ in range(ROUNDS)]
    runs = []
    for n, (name, _, _) in enumerate(setups):
        samples = [r[n] for r in rounds]
        runs.append((name, {e: median_of([s[e] for s in samples]) for e in samples[0]}))
    for name, results in runs:
        baseline = results["/healthz"]["rps"]
        print(f"-- {name}")
        print(
            f"{'endpoint':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6}"
        )
        for endpoint, r in results.items():
            print(
                f"{endpoint:<18} {r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} "
                f"{r['errors']:7.0f} {r['rps'] / baseline:6.2f}"
            )
    (before_name, before), (after_name, after) = runs
    print(f"-- throughput of '{after_name}' as a ratio to '{before_name}', same run")
    for endpoint in after:
        print(f"{endpoint:<18} {after[endpoint]['rps'] / before[endpoint]['rps']:6.2f}")
    total_errors = sum(r["errors"] for _, results in runs for r in results.values())
    print(f"errors and 5xx in all: {total_errors}")
    if total_errors:
        sys.exit(1)
