"""What a client's mistake writes to the log: one short line, no traceback, a few a minute at
most; the site's own failures keep their traceback (config/logs.py)."""

import io
import json
import logging

import pytest

from config import logs


def site_handler() -> logging.Handler:
    """The handler the site logs through (settings.LOGGING's "stdout")."""
    return next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, logs.ClientErrors) for f in h.filters)
    )


@pytest.fixture
def logged():
    """The JSON lines the site logged since the last call, as dicts."""
    handler = site_handler()
    for found in handler.filters:  # each test starts with no line counted against the minute
        if isinstance(found, logs.ClientErrors):
            found._throttle._window.clear()
    buffer = io.StringIO()
    before = handler.setStream(buffer)

    def read() -> list[dict]:
        lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
        buffer.seek(0)
        buffer.truncate()
        return lines

    yield read
    handler.setStream(before)


def test_a_bad_host_writes_one_short_line_without_a_traceback(client, logged):
    client.get("/", HTTP_HOST="evil.example" + "x" * 3000)
    lines = logged()
    assert len(lines) == 1
    assert lines[0]["level"] == "WARNING" and "exc_info" not in lines[0]
    assert len(json.dumps(lines[0])) < 600


def test_too_many_parameters_write_one_short_line(client, logged, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    answer = client.get("/all/?" + "&".join(f"p{n}=1" for n in range(70)))
    assert answer.status_code == 400
    lines = logged()
    assert len(lines) == 1 and "exc_info" not in lines[0]


def test_a_flood_of_client_errors_writes_a_few_lines_a_minute_and_says_how_many_more(
    client, logged
):
    for _ in range(50):
        client.get("/", HTTP_HOST="evil.example")
    lines = logged()
    assert len(lines) == logs.PER_MINUTE
    window = next(f for f in site_handler().filters if isinstance(f, logs.ClientErrors))
    throttle = window._throttle
    throttle._window = {k: (v[0] - 61, v[1], v[2]) for k, v in throttle._window.items()}
    client.get("/", HTTP_HOST="evil.example")
    assert "(and 40 more like it, not logged)" in logged()[0]["message"]


def test_a_failure_of_the_site_keeps_its_traceback(client, logged, monkeypatch):
    client.raise_request_exception = False
    monkeypatch.setattr(
        "guide.web.views.render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom"))
    )
    client.get("/all/")
    lines = logged()
    assert any(line["level"] == "ERROR" and "exc_info" in line for line in lines), lines
