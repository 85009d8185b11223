"""The stack `make serve` starts (nginx in front of gunicorn, deploy/) under the attacks and
failures a public site meets: slow clients, a hung database, spoofed addresses, huge bodies.

Every loop here is bounded in count and time, and talks to loopback only.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .servers import (
    Browser,
    Relay,
    Server,
    Stack,
    drop_postgres_database,
    migrate,
    postgres_database,
    production_env,
    stack_running,
)

pytestmark = pytest.mark.services


def stack_env(tmp_path, **overrides: str) -> dict[str, str]:
    """A production-like environment with the single-machine defaults: SQLite in tmp_path and
    each worker's own memory cache (no CACHE_URL)."""
    defaults = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env = production_env(**defaults | overrides)
    env.pop("CACHE_URL", None)
    return env


@pytest.fixture
def stack(tmp_path):
    with stack_running(stack_env(tmp_path, RATELIMIT_PERMALINKS="5/h")) as server:
        yield server


def timed_get(url: str, **kwargs) -> tuple[int, float]:
    start = time.monotonic()
    response = requests.get(url, timeout=20, **kwargs)
    return response.status_code, time.monotonic() - start


def test_fifty_slow_clients_do_not_slow_anyone_else(stack):
    """50 connections trickle a header line a second; meanwhile every other visitor is served
    at once (without nginx in front, the first eight such clients take every thread)."""
    host, port = "127.0.0.1", stack.port
    stop = threading.Event()
    slow = []
    for _ in range(50):
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(sock)

    def trickle() -> None:
        for n in range(8):  # about 8 s, bounded
            if stop.wait(1):
                return
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.sendall(f"X-Slow-{n}: y\r\n".encode())

    trickler = threading.Thread(target=trickle)
    trickler.start()
    try:
        time.sleep(1.5)  # the slow clients are all connected and sending
        timings = [timed_get(stack.url + path) for path in ["/healthz", "/", "/rules/"] * 6]
    finally:
        stop.set()
        trickler.join()
        for sock in slow:
            sock.close()
    assert all(status == 200 for status, _ in timings)
    assert max(seconds for _, seconds in timings) < 2, timings


def test_rate_limits_hold_for_the_machine_not_for_each_worker(stack):
    """Two workers, each counting its share (2 of 5): 5 links an hour means at most 5 from the
    machine, and a made-up X-Forwarded-For does not make a new client (nginx replaces the
    header with the address it saw)."""
    browser = Browser()
    statuses = []
    for n in range(9):
        browser.headers["X-Forwarded-For"] = f"203.0.113.{n}"
        answers = {"project_size": ("small", "medium", "large")[n % 3], "auth": "full"}
        statuses.append(browser.submit(stack.url, answers).status_code)
    accepted = statuses.count(303)
    assert 2 <= accepted <= 5 and statuses.count(429) == 9 - accepted, statuses


def test_the_app_servers_listen_on_sockets_only_the_proxy_reaches(stack):
    sockets = [stack.run_dir / "gunicorn.sock", stack.run_dir / "renders.sock"]
    assert all(sock.is_socket() for sock in sockets)
    listening = [line for line in stack.output().splitlines() if "Listening at:" in line]
    assert len(listening) == 2  # and no TCP port
    assert {line.split("Listening at: ")[1].split()[0] for line in listening} == {
        f"unix:{sock}" for sock in sockets
    }


def huge_upload(port: int, megabytes: int = 50) -> tuple[bytes, float]:
    """Start a multipart upload of ``megabytes`` with a CSRF cookie; send at most 1 MB of it,
    and return the start of what the server answers, and how long until it did."""
    boundary = "x" * 16
    head = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken={'a' * 32}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {megabytes * 1024 * 1024}\r\n\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="f.bin"\r\n\r\n'
    )
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            for _ in range(16):
                sock.sendall(b"\0" * 65536)
        except OSError:
            pass  # refused part-way: as it should be
        try:
            answer = sock.recv(65536)  # the status line and headers come first
        except OSError:
            answer = b""
    return answer, time.monotonic() - start


def test_a_huge_upload_is_refused_before_it_is_read(stack, tmp_path):
    answer, seconds = huge_upload(stack.port)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert seconds < 5


