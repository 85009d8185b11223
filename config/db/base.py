"""PostgreSQL as Django's own backend has it, with a deadline on every wait for the server.

libpq's ``connect_timeout`` bounds a connection attempt, but a server (or anything in between)
that takes a query and never answers holds the request for good: psycopg waits without a
limit, and TCP keepalives do not fire while the peer's kernel still acknowledges. So every wait
on an open connection gets a deadline, ``DATABASE_QUERY_TIMEOUT`` seconds (the server's own
``statement_timeout``) and two more for the answer to arrive; past it the
connection is closed and the query fails with ``OperationalError``, which the site answers with
a 503 (config.middleware, which reports the outage once: config.outages). After such a failure
the process does not try the database again for ``DATABASE_RETRY_SECONDS``, so a hung server
costs each thread one wait, not one per request.

Use it as ``ENGINE: "config.db"``; settings.py does so for every postgres:// DATABASE_URL.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import errors

from config import outages


class _Breaker:
    """When this process may try the database again (monotonic seconds)."""

    lock = threading.Lock()
    until = 0.0

    @classmethod
    def trip(cls) -> None:
        with cls.lock:
            cls.until = time.monotonic() + settings.DATABASE_RETRY_SECONDS

    @classmethod
    def check(cls) -> None:
        # Unless another worker has met the database since: then it is back, for this one too.
        if time.monotonic() < cls.until and outages.DATABASE.down:
            raise psycopg.OperationalError("the database failed a moment ago; not trying yet")


class DeadlineConnection(psycopg.Connection[Any]):
    """A psycopg connection whose waits for the server end at DATABASE_QUERY_TIMEOUT."""

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = settings.DATABASE_QUERY_TIMEOUT + 2 if timeout is None else timeout
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except errors._WaitTimeout:
            # Mid-query: the connection's state is unknown, so it is not used again.
            self.close()
            _Breaker.trip()
            raise psycopg.OperationalError(f"no answer within {limit:g} s") from None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        _Breaker.check()
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.OperationalError:
            _Breaker.trip()
            raise
        connection.__class__ = DeadlineConnection
        outages.DATABASE.ok()
        return connection
