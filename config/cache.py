"""The two cache backends the guide configures (settings.CACHES).

* ``SharedCounters``: the rate limits' store on one machine. Whole-number counters in files
  that every worker process shares, each changed under a lock, so the limits (django-ratelimit
  counts with add + incr) hold for the machine, not per worker.
* ``FallbackCache``: in front of a shared cache such as Redis. While the shared cache answers,
  everything goes to it. When it fails, the guide keeps its promises from a small in-process
  memory cache instead (rate limits counted per worker, PDFs and pages cached per worker) and
  tries the shared cache again after ``RETRY_SECONDS``; the failure is logged once per interval,
  not once per request.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

logger = logging.getLogger("config.cache")


class SharedCounters(BaseCache):
    """Whole-number counters in small files that every process on the machine shares: the
    rate limits' store on one machine (django-ratelimit counts with ``add`` and ``incr``).

    Each counter is one file holding "<expiry> <value>", read and written under a lock on
    the file itself, so two workers counting at once lose nothing, and a count costs a few
    system calls, not a pickle. Expired files are swept now and then, so the folder holds
    about as many files as there are live counters. Only whole numbers can be stored.
    """

    SWEEP_EVERY = 500  # adds
    RECORD = 45  # bytes: "<expiry, 24> <value, 20>"

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._dir = Path(location)
        self._adds = 0
        self._logged_at = float("-inf")
        with contextlib.suppress(OSError):  # reported on first use, as every failure is
            self._dir.mkdir(parents=True, exist_ok=True)

    def _failed(self, exc: Exception) -> None:
        """A folder that cannot be written (full, read-only, gone): the limits let requests
        through (RATELIMIT_FAIL_OPEN) rather than fail them, and say so once a minute."""
        now = time.monotonic()
        if now - self._logged_at >= 60:
            self._logged_at = now
            logger.error("rate-limit counters unavailable in %s: %s", self._dir, exc)

    def _path(self, key: str, version: int | None) -> str:
        name = hashlib.sha256(self.make_and_validate_key(key, version=version).encode())
        return os.path.join(self._dir, name.hexdigest()[:40] + ".count")

    @contextmanager
    def _locked(self, key: str, version: int | None) -> Iterator[int]:
        """The counter's file, open and locked (plain system calls: a count is on every
        rate-limited request's path)."""
        path = self._path(key, version)
        while True:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # released when the file is closed
            try:
                if os.fstat(descriptor).st_ino == os.stat(path).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(descriptor)  # swept away while we waited for it: open the new one
        try:
            yield descriptor
        finally:
            os.close(descriptor)

    @staticmethod
    def _parse(data: bytes) -> tuple[float, int] | None:
        """A live counter's (expiry, value); None for an expired, empty or unreadable one."""
        expiry, _, value = data.strip().partition(b" ")
        try:
            parsed = float(expiry), int(value)
        except ValueError:
            return None
        return None if parsed[0] and parsed[0] <= time.time() else parsed

    @classmethod
    def _read(cls, descriptor: int) -> tuple[float, int] | None:
        return cls._parse(os.pread(descriptor, cls.RECORD, 0))

    @staticmethod
    def _write(descriptor: int, expiry: float, value: int) -> None:
        # A fixed-width record written over the old one in one call: no truncation (which
        # costs the file system more than the count), and nothing half old, half new.
        os.pwrite(descriptor, f"{expiry:024.6f} {int(value):020d}".encode(), 0)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        self._adds += 1
        try:
            if self._adds % self.SWEEP_EVERY == 0:
                self._sweep()
            with self._locked(key, version) as descriptor:
                if self._read(descriptor) is not None:
                    return False
                self._write(descriptor, self.get_backend_timeout(timeout) or 0.0, value)
                return True
        except OSError as exc:
            self._failed(exc)
            return False

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        try:
            with self._locked(key, version) as descriptor:
                current = self._read(descriptor)
                if current is not None:
                    self._write(descriptor, current[0], current[1] + delta)
                    return current[1] + delta
        except OSError as exc:
            self._failed(exc)
        raise ValueError(f"Key '{key}' not found")  # django-ratelimit: no count, let it pass

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        try:
            descriptor = os.open(self._path(key, version), os.O_RDONLY)
        except OSError:
            return default  # and no empty file is left behind for a mere look
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            current = self._read(descriptor)
        finally:
            os.close(descriptor)
        return default if current is None else current[1]

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        with self._locked(key, version) as descriptor:
            self._write(descriptor, self.get_backend_timeout(timeout) or 0.0, value)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        with self._locked(key, version) as descriptor:
            current = self._read(descriptor)
            if current is not None:
                self._write(descriptor, self.get_backend_timeout(timeout) or 0.0, current[1])
        return current is not None

    def delete(self, key: str, version: Any = None) -> bool:
        try:
            os.unlink(self._path(key, version))
        except FileNotFoundError:
            return False
        return True

    def has_key(self, key: str, version: Any = None) -> bool:
        return self.get(key, version=version) is not None

    def clear(self) -> None:
        for path in self._dir.glob("*.count"):
            path.unlink(missing_ok=True)

    def _sweep(self) -> None:
        """Remove the counters whose time is up, each under its lock (so a count being made
        is never lost) and read again there."""
        for path in self._dir.glob("*.count"):
            with contextlib.suppress(OSError):
                descriptor = os.open(path, os.O_RDWR)
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX)
                    if self._read(descriptor) is None:
                        os.unlink(path)
                finally:
                    os.close(descriptor)


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