def test_the_app_server_alone_refuses_a_huge_upload_and_stores_nothing(tmp_path):
    """Behind another proxy, or none, the guide itself still refuses it, and nothing reaches
    the disk."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = stack_env(tmp_path, TMPDIR=str(scratch))
    migrate(env)
    server = Server(env).start()
    try:
        answer, _ = huge_upload(server.port)
    finally:
        server.stop()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert list(scratch.iterdir()) == []


def test_head_is_answered_wherever_get_is(stack):
    for path in ["/healthz", "/", "/rules/", "/api/guide", "/favicon.ico"]:
        response = requests.head(stack.url + path, timeout=10)
        assert response.status_code in (200, 301), (path, response.status_code)
        assert response.content == b""


def test_a_hung_database_costs_a_503_in_seconds_and_the_rest_keeps_serving(tmp_path):
    """PostgreSQL behind a relay that stops answering (connections accepted, never served):
    every request that needs the database answers 503 within 10 s, with the answers kept,
    while pages that need none are served as usual."""
    name = f"guide_hung_{os.getpid()}"
    database = postgres_database(name)
    relay = Relay(("127.0.0.1", 5432))
    url = database.replace(":5432/", f":{relay.port}/")
    env = stack_env(tmp_path, DATABASE_URL=url)
    migrate(env)
    server = Stack(env).start()
    try:
        saved = Browser().submit(server.url, {"auth": "full", "admin": "yes"})
        assert saved.status_code == 303  # the database works, and connections are kept open
        relay.freeze()
        results: dict[str, tuple[int, float, str]] = {}

        def needs_database(label: str, method: str, path: str, data=None) -> None:
            start = time.monotonic()
            browser = Browser()
            if method == "POST":
                response = browser.submit(server.url, data)
            else:
                response = browser.get(server.url + path, timeout=30)
            results[label] = (response.status_code, time.monotonic() - start, response.text)

        threads = [
            threading.Thread(
                target=needs_database, args=("unknown link", "GET", "/r/" + "B" * 16 + "/")
            ),
            threading.Thread(
                target=needs_database,
                args=("save", "POST", "/", {"auth": "simple", "forms": "many"}),
            ),
            threading.Thread(
                target=needs_database, args=("api", "GET", "/api/recommendations/" + "C" * 16)
            ),
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        others = [timed_get(server.url + path) for path in ["/healthz", "/", "/rules/"] * 3]
        panel = timed_get(server.url + "/?auth=full", headers={"HX-Request": "true"})
        for thread in threads:
            thread.join(timeout=30)
    finally:
        log = server.stop()
        relay.close()
        drop_postgres_database(name)
    assert set(results) == {"unknown link", "save", "api"}, log[-2000:]
    for label, (status, seconds, text) in results.items():
        assert status == 503 and seconds < 10, (label, status, seconds)
        assert "Traceback" not in text
    assert 'href="/?auth=simple&amp;forms=many"' in results["save"][2]  # nothing lost
    assert all(status == 200 and seconds < 2 for status, seconds in [*others, panel]), others


def cache_status(url: str, **kwargs) -> tuple[int, str | None, requests.Response]:
    response = requests.get(url, timeout=30, **kwargs)
    return response.status_code, response.headers.get("X-Cache"), response


def test_nginx_serves_a_repeated_permalink_page_pdf_and_starter_without_python(stack):
    location = Browser().submit(stack.url, {"auth": "full", "admin": "yes"}).headers["Location"]
    for suffix in ("", "pdf", "card.png", "starter.zip", "starter.zip?framework=flask"):
        first = cache_status(stack.url + location + suffix)
        again = cache_status(stack.url + location + suffix)
        assert first[:2] == (200, "MISS") and again[:2] == (200, "HIT"), suffix
        assert again[2].content == first[2].content
        assert "Set-Cookie" not in again[2].headers  # kept for everyone: no one's cookie in it
    page = cache_status(stack.url + location)[2]
    assert "csrfmiddlewaretoken" not in page.text
    # A client with the page asks with its ETag and gets 304 from nginx too.
    status, cached, _ = cache_status(
        stack.url + location, headers={"If-None-Match": page.headers["ETag"]}
    )
    assert (status, cached) == (304, "HIT")


def test_nginx_keeps_no_refusal_and_nothing_made_for_one_visitor(stack):
    missing = stack.url + "/r/" + "Z" * 16 + "/"
    assert [cache_status(missing)[:2] for _ in range(2)] == [(404, "MISS")] * 2
    wrong = stack.url + "/r/" + "Z" * 16 + "/pdf?paper=legal"  # refused: 400
    assert [cache_status(wrong)[:2] for _ in range(2)] == [(400, "MISS")] * 2


def test_a_flood_of_renders_gets_no_500_while_the_site_answers(stack):
    """Six threads ask for renders nobody asked for before; each is made or, if no slot comes
    free, refused with a 503 and Retry-After, or past nginx's limit for one address with a 429
    and Retry-After, never a 500; pages that need no render are answered all along, each
    within 2 s. (How slots refuse: tests/test_downloads.py.)"""
    links = [  # two: this stack allows few permalinks
        Browser().submit(stack.url, answers).headers["Location"]
        for answers in ({"project_size": "small"}, {"auth": "full", "admin": "yes"})
    ]
    renders = ("pdf", "pdf?paper=letter", "card.png", "decision.md")
    asks = [link + suffix for link in links for suffix in renders]
    asks += [link + f"starter.zip?framework={f}" for link in links for f in ("flask", "django")]
    answers: list[tuple[int, str | None]] = []
    stop = threading.Event()

    def flood(offset: int) -> None:
        i = offset
        while not stop.is_set():
            response = requests.get(stack.url + asks[i % len(asks)], timeout=30)
            answers.append((response.status_code, response.headers.get("Retry-After")))
            i += 1

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    try:
        others = [timed_get(stack.url + path) for path in ["/healthz", "/"] * 10]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert all(status == 200 and seconds < 2 for status, seconds in others), others
    assert {status for status, _ in answers} <= {200, 429, 503}, answers
    assert all(retry == "5" for status, retry in answers if status in {429, 503})
    assert any(status == 200 for status, _ in answers)


def test_ctrl_c_stops_the_stack_cleanly_after_pdf_renders(tmp_path):
    env = stack_env(tmp_path)
    migrate(env)
    server = Stack(env).start()
    location = Browser().submit(server.url, {"auth": "full"}).headers["Location"]
    for paper in ("a4", "letter"):
        assert requests.get(f"{server.url}{location}pdf?paper={paper}", timeout=30).ok
    os.killpg(server.process.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends
    status = server.process.wait(timeout=30)
    log = server.output()
    assert status == 0, log[-3000:]
    assert "SIGSEGV" not in log and "Traceback" not in log, log[-3000:]
    assert log.count("Shutting down: Master") == 2  # both pools, through their masters


def exchange(port: int, head: bytes, *, source: str = "127.0.0.1") -> bytes:
    """Sends ``head`` as is and reads the whole answer, as sent."""
    with socket.create_connection(
        ("127.0.0.1", port), timeout=10, source_address=(source, 0)
    ) as sock:
        sock.sendall(head)
        data = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                data += chunk
    return data


def raw_request(port: int, head: bytes, *, source: str = "127.0.0.1") -> tuple[int, str, bytes]:
    """Sends ``head`` as is and reads the answer: (status, content type, body)."""
    head_part, _, body = exchange(port, head, source=source).partition(b"\r\n\r\n")
    lines = head_part.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
    content_type = next(
        (
            line.split(":", 1)[1].strip()
            for line in lines[1:]
            if line.lower().startswith("content-type:")
        ),
        "",
    )
    return status, content_type, body


def api_request(line: str, *headers: str, body: bytes = b"") -> bytes:
    """A request to send as is: its request line, its headers (Host and Connection besides)
    and its body."""
    fields = "".join(f"{h}\r\n" for h in ("Host: 127.0.0.1", *headers, "Connection: close"))
    return f"{line}\r\n{fields}\r\n".encode() + body


LONG = "a" * 9000
#: Odd but readable: the guide answers them as it would answer them plain.
ODD_API_REQUESTS = {
    "a scheme header that contradicts nginx's": api_request(
        "GET /api/guide HTTP/1.1", "X-Forwarded-Ssl: on", "X-Forwarded-Protocol: ssl"
    ),
    "a request line of 6 KB": api_request(f"GET /api/guide?x={LONG[:6000]} HTTP/1.1"),
    "80 headers": api_request("GET /api/guide HTTP/1.1", *(f"X-{n}: y" for n in range(80))),
    "two types of body": api_request(
        "POST /api/recommend HTTP/1.1",
        "Content-Type: application/json",
        "Content-Type: text/plain",
        "Content-Length: 29",
        body=b'{"answers": {"auth": "full"}}',
    ),
}
#: Malformed: refused by nginx, never passed on.
MALFORMED_API_REQUESTS = {
    "a request line of 9 KB": api_request(f"GET /api/guide?x={LONG} HTTP/1.1"),
    "a header of 9 KB": api_request("GET /api/guide HTTP/1.1", f"X-Big: {LONG}"),
    "TRACE": api_request("TRACE /api/guide HTTP/1.1"),
    "a method of two letters": api_request("AB /api/guide HTTP/1.1"),
    "a method of 21 letters": api_request(f"{'A' * 21} /api/guide HTTP/1.1"),
    "a negative length": api_request("POST /api/recommend HTTP/1.1", "Content-Length: -1"),
    "two lengths of body": api_request(
        "POST /api/recommend HTTP/1.1",
        "Content-Length: 2",
        "Transfer-Encoding: chunked",
        body=b"0\r\n\r\n",
    ),
    "an encoding nginx does not take": api_request(
        "POST /api/recommend HTTP/1.1", "Transfer-Encoding: gzip, chunked"
    ),
    "two Hosts": api_request("GET /api/guide HTTP/1.1", "Host: a/b"),
    "a broken chunk": api_request(
        "POST /api/recommend HTTP/1.1", "Transfer-Encoding: chunked", body=b"zz\r\n{}\r\n0\r\n\r\n"
    ),
    "a body too large for the API's starter": api_request(
        "POST /api/recommendations/AAAAAAAAAAAAAAAA/starter.zip HTTP/1.1",
        "Content-Type: application/json",
        "Content-Length: 70000",
    ),
}


def test_an_odd_request_under_the_api_is_answered_as_a_plain_one(stack):
    for name, head in ODD_API_REQUESTS.items():
        status, content_type, body = raw_request(stack.port, head)
        assert status == 200, (name, status, body[:200])
        assert content_type.startswith("application/json"), (name, body[:200])
    assert "Invalid request" not in stack.output()


def test_a_malformed_request_under_the_api_gets_a_json_4xx_from_nginx(stack):
    for name, head in MALFORMED_API_REQUESTS.items():
        status, content_type, body = raw_request(stack.port, head)
        assert 400 <= status < 500, (name, status, body[:200])
        assert content_type.startswith("application/json"), (name, status, body[:200])
        assert json.loads(body)["detail"], name
    assert "Invalid request" not in stack.output()


def test_what_gunicorn_still_refuses_itself_is_logged_ten_times_a_minute(stack):
    """A header value with a control character reaches gunicorn, which refuses it (400) in
    the API's JSON."""
    for n in range(30):
        head = api_request("GET /api/guide HTTP/1.1", f"X-A: a\x01{n}")
        status, content_type, body = raw_request(stack.port, head)
        assert (status, content_type) == (400, "application/json"), body[:200]
        assert json.loads(body)["detail"]
    said = [line for line in stack.output().splitlines() if "Invalid request" in line]
    workers = int(stack.env.get("WEB_CONCURRENCY", "2"))  # each counts its own ten
    assert 1 <= len(said) <= 10 * workers, said


