"""Redis as django-redis has it, failing open: while Redis is down a read is a miss, a write is
dropped and a rate-limit count lets the request through (RATELIMIT_FAIL_OPEN). The outage is
reported once (config.outages), and Redis is left alone for RETRY_SECONDS after a failure, so a
dead server costs a request nothing but a render. Home-made because django-redis's own switch
(DJANGO_REDIS_IGNORE_EXCEPTIONS) logs every failed call, or none, and never says it is back.
"""

from __future__ import annotations

import time
from typing import Any

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from . import outages

RETRY_SECONDS = 5.0
_down_until = 0.0


class FailOpenRedisCache(RedisCache):  # type: ignore[misc]  # django-redis has no types
    def _try(self, method: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        global _down_until
        if time.monotonic() < _down_until:
            return fallback
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except (RedisError, ConnectionInterrupted) as exc:
            _down_until = time.monotonic() + RETRY_SECONDS
            outages.CACHE.failed(exc)
            return fallback
        outages.CACHE.ok()
        return result

    def get(self, key: Any, default: Any = None, version: Any = None, client: Any = None) -> Any:
        return self._try("get", default, key, default, version, client)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._try("set", False, *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._try("add", False, *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._try("incr", None, *args, **kwargs)  # None: django-ratelimit lets it pass

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._try("delete", False, *args, **kwargs)
