"""The caches behind the rate limits, pages and PDFs (guide/cache.py)."""

import logging
import multiprocessing
import threading
import time

import pytest
from django.core.cache.backends.locmem import LocMemCache

from config import cache as cache_module
from config.cache import FallbackCache, SharedCounters


def count_in(directory: str, times: int) -> None:
    counters = SharedCounters(directory, {})
    for _ in range(times):
        if not counters.add("hits", 1, 60):
            counters.incr("hits")


def test_workers_sharing_the_counters_lose_no_count(tmp_path):
    """Four processes counting at once, as gunicorn's workers count a client's requests."""
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=count_in, args=(str(tmp_path), 50)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert SharedCounters(str(tmp_path), {}).get("hits") == 200


def test_a_counter_ends_with_its_window(tmp_path):
    counters = SharedCounters(str(tmp_path), {})
    assert counters.add("window", 1, 0.2) and not counters.add("window", 1, 60)
    assert counters.incr("window") == 2
    time.sleep(0.3)
    assert counters.get("window") is None and counters.add("window", 1, 60)
    with pytest.raises(ValueError):
        counters.incr("never-added")


def test_counters_that_cannot_be_kept_let_requests_through_and_say_so(tmp_path, caplog):
    folder = tmp_path / "counters"
    folder.write_text("a file where the folder should be")
    counters = SharedCounters(str(folder), {})
    with caplog.at_level(logging.ERROR, logger="config.cache"):
        assert counters.add("k", 1, 60) is False
        with pytest.raises(ValueError):  # django-ratelimit: no count, so not limited
            counters.incr("k")
    assert counters.get("k") is None
    assert len([r for r in caplog.records if "counters unavailable" in r.getMessage()]) == 1


def test_a_damaged_counter_starts_again_rather_than_failing(tmp_path):
    counters = SharedCounters(str(tmp_path), {})
    counters.add("k", 1, 60)
    (damaged,) = tmp_path.glob("*.count")
    damaged.write_bytes(b"17000\x00garbage" * 10)
    assert counters.get("k") is None and counters.add("k", 1, 60) and counters.incr("k") == 2


def test_expired_counters_are_swept_so_the_folder_stays_small(tmp_path, monkeypatch):
    monkeypatch.setattr(SharedCounters, "SWEEP_EVERY", 100)
    counters = SharedCounters(str(tmp_path), {})
    counters.add("still-counting", 1, 60)
    for n in range(299):  # 299 clients come and go, each with a window of 50 ms
        counters.add(f"client-{n}", 1, 0.05)
    time.sleep(0.1)
    for n in range(100):  # the next 100 adds bring a sweep
        counters.add(f"later-{n}", 1, 60)
    assert len(list(tmp_path.glob("*.count"))) <= 101
    assert counters.get("still-counting") == 1


class BrokenCache(LocMemCache):
    """A shared cache that is down: every call fails, as django-redis's do without Redis."""

    calls = 0

    def _fail(self, *args, **kwargs):
        BrokenCache.calls += 1
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    add = get = set = incr = touch = delete = has_key = _fail


@pytest.fixture
def fallback(settings):
    settings.CACHES = {
        "default": settings.CACHES["default"],
        "down": {"BACKEND": "tests.test_cache.BrokenCache", "LOCATION": "down"},
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fb"},
    }
    BrokenCache.calls = 0
    cache_module._HEALTH.clear()
    yield FallbackCache("", {"OPTIONS": {"PRIMARY": "down", "FALLBACK": "memory"}})
    cache_module._HEALTH.clear()


def test_with_the_shared_cache_down_counts_and_pages_are_kept_in_memory(fallback):
    assert fallback.add("count", 1, 60)
    assert fallback.incr("count") == 2
    fallback.set("pdf", b"%PDF-", 60)
    assert fallback.get("pdf") == b"%PDF-"


def test_a_down_shared_cache_is_logged_once_not_once_a_request(fallback, caplog, monkeypatch):
    monkeypatch.setattr(FallbackCache, "RETRY_SECONDS", 0)  # try the shared cache every time
    with caplog.at_level(logging.ERROR, logger="config.cache"):
        for n in range(100):
            fallback.get(f"page-{n}")
        # Django gives each thread a cache object of its own; the report is the process's.
        twin = FallbackCache("", {"OPTIONS": {"PRIMARY": "down", "FALLBACK": "memory"}})
        other = threading.Thread(target=lambda: [twin.get(f"x-{n}") for n in range(100)])
        other.start()
        other.join()
    errors = [r for r in caplog.records if r.name == "config.cache"]
    assert BrokenCache.calls >= 199  # it was tried again and again...
    assert len(errors) == 1  # ...and said so once
    assert "Connection refused" in errors[0].getMessage()


def test_a_missing_counter_is_an_answer_not_an_outage(settings):
    settings.CACHES = {
        "default": settings.CACHES["default"],
        "up": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "up"},
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "m2"},
    }
    cache = FallbackCache("", {"OPTIONS": {"PRIMARY": "up", "FALLBACK": "memory"}})
    with pytest.raises(ValueError):
        cache.incr("never-added")
    cache.set("k", "shared", 60)
    assert cache.get("k") == "shared"
