"""An outage is a state, not an error per request: one warning when a service (the database,
the shared cache) goes away, one line when it is back, with how long it was gone and how many
requests it failed, and nothing in between.

The state lives in memory shared by every worker a gunicorn master forks (it loads the app
before forking, gunicorn.conf.py), so a pool of workers says it once, not once per process.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger("guide.availability")


#: Seconds after a service is back in which a failure is taken for a straggler of the outage
#: just over (a request that set out before it ended), not a new one: said only if it lasts.
SETTLE = 5.0


class Outage:
    def __init__(self, service: str) -> None:
        self.service = service
        # Monotonic seconds since it went away (the clock is the machine's, the same in every
        # process), 0.0 while it is up; the requests it failed since; whether it was said;
        # and when the last outage ended.
        self._since = multiprocessing.Value("d", 0.0, lock=False)
        self._failures = multiprocessing.Value("q", 0, lock=False)
        self._said = multiprocessing.Value("b", 0, lock=False)
        self._back_at = multiprocessing.Value("d", -SETTLE, lock=False)
        self._lock = multiprocessing.Lock()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # Held for a few instructions. A worker killed while holding it would leave it taken:
        # then the others count without it rather than wait.
        locked = self._lock.acquire(timeout=0.5)
        try:
            yield
        finally:
            if locked:
                self._lock.release()

    @property
    def down(self) -> bool:
        return bool(self._since.value != 0.0)

    def failed(self, exc: BaseException) -> None:
        """A request could not use the service: an outage is logged once, at its first failure
        (or, right after the last one ended, once it has lasted SETTLE seconds); the rest are
        only counted. A known outage needs no traceback: its cause is in the line."""
        now = time.monotonic()
        with self._locked():
            self._failures.value += 1
            if self._since.value == 0.0:
                self._since.value = now
            say = not self._said.value and (
                now - self._back_at.value >= SETTLE or now - self._since.value >= SETTLE
            )
            if say:
                self._said.value = 1
        if say:
            logger.warning(
                "%s unavailable (%s: %s); requests that need it fail until it is back",
                self.service,
                exc.__class__.__name__,
                " ".join(str(exc).split())[:200],
            )

    def ok(self) -> None:
        """The service answered: if it was down, say it is back (cheap when it was not)."""
        if self._since.value == 0.0:
            return
        now = time.monotonic()
        with self._locked():
            if self._since.value == 0.0:
                return
            down_for, failures, said = (
                now - self._since.value,
                self._failures.value,
                self._said.value,
            )
            self._since.value, self._failures.value, self._said.value = 0.0, 0, 0
            self._back_at.value = now
        if said:
            logger.warning(
                "%s is back after %.0f s; %d request(s) failed while it was down",
                self.service,
                down_for,
                failures,
            )


DATABASE = Outage("database")
CACHE = Outage("shared cache")
