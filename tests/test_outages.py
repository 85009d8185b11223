"""How an outage is told (config/outages.py): once when it starts, once when it ends."""

import logging

import pytest

from config import outages


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(outages.time, "monotonic", lambda: now[0])
    return now


def said(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "guide.availability"]


def test_an_outage_is_said_when_it_starts_and_when_it_ends_with_what_it_failed(caplog, clock):
    outage = outages.Outage("database")
    with caplog.at_level(logging.WARNING):
        for _ in range(50):
            outage.failed(OSError("refused"))
        clock[0] += 40
        outage.ok()
        outage.ok()
    assert said(caplog) == [
        "database unavailable (OSError: refused); requests that need it fail until it is back",
        "database is back after 40 s; 50 request(s) failed while it was down",
    ]


def test_a_straggler_right_after_the_end_is_not_a_new_outage(caplog, clock):
    outage = outages.Outage("database")
    outage.failed(OSError("refused"))
    clock[0] += 40
    outage.ok()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        clock[0] += 0.2
        outage.failed(OSError("refused"))  # a request that set out before it was back
        clock[0] += 0.1
        outage.ok()
    assert said(caplog) == []


def test_a_new_outage_right_after_the_end_is_said_once_it_lasts(caplog, clock):
    outage = outages.Outage("database")
    outage.failed(OSError("refused"))
    outage.ok()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        outage.failed(OSError("refused again"))
        clock[0] += outages.SETTLE
        outage.failed(OSError("refused again"))
        outage.failed(OSError("refused again"))
        clock[0] += 10
        outage.ok()
    assert said(caplog) == [
        "database unavailable (OSError: refused again); requests that need it fail until it "
        "is back",
        "database is back after 15 s; 3 request(s) failed while it was down",
    ]