def test_nginx_s_refusals_elsewhere_are_short_text(stack):
    too_large = api_request("POST /rules/q/auth/ HTTP/1.1", "Content-Length: 70000")
    write = api_request("POST /starters.git/HEAD HTTP/1.1")
    for head, status in [(too_large, 413), (api_request("TRACE / HTTP/1.1"), 405), (write, 403)]:
        got, content_type, body = raw_request(stack.port, head)
        assert (got, content_type) == (status, "text/plain"), body[:200]
        assert body.strip() and b"<html" not in body


#: What gunicorn refuses before the guide sees it, sent to gunicorn alone (behind another
#: proxy, or none): each is answered like nginx's refusals, never in gunicorn's HTML.
GUNICORN_REFUSES = {
    "a header value with a control character": (
        api_request("GET /api/guide HTTP/1.1", "X-A: a\x01b"),
        400,
        "application/json",
    ),
    "two lengths of body under the API": (
        api_request("POST /api/recommend HTTP/1.1", "Content-Length: 2", "Content-Length: 3"),
        400,
        "application/json",
    ),
    "two lengths of body elsewhere": (
        api_request("POST /rules/ HTTP/1.1", "Content-Length: 2", "Content-Length: 3"),
        400,
        "text/plain; charset=utf-8",
    ),
    "a request line of 5 KB, which cannot be read as far as its address": (
        api_request(f"GET /?x={LONG[:5000]} HTTP/1.1"),
        414,
        "application/json",
    ),
    "an encoding gunicorn does not take, refused before it keeps the address": (
        api_request("POST /about/ HTTP/1.1", "Transfer-Encoding: bogus, chunked"),
        501,
        "application/json",
    ),
}


