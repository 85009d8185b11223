"""The cache behind pages, downloads and rate limits (config/cache.py, config/stores.py,
guide/services/limits.py)."""

import logging

import pytest
from django.test import RequestFactory
from django_ratelimit.exceptions import Ratelimited
from redis.exceptions import ConnectionError as RedisConnectionError

from config import cache as cache_module
from config import outages
from config.cache import FailOpenRedisCache
from config.stores import caches
from guide.services import limits


@pytest.fixture
def redis_down(monkeypatch):
    """A Redis that refuses every connection, as a stopped server does."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for method in ("get", "set", "add", "incr", "delete"):
        monkeypatch.setattr(cache_module.RedisCache, method, refuse)
    monkeypatch.setattr(cache_module, "_down_until", 0.0)
    monkeypatch.setattr(outages, "CACHE", outages.Outage("shared cache"))
    return calls


@pytest.fixture
def shared():
    return FailOpenRedisCache("redis://127.0.0.1:9/0", {})


def test_with_redis_down_reads_miss_writes_drop_and_counts_let_requests_through(
    redis_down, shared, monkeypatch
):
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0)
    assert shared.get("page", "missing") == "missing"
    assert shared.set("page", b"<html>", 60) is False
    assert shared.add("count", 1, 60) is False
    assert shared.incr("count") is None  # django-ratelimit: no count, so not limited


def test_a_down_redis_is_left_alone_for_a_while_after_it_fails(redis_down, shared):
    for n in range(50):
        shared.get(f"page-{n}")
    assert len(redis_down) == 1


def test_an_outage_is_reported_once_and_its_end_once(redis_down, shared, monkeypatch, caplog):
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0)
    with caplog.at_level(logging.INFO, logger="guide.availability"):
        for n in range(100):
            shared.get(f"page-{n}")
        monkeypatch.setattr(cache_module.RedisCache, "get", lambda *args, **kwargs: None)
        for n in range(10):  # Redis answers again
            shared.get(f"page-{n}")
    lines = [r.getMessage() for r in caplog.records if r.name == "guide.availability"]
    assert len(lines) == 2, lines
    assert "shared cache unavailable" in lines[0] and "Connection refused" in lines[0]
    assert "shared cache is back" in lines[1] and "100 request(s) failed" in lines[1]


def test_without_a_shared_cache_each_worker_keeps_its_own_bounded_memory():
    default = caches(None, key_prefix="r1")["default"]
    assert default["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert default["OPTIONS"]["MAX_ENTRIES"] == 500 and default["KEY_PREFIX"] == "r1"


def test_redis_fails_open_and_fast():
    shared = caches(
        {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://r:6379/0"},
        key_prefix="r1",
    )["default"]
    assert shared["BACKEND"] == "config.cache.FailOpenRedisCache"
    assert shared["OPTIONS"]["SOCKET_TIMEOUT"] <= 0.5


def test_each_worker_allows_its_share_so_the_machine_allows_no_more_than_the_limit(settings):
    settings.RATELIMIT_PDF = "30/m"
    settings.RATELIMIT_WORKERS = 4
    assert limits.rate("pdf") == "7/m"  # 4 workers x 7 = 28, never more than 30
    settings.RATELIMIT_WORKERS = 1
    assert limits.rate("pdf") == "30/m"


@pytest.mark.django_db
def test_a_limit_smaller_than_the_workers_still_lets_each_worker_serve_one(settings):
    settings.RATELIMIT_STARTER = "1/m"
    settings.RATELIMIT_WORKERS = 2
    assert limits.rate("starter") == "1/m"
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.50")
    limits.spend(request, "starter")
    with pytest.raises(Ratelimited):
        limits.spend(request, "starter")
