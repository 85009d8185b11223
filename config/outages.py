"""An outage is a state, not an error per request: one warning when a service (the database,
the shared cache) goes away, one line when it is back, with how long it was gone and how many
requests it failed, and nothing in between. Each worker process reports its own."""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("guide.availability")


class Outage:
    def __init__(self, service: str) -> None:
        self.service = service
        self.since: float | None = None  # monotonic seconds, while it is down
        self.failures = 0
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        """A request could not use the service: the first failure of an outage is logged, the
        rest only counted. A known outage needs no traceback: its cause is in the line."""
        with self._lock:
            self.failures += 1
            first = self.since is None
            if first:
                self.since = time.monotonic()
        if first:
            logger.warning(
                "%s unavailable (%s: %s); requests that need it fail until it is back",
                self.service,
                exc.__class__.__name__,
                " ".join(str(exc).split())[:200],
            )

    def ok(self) -> None:
        """The service answered: if it was down, say it is back (cheap when it was not)."""
        if self.since is None:
            return
        with self._lock:
            if self.since is None:
                return
            down_for, failures = time.monotonic() - self.since, self.failures
            self.since, self.failures = None, 0
        logger.warning(
            "%s is back after %.0f s; %d request(s) failed while it was down",
            self.service,
            down_for,
            failures,
        )


DATABASE = Outage("database")
CACHE = Outage("shared cache")