@pytest.mark.parametrize(
    "workers",
    [
        {},
        {"GUNICORN_WORKER_CLASS": "sync", "GUNICORN_THREADS": "1"},
        {"GUNICORN_WORKER_CLASS": "sync"},  # with threads, which gunicorn runs as gthread
    ],
    ids=["gthread", "sync", "sync with threads"],
)
def test_gunicorn_alone_refuses_in_the_guide_s_words_not_in_html(tmp_path, workers):
    env = stack_env(tmp_path, **workers)
    migrate(env)
    server = Server(env).start()
    try:
        answers = {
            name: exchange(server.port, head) for name, (head, *_) in GUNICORN_REFUSES.items()
        }
        head = api_request("HEAD /api/guide HTTP/1.1", "Content-Length: 2", "Content-Length: 3")
        to_head = exchange(server.port, head)
    finally:
        server.stop()
    for name, (_, status, content_type) in GUNICORN_REFUSES.items():
        head_part, _, body = answers[name].partition(b"\r\n\r\n")
        assert head_part.startswith(f"HTTP/1.1 {status} ".encode()), (name, answers[name][:300])
        assert f"\r\nContent-Type: {content_type}\r\n".encode() in head_part, (name, head_part)
        assert f"\r\nContent-Length: {len(body)}\r\n".encode() in head_part, (name, head_part)
        said = json.loads(body)["detail"] if "json" in content_type else body.decode()
        assert said.strip() and "<" not in said and "\x01" not in said, (name, said)
    # A HEAD is refused with the headers alone, as nginx refuses one.
    assert to_head.startswith(b"HTTP/1.1 400 ") and to_head.endswith(b"\r\n\r\n"), to_head


