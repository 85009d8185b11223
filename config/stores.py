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
    """The cache: rendered pages, PDFs, images and zips, and the rate limits' counters.

    ``shared`` None (CACHE_URL unset, one machine): each worker process keeps its own, in
    memory, bounded in entries; rendered things are the same for every worker, so each making
    its own costs one render, and each counts its share of a rate limit (guide.services.limits).
    Redis: one cache for every server, failing open while it is down (config.cache).
    """
    if shared is None:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "guide",
                "KEY_PREFIX": key_prefix,
                "OPTIONS": {"MAX_ENTRIES": 500},  # past it, the oldest third goes
            }
        }
    if shared["BACKEND"].startswith("django_redis"):
        options = {
            **shared.get("OPTIONS", {}),
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        }
        shared = {**shared, "BACKEND": "config.cache.FailOpenRedisCache", "OPTIONS": options}
    return {"default": {**shared, "KEY_PREFIX": key_prefix}}
