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


def caches(shared: dict[str, Any] | None, *, key_prefix: str) -> dict[str, Any]:
    """The caches: "default" for rendered pages, PDFs, images and zips; "counters" for the rate
    limits' counts, apart, so that no flood of renders can push a count out and reset a limit;
    "steps" for interview steps, in each process's memory whatever CACHE_URL says (a step is
    cheap to make again, and many addresses name one).

    ``shared`` None (CACHE_URL unset, one machine): each worker process keeps its own, in
    memory, bounded in entries; rendered things are the same for every worker, so each making
    its own costs one render, and each counts its share of a rate limit (guide.services.limits).
    Redis: one cache for every server, failing open while it is down (config.cache).
    """

    def in_memory(name: str, entries: int) -> dict[str, Any]:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": name,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"MAX_ENTRIES": entries},  # past it, the oldest third goes
        }

    steps = in_memory("guide-steps", 2000)
    if shared is None or shared["BACKEND"].endswith("LocMemCache"):
        # A count is a few bytes: room for every client of a busy minute.
        return {
            "default": in_memory("guide", 500),
            "counters": in_memory("guide-counters", 50000),
            "steps": steps,
        }
    if shared["BACKEND"].startswith("django_redis"):
        options = {
            **shared.get("OPTIONS", {}),
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        }
        shared = {**shared, "BACKEND": "config.cache.FailOpenRedisCache", "OPTIONS": options}
    return {
        "default": {**shared, "KEY_PREFIX": key_prefix},
        "counters": {**shared, "KEY_PREFIX": key_prefix + ":n"},
        "steps": steps,
    }
