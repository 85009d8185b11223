"""The two cache backends the guide configures (settings.CACHES).

* ``SharedFileCache``: the single-machine default. Django's file cache, shared by every worker
  process on the machine, with ``add`` and ``incr`` made atomic under a file lock, so the rate
  limits (django-ratelimit counts with add + incr) hold for the machine, not per worker.
* ``FallbackCache``: in front of a shared cache such as Redis. While the shared cache answers,
  everything goes to it. When it fails, the guide keeps its promises from a small in-process
  memory cache instead (rate limits counted per worker, PDFs and pages cached per worker) and
  tries the shared cache again after ``RETRY_SECONDS``; the failure is logged once per interval,
  not once per request.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache

logger = logging.getLogger("guide.cache")


class SharedFileCache(FileBasedCache):
    """Django's file cache with atomic ``add`` and ``incr`` across processes."""

    _dir: str  # FileBasedCache's folder

    @contextmanager
    def _locked(self) -> Iterator[None]:
        Path(self._dir).mkdir(parents=True, exist_ok=True)
        with open(Path(self._dir) / "counters.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        with self._locked():
            return super().incr(key, delta, version)


@dataclass
class _Health:
    """How a shared cache has been doing, for the whole process (Django makes a cache object
    per thread, so this cannot live on one)."""

    down_until: float = 0.0
    logged_at: float = float("-inf")
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_HEALTH: dict[str, _Health] = {}


class FallbackCache(BaseCache):
    """A shared cache (OPTIONS["PRIMARY"], a cache alias) with per-process memory behind it
    for while the shared one is down (OPTIONS["FALLBACK"], another alias)."""

    RETRY_SECONDS = 5.0
    LOG_EVERY_SECONDS = 60.0

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = params.get("OPTIONS", {})
        self._primary_alias = options["PRIMARY"]
        self._fallback_alias = options["FALLBACK"]
        self._health = _HEALTH.setdefault(self._primary_alias, _Health())
        super().__init__({k: v for k, v in params.items() if k != "OPTIONS"})

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        health = self._health
        if time.monotonic() >= health.down_until:
            try:
                return getattr(caches[self._primary_alias], method)(*args, **kwargs)
            except ValueError:
                raise  # incr on a missing key: an answer, not a failure
            except Exception as exc:
                self._failed(exc)
        return getattr(caches[self._fallback_alias], method)(*args, **kwargs)

    def _failed(self, exc: Exception) -> None:
        health = self._health
        with health.lock:
            now = time.monotonic()
            health.down_until = now + self.RETRY_SECONDS
            health.failures += 1
            if now - health.logged_at < self.LOG_EVERY_SECONDS:
                return
            failures, health.logged_at, health.failures = health.failures, now, 0
        logger.error(
            "shared cache unavailable (%s: %s); using per-process memory, "
            "%d failure(s) since the last report",
            exc.__class__.__name__,
            exc,
            failures,
        )

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("add", key, value, timeout, version)

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set", key, value, timeout, version)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("touch", key, timeout, version)

    def delete(self, key: str, version: Any = None) -> Any:
        return self._call("delete", key, version)

    def incr(self, key: str, delta: int = 1, version: Any = None) -> Any:
        return self._call("incr", key, delta, version)

    def has_key(self, key: str, version: Any = None) -> Any:
        return self._call("has_key", key, version)

    def clear(self) -> None:
        self._call("clear")
