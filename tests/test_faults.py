"""What users see when something breaks: the database, Redis, questions.yaml, a worker."""

import json
import os
import signal
import threading
import time
from collections import Counter
from unittest import mock

import pytest
import requests
from django.db import OperationalError

from .servers import (
    Browser,
    Relay,
    Server,
    Stack,
    drop_postgres_database,
    migrate,
    postgres_database,
    production_env,
    redis_available,
    require,
)

CLOSED_PORT_DB = "postgres://postgres@127.0.0.1:9/nowhere"
CLOSED_PORT_REDIS = "redis://127.0.0.1:9/0"


@pytest.mark.django_db
def test_a_database_error_is_a_503_that_says_to_try_again(client, caplog):
    with mock.patch(
        "guide.models.PermalinkQuerySet.for_answers",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.post("/", {"auth": "full"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "try again" in page and "Traceback" not in page and "connection refused" not in page
    assert any("database unavailable" in r.getMessage() for r in caplog.records)
    # The answers that could not be saved are one click away.
    assert 'href="/?auth=full"' in page and "Back to your answers" in page


@pytest.mark.services
def test_with_the_database_down_the_questionnaire_still_works_and_saving_is_a_503():
    server = Server(production_env(DATABASE_URL=CLOSED_PORT_DB)).start()
    try:
        assert requests.get(server.url + "/", timeout=10).status_code == 200
        panel = requests.get(server.url + "/?auth=full", headers={"HX-Request": "true"}, timeout=10)
        assert panel.status_code == 200 and "At most" in panel.text  # the next step
        saving = Browser().submit(server.url, {"auth": "full"})
        assert saving.status_code == 503
        assert "try again" in saving.text and "Traceback" not in saving.text
        assert 'href="/?auth=full"' in saving.text  # the answers are one click away
        assert requests.get(server.url + "/r/AAAAAAAAAAAAAAAA/", timeout=10).status_code == 503
    finally:
        log = server.stop()
    # Structured logs: the outage is one JSON object on a line of its own, said once by each
    # of the two workers.
    lines = [json.loads(line) for line in log.splitlines() if "database unavailable" in line]
    assert 1 <= len(lines) <= 2, lines
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "guide.availability"
    assert "Traceback" not in log


@pytest.mark.services
def test_with_redis_down_the_site_keeps_serving_and_nothing_is_lost():
    name = f"guide_faults_{os.getpid()}"
    database = postgres_database(name)
    env = production_env(
        DATABASE_URL=database,
        CACHE_URL=CLOSED_PORT_REDIS,
        WEB_CONCURRENCY="1",
        RATELIMIT_PERMALINKS="4/h",
    )
    migrate(env)
    server = Server(env).start()
    try:
        browser = Browser()
        saved = browser.submit(server.url, {"auth": "full", "admin": "yes"})
        assert saved.status_code == 303
        page = requests.get(server.url + saved.headers["Location"], timeout=10)
        assert page.status_code == 200 and "<h1>Django</h1>" in page.text
        pdf = requests.get(server.url + saved.headers["Location"] + "pdf", timeout=30)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        for _ in range(30):
            panel = requests.get(
                server.url + "/?auth=full", headers={"HX-Request": "true"}, timeout=10
            )
            assert panel.status_code == 200
        # The limits cannot be counted: they let requests through rather than refuse everyone.
        statuses = [browser.submit(server.url, {"auth": "simple"}).status_code for _ in range(4)]
        assert statuses == [303, 303, 303, 303], statuses
    finally:
        log = server.stop()
        drop_postgres_database(name)
    # Said once, not once a request (40 requests went by).
    reports = [line for line in log.splitlines() if "shared cache unavailable" in line]
    assert len(reports) == 1 and "Traceback" not in log


def test_a_broken_questions_file_stops_the_server_from_starting(tmp_path):
    broken = tmp_path / "questions.yaml"
    broken.write_text("title: Broken\nsettings: [\n")
    server = Server(production_env(GUIDE_QUESTIONS_FILE=str(broken)))
    server.start(wait=False)
    try:
        server.process.wait(timeout=30)
    finally:
        log = server.stop()
    assert server.process.returncode != 0
    assert "Refusing to start" in log and "not valid YAML" in log and str(broken) in log
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/healthz", timeout=2)


@pytest.mark.services
def test_a_killed_worker_loses_no_stored_permalink():
    require("Redis", redis_available())
    name = f"guide_kill_{os.getpid()}"
    database = postgres_database(name)
    # Every saved link is looked at afterwards, more than one client would in a minute.
    env = production_env(DATABASE_URL=database, WEB_CONCURRENCY="2", RATELIMIT_PAGES="10000/m")
    migrate(env)
    server = Server(env).start()
    acknowledged: list[str] = []
    stop = threading.Event()

    def submit_many(offset: int) -> None:
        browser = Browser()
        sizes = ["prototype", "small", "medium", "large"]
        i = 0
        while not stop.is_set() and i < 200:
            answers = {
                "project_size": sizes[i % 4],
                "deadline": ("tight", "relaxed")[i // 4 % 2],
                "auth": ("none", "simple", "full")[(i // 8 + offset) % 3],
                "forms": ("none", "few", "many")[i // 24 % 3],
            }
            i += 1
            try:
                response = browser.submit(server.url, answers)
            except requests.RequestException:
                continue  # the request the killed worker was serving
            if response.status_code == 303:
                acknowledged.append(response.headers["Location"])

    threads = [threading.Thread(target=submit_many, args=(n,)) for n in range(3)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        for pid in server.worker_pids():
            os.kill(pid, signal.SIGKILL)  # mid-request: the posts are in flight
        time.sleep(3)  # gunicorn replaces the workers
        stop.set()
        for thread in threads:
            thread.join()
        assert acknowledged, "no permalink was saved at all"
        for location in set(acknowledged):
            assert requests.get(server.url + location, timeout=10).status_code == 200, location
    finally:
        stop.set()
        server.stop()
        drop_postgres_database(name)


def outage_lines(log: str) -> list[str]:
    """What the servers logged about the database, beside the access log's line per request."""
    lines = []
    for line in log.splitlines():
        if line.startswith("{"):
            message = json.loads(line).get("message", "")
            if "database" in message.lower() or "Traceback" in message:
                lines.append(message)
        elif "Traceback" in line or "Error" in line:
            lines.append(line)
    return lines


@pytest.mark.services
def test_a_database_outage_under_load_is_a_few_lines_in_the_log_not_one_per_request():
    """make serve's stack on PostgreSQL that goes away for 10 s (OUTAGE_SECONDS) while pages,
    the form and the JSON API are asked for all along: every request that needs the database
    gets a 503, and the log says so once when it goes and once when it is back, for each pool
    of workers."""
    name = f"guide_outage_{os.getpid()}"
    database = postgres_database(name)
    relay = Relay(("127.0.0.1", 5432))
    env = production_env(
        DATABASE_URL=database.replace(":5432/", f":{relay.port}/"),
        DATABASE_RETRY_SECONDS="1",
        RATELIMIT_PERMALINKS="100000/m",
        RATELIMIT_PAGES="100000/m",
        # Every request comes from one address: nginx's own limits would answer most with
        # 429, and this test is about the database going away.
        SERVE_RENDER_RATE="100000r/s",
        SERVE_CLIENT_RATE="100000r/s",
        SERVE_CLIENT_BURST="100000",
    )
    env.pop("CACHE_URL", None)
    migrate(env)
    server = Stack(env).start()
    statuses: Counter[int] = Counter()
    stop = threading.Event()
    missing = "/r/" + "Q" * 16 + "/"

    def ask(kind: int) -> None:
        browser = Browser()
        while not stop.is_set():
            try:
                if kind == 0:
                    response = requests.post(
                        server.url + "/api/recommendations",
                        json={"answers": {"auth": "full"}},
                        timeout=15,
                    )
                elif kind == 1:
                    response = requests.get(
                        server.url + "/api/recommendations/" + "Q" * 16, timeout=15
                    )
                elif kind == 2:
                    response = requests.get(server.url + missing, timeout=15)
                else:
                    response = browser.submit(server.url, {"auth": "simple"})
            except requests.RequestException:
                continue
            statuses[response.status_code] += 1

    threads = [threading.Thread(target=ask, args=(n % 4,)) for n in range(8)]
    try:
        assert Browser().submit(server.url, {"auth": "full"}).status_code == 303
        relay.cut()
        for thread in threads:
            thread.start()
        time.sleep(float(os.environ.get("OUTAGE_SECONDS", "10")))
        relay.restore()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # until every pool has met the database again
            time.sleep(2)
            if statuses[201] and statuses[303]:
                break
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop.set()
        log = server.stop()
        relay.close()
        drop_postgres_database(name)
    assert statuses[503] > 50, statuses  # under load, all along
    assert set(statuses) <= {200, 201, 303, 404, 503}, statuses  # never a 500
    said = outage_lines(log)
    print(
        f"{sum(statuses.values())} requests, {statuses[503]} answered 503; logged:", *said, sep="\n"
    )
    assert "Traceback" not in log
    assert 2 <= len(said) <= 5, said
    assert any("unavailable" in line for line in said) and any("back" in line for line in said)


@pytest.mark.services
def test_sigterm_to_the_whole_process_group_after_pdf_renders_crashes_no_worker(tmp_path):
    """What systemd's default KillMode and a terminal's Ctrl-C do: every process of the
    group gets the signal, the workers from the master again."""
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", LOG_LEVEL="INFO")
    env.pop("CACHE_URL", None)
    migrate(env)
    server = Server(env).start()
    browser = Browser()
    for answers in ({"auth": "full"}, {"auth": "none"}, {"forms": "many"}, {"admin": "yes"}):
        location = browser.submit(server.url, answers).headers["Location"]
        assert requests.get(server.url + location + "pdf", timeout=30).ok
    os.killpg(server.process.pid, signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    log = server.output()
    assert log.count("Worker exiting") == 2
    assert "SIGSEGV" not in log and "was sent" not in log and "Traceback" not in log, log[-3000:]
