"""The database and cache settings, built from the environment's values (settings.py calls
these; they import nothing of Django's, so settings can)."""

from __future__ import annotations

from typing import Any


def database(
    config: dict[str, Any], *, connect_timeout: int, query_timeout: float
) -> dict[str, Any]:
    """``config`` (from DATABASE_URL) with the guide's connection policy: connections kept
    between requests, and for PostgreSQL a deadline on every wait (guide/db/base.py)."""
    config = {**config, "CONN_MAX_AGE": config.get("CONN_MAX_AGE", 60), "CONN_HEALTH_CHECKS": True}
    if config["ENGINE"] != "django.db.backends.postgresql":
        return config
    # Django's backend, with a deadline on every wait for the server: a database that accepts
    # and never answers costs a 503 in seconds, not a hung worker.
    config["ENGINE"] = "config.db"
    # The server ends a slow statement first (QueryCanceled: one request fails); the client's
    # deadline, two seconds later, is for a server that does not answer at all.
    milliseconds = int(query_timeout * 1000)
    config["OPTIONS"] = {
        **config.get("OPTIONS", {}),
        "connect_timeout": connect_timeout,
        # The server ends a statement that runs too long, too.
        "options": f"-c statement_timeout={milliseconds}",
        # A lost peer is given up on, not waited for.
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 3,
        "keepalives_count": 3,
        "tcp_user_timeout": milliseconds,
    }
    return config


def caches(shared: dict[str, Any] | None, *, directory: str, key_prefix: str) -> dict[str, Any]:
    """The caches: "default" holds rendered pages, PDFs and zips; "counters" the rate limits.

    ``shared`` None (CACHE_URL unset, one machine): pages live in each worker's memory (they
    never change, so each worker making its own costs one render), while the counters live in
    files in ``directory`` that every worker shares, so a limit holds for the machine.
    Redis: one cache shared by every server for both; while Redis is down, pages fall back to
    each worker's memory and counters to the machine's files (guide/cache.py: FallbackCache).
    Every cache is bounded in entries.
    """
    memory = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "guide",
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {"MAX_ENTRIES": 500},  # past it, the oldest third goes
    }
    counters = {"BACKEND": "config.cache.SharedCounters", "LOCATION": directory}
    if shared is None:
        return {"default": memory, "counters": {**counters, "KEY_PREFIX": key_prefix}}
    if not shared["BACKEND"].startswith("django_redis"):
        return {
            "default": {**shared, "KEY_PREFIX": key_prefix},
            "counters": {**shared, "KEY_PREFIX": key_prefix},
        }
    options = {**shared.get("OPTIONS", {}), "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    return {
        "default": {
            "BACKEND": "config.cache.FallbackCache",
            "OPTIONS": {"PRIMARY": "shared", "FALLBACK": "memory"},
            "KEY_PREFIX": key_prefix,  # the release, as ETags read it; keys are the others'
        },
        # While Redis is down the counters go on in files the machine's workers share: a
        # client gets no more than on a single machine, and page churn cannot evict them.
        "counters": {
            "BACKEND": "config.cache.FallbackCache",
            "OPTIONS": {"PRIMARY": "shared", "FALLBACK": "local-counters"},
            "KEY_PREFIX": key_prefix,
        },
        "shared": {**shared, "OPTIONS": options, "KEY_PREFIX": key_prefix},
        "memory": memory,
        "local-counters": {**counters, "KEY_PREFIX": key_prefix},
    }
