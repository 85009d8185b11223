"""What a language costs: each page in Chinese and in Spanish against the same page in English,
requests per second through gunicorn, in alternating rounds (see bench/http.py for why ratios
and rounds)."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .http import (
    RATIOS,
    RATIOS_WIDTH,
    ROOT,
    compared,
    free_port,
    gunicorn,
    make_permalink,
    rps_python,
    rps_wrk,
    server_env,
)

#: (name, path, extra headers): the pages whose text the language changes.
PAGES = [
    ("first step", "/", {}),
    ("interview step", "/?auth=full&admin=yes&database=relational", {"HX-Request": "true"}),
    ("live panel", "/all/?auth=full&admin=yes&database=relational", {"HX-Request": "true"}),
    ("permalink", "{permalink}", {}),
    ("rules page", "/rules/q/auth/", {}),
]
LANGUAGES = ("zh-hans", "es")
#: A page in another language serves at least this share of the same page in English.
TARGET = 0.9


def run() -> None:
    load = rps_wrk if shutil.which("wrk") else rps_python
    print("== languages (each page against the same page in English, gunicorn, 2 workers)")
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(Path(tmp) / "bench.sqlite3")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        with gunicorn(env, free_port()) as base:
            permalink = make_permalink(base)
            print(f"{'page':<24} {'req/s':>9}  {RATIOS:<{RATIOS_WIDTH}} median")
            for language in LANGUAGES:
                for name, path, headers in PAGES:
                    english = base + path.format(permalink=permalink)
                    other = f"{base}/{language}{path.format(permalink=permalink)}"
                    print(line(load, english, other, headers, f"{language}: {name}"))


def line(load, english: str, other: str, headers: dict[str, str], name: str) -> str:
    # A round of each first, not counted: each worker fills its caches for both pages (a
    # rules page serves three times as fast once they are), so the rounds compare like with
    # like.
    load(english, headers)
    load(other, headers)
    said = f"target >= {TARGET} x English"
    return compared(
        load,
        "",
        other,
        headers,
        name,
        TARGET,
        said,
        baseline_url=english,
        baseline_headers=headers,
        width=24,
    )