def test_head_answers_log_no_warning(stack):
    for _ in range(5):
        for path in ["/healthz", "/", "/rules/", "/api/guide", "/api/nowhere"]:
            assert requests.head(stack.url + path, timeout=10).status_code in (200, 301, 404)
    assert "no-body response" not in stack.output()


@pytest.fixture
def stack_counting_connections_only(tmp_path):
    """The stack with the per-address request rate lifted, so that only the limit on open
    requests stands."""
    env = stack_env(tmp_path, SERVE_CLIENT_RATE="100000r/s", SERVE_CLIENT_BURST="100000")
    with stack_running(env) as server:
        yield server


def test_one_address_cannot_hold_every_connection(stack_counting_connections_only):
    """Connections that send their headers and then trickle a body: past its share, one
    address is refused at once, and another is served."""
    stack = stack_counting_connections_only
    held = []
    refused = 0
    try:
        for _ in range(200):
            sock = socket.create_connection(("127.0.0.1", stack.port), timeout=5)
            sock.sendall(
                b"POST /api/recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 60000\r\n\r\n{"
            )
            held.append(sock)
        time.sleep(1)
        for sock in held:
            sock.settimeout(0.2)
            with contextlib.suppress(OSError):
                if sock.recv(64).startswith(b"HTTP/1.1 429"):
                    refused += 1
        status, _, _ = raw_request(
            stack.port,
            b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            source="127.0.5.5",
        )
    finally:
        for sock in held:
            sock.close()
    assert 50 <= refused <= 80, refused  # 128 held, the rest refused
    assert status == 200


def test_one_address_sending_as_fast_as_it_can_gets_429_past_its_share_and_others_are_served(
    stack,
):
    """400 requests for the rules' index from one address, 32 at once: past the burst (90)
    and the rate (30 a second), nginx answers 429 at once; another address, asking at the
    same time, is served every time."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))
    bystander = []

    def meanwhile() -> None:
        head = b"GET /rules/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        for _ in range(20):
            bystander.append(raw_request(stack.port, head, source="127.0.6.6")[0])

    started = time.monotonic()
    watcher = threading.Thread(target=meanwhile)
    watcher.start()
    with ThreadPoolExecutor(32) as pool:
        statuses = list(
            pool.map(
                lambda _: session.get(stack.url + "/rules/", timeout=20).status_code, range(400)
            )
        )
    watcher.join()
    elapsed = time.monotonic() - started
    served = statuses.count(200)
    assert served + statuses.count(429) == 400, sorted(set(statuses))
    assert 90 <= served <= 90 + 30 * elapsed + 5, (served, elapsed)
    assert bystander == [200] * 20


def test_the_access_log_names_each_client_by_its_address(stack):
    status, _, _ = raw_request(
        stack.port,
        b"GET /healthz?from=access-log HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        source="127.0.4.4",
    )
    assert status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "from=access-log" not in stack.output():
        time.sleep(0.1)
    line = next(x for x in stack.output().splitlines() if "from=access-log" in x)
    assert line.startswith("127.0.4.4 "), line
