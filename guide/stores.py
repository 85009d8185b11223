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
    config["ENGINE"] = "guide.db"
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
    """The cache holds rate-limit counters, rendered permalink pages and PDFs.

    ``shared`` None (CACHE_URL unset): a file cache in ``directory`` that every worker process
    on this machine shares, so the limits hold for the machine, bounded in entries. Redis: the
    shared cache of every server, with per-process memory behind it while it is down
    (guide/cache.py: FallbackCache)."""
    if shared is None:
        # At most MAX_ENTRIES entries: past it the oldest third is culled.
        shared = {
            "BACKEND": "guide.cache.SharedFileCache",
            "LOCATION": directory,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    if not shared["BACKEND"].startswith("django_redis"):
        return {"default": {**shared, "KEY_PREFIX": key_prefix}}
    options = {**shared.get("OPTIONS", {}), "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    return {
        "default": {
            "BACKEND": "guide.cache.FallbackCache",
            "OPTIONS": {"PRIMARY": "shared", "FALLBACK": "memory"},
            "KEY_PREFIX": key_prefix,  # the release, as ETags read it; keys are the others'
        },
        "shared": {**shared, "OPTIONS": options, "KEY_PREFIX": key_prefix},
        "memory": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "guide",
            "KEY_PREFIX": key_prefix,
        },
    }
