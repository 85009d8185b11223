"""How much one client may do: the rate limits of django-ratelimit, by group.

The counters live in the "default" cache. With Redis (CACHE_URL) every server counts in one
place. Without it each worker process counts in its own memory, so each allows its share of
the limit: a client spread over every worker of the machine still gets no more than the limit
(README, "Configuration").
"""

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited
from django_ratelimit.exceptions import Ratelimited

GROUPS = ("permalinks", "pdf", "starter", "pages", "teams", "team_answers")


def rate(group: str, request: HttpRequest | None = None) -> str:
    """The limit of ``group`` for this process, e.g. "20/m": settings.RATELIMIT_<GROUP>, read
    per request (so tests can change it), divided among settings.RATELIMIT_WORKERS."""
    count, _, period = str(getattr(settings, f"RATELIMIT_{group.upper()}")).partition("/")
    share = max(1, int(count) // settings.RATELIMIT_WORKERS)
    return f"{share}/{period}"


def check(request: HttpRequest, group: str) -> None:
    """``Ratelimited`` if the client has used up its limit for ``group`` already, so that the
    next ``spend`` would be refused; counts nothing."""
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        raise Ratelimited()


def spend(request: HttpRequest, group: str) -> None:
    """Count one request of ``group`` against the client's limit; ``Ratelimited`` past it."""
    if is_ratelimited(request, group=group, key="ip", rate=rate, increment=True):
        raise Ratelimited()
