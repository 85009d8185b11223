"""What nginx keeps in `make serve`'s stack, under clients that try to fill it or poison it:
one entry per thing made, whatever a link says besides; a per-address limit on renders; a
full filesystem that costs renders their cache, never their answer (deploy/nginx.conf,
deploy/made.conf, guide/services/downloads.py).

Every loop here is bounded in count and time, and talks to loopback only.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest
import requests

from .servers import Browser, Stack, migrate, stack_running
from .test_stack import stack_env

pytestmark = pytest.mark.services


def get(port: int, path: str, *, source: str = "127.0.0.1", **headers: str):
    """A GET from the loopback address ``source``: (status, headers, body)."""
    conn = HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def answer(port: int, path: str):
    """What ``get`` gets, with a closed connection as status 0."""
    try:
        return get(port, path)
    except ConnectionError:
        return 0, {}, b""


def kept(cache_dir: Path) -> int:
    """How many entries nginx's cache holds (one file each), once it has written what it was
    given: nginx moves a response into the cache after the client has it, so the count is
    read until it holds still for half a second (five seconds at most)."""
    deadline = time.monotonic() + 5
    count = -1
    while time.monotonic() < deadline:
        now = sum(1 for path in cache_dir.rglob("*") if path.is_file() and path.suffix == "")
        if now == count:
            return count
        count = now
        time.sleep(0.5)
    return count


@pytest.fixture
def stack(tmp_path):
    env = stack_env(tmp_path, RATELIMIT_PERMALINKS="5/h", RATELIMIT_PAGES="1000/m")
    with stack_running(env) as server:
        yield server


def test_unknown_parameters_from_one_address_add_no_entry_to_the_cache(stack):
    link = Browser().submit(stack.url, {"auth": "full", "admin": "yes"}).headers["Location"]
    things = ["", "pdf", "card.png", "decision.md", "starter.zip"]
    for thing in things:  # each made and kept once
        assert get(stack.port, link + thing)[0] == 200
    before = kept(stack.run_dir / "made")
    statuses = []
    for n in range(300):  # spread over addresses, so nginx's own limit refuses none of them
        source = f"127.0.{1 + n // 100}.{1 + n % 100}"
        suffix = things[n % len(things)]
        status, headers, _ = get(stack.port, f"{link}{suffix}?utm_source=x{n}&v={n}", source=source)
        statuses.append(status)
        assert status != 301 or headers["Location"] == link + suffix
    assert set(statuses) == {301}
    assert kept(stack.run_dir / "made") == before


def test_headers_a_client_invents_add_no_entry_to_the_cache(stack):
    """The language of a kept thing is its address's: any Accept-Language, cookie or htmx
    header is served the one copy nginx keeps."""
    link = Browser().submit(stack.url, {"auth": "full", "admin": "yes"}).headers["Location"]
    slug = link.strip("/").split("/")[-1]
    things = [link, link + "pdf", link + "starter.zip", f"/api/recommendations/{slug}/starter.zip"]
    things.append("/rules/q/auth/")
    for thing in things:  # each made and kept once
        assert get(stack.port, thing)[0] == 200
    before = kept(stack.run_dir / "made")
    for n in range(300):  # spread over addresses, so nginx's own limit refuses none of them
        source = f"127.0.{1 + n // 100}.{1 + n % 100}"
        invented = {"Accept-Language": f"en-x{n}, es;q=0.{n % 10}", "Cookie": f"c={n}"}
        if n % 2:
            invented["HX-Request"] = "true"
        status, headers, _ = get(stack.port, things[n % len(things)], source=source, **invented)
        assert (status, headers["X-Cache"]) == (200, "HIT"), (things[n % len(things)], invented)
    assert kept(stack.run_dir / "made") == before


def test_a_parameter_spelled_another_way_is_sent_to_the_one_address(stack):
    link = Browser().submit(stack.url, {"auth": "full"}).headers["Location"]
    a4 = get(stack.port, link + "pdf")[2]
    letter = get(stack.port, link + "pdf?paper=letter")[2]
    assert a4 != letter
    before = kept(stack.run_dir / "made")
    for query, where in [
        ("paper=a4&paper=letter", "?paper=letter"),  # Django reads the last one
        ("PAPER=letter", ""),  # not the parameter's name
        ("pap%65r=letter", "?paper=letter"),
        ("paper=LETTER", "?paper=letter"),
    ]:
        status, headers, _ = get(stack.port, f"{link}pdf?{query}")
        assert (status, headers["Location"]) == (301, f"{link}pdf{where}"), query
    # What nginx keeps for each address is still what that address names.
    assert get(stack.port, link + "pdf")[2] == a4
    assert get(stack.port, link + "pdf?paper=letter")[2] == letter
    assert kept(stack.run_dir / "made") == before


def test_one_address_asking_too_fast_is_refused_by_nginx_and_no_one_else_is(stack):
    link = Browser().submit(stack.url, {"auth": "full"}).headers["Location"]
    statuses = [get(stack.port, link, source="127.0.9.9")[0] for _ in range(80)]
    assert statuses.count(429) >= 20 and 500 not in statuses
    status, headers, body = get(stack.port, link, source="127.0.9.9")
    assert (status, headers["Retry-After"]) == (429, "5") and b"Too many requests" in body
    assert get(stack.port, link, source="127.0.9.10")[0] == 200  # a neighbour is served
    # nginx says each refusal; the stack writes ten such lines a minute at most.
    said = [line for line in stack.output().splitlines() if "limiting requests" in line]
    assert 1 <= len(said) <= 10, said


def test_nginx_s_own_refusals_under_the_api_are_json(stack):
    big = requests.post(
        stack.url + "/api/recommend",
        data=b"{" + b" " * 100_000 + b"}",
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert big.status_code == 413 and big.headers["Content-Type"] == "application/json"
    assert "too large" in big.json()["detail"]
    slug = "Z" * 16
    statuses = []
    for _ in range(80):
        answer = requests.get(f"{stack.url}/api/recommendations/{slug}/starter.zip", timeout=30)
        statuses.append(answer.status_code)
        assert answer.headers["Content-Type"].startswith("application/json"), answer.text
    assert 429 in statuses


@pytest.fixture
def small_filesystem():
    """A 12 MiB filesystem of its own for nginx's cache (a tmpfs: mounting needs root, as CI
    and this machine's sessions have), in a folder nginx's workers (nobody) can reach."""
    mount = Path(tempfile.mkdtemp(prefix="guide-small-"))
    mount.chmod(0o755)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True
    )
    assert done.returncode == 0, f"this test mounts a tmpfs, as root: {done.stderr!r}"
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)
    mount.rmdir()


def test_a_full_cache_filesystem_costs_renders_their_cache_not_their_answer(
    tmp_path, small_filesystem
):
    env = stack_env(tmp_path, RATELIMIT_PERMALINKS="5/h", RATELIMIT_PAGES="1000/m")
    env["SERVE_CACHE_DIR"] = str(small_filesystem / "made")
    migrate(env)
    server = Stack(env).start()
    try:
        links = [
            Browser().submit(server.url, answers).headers["Location"]
            for answers in ({"auth": "full"}, {"auth": "none", "admin": "no"})
        ]
        assert get(server.port, links[0])[0] == 200, server.output()[-2000:]
        # Something else fills the filesystem to the last block.
        filler = small_filesystem / "filler"
        subprocess.run(
            ["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True, check=False
        )
        renders = [
            link + thing
            for link in links
            for thing in ("pdf", "pdf?paper=letter", "card.png", "decision.md", "starter.zip")
        ]
        answers = [answer(server.port, path) for path in renders]
        log = server.output()[-3000:]
        assert [status for status, _, _ in answers] == [200] * len(renders), log
        assert all(len(body) > 100 for _, _, body in answers)
    finally:
        server.stop()
