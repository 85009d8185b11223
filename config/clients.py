"""Who a client is, for the rate limits (django-ratelimit) and the admin's lockouts
(django-axes).

Behind N trusted proxies (TRUSTED_PROXIES=N) the client is the N-th address from the right of
X-Forwarded-For: the one our own proxy appended. Entries further left are whatever the client
chose to send, so they are never trusted.

A setting that does not match the proxies in front (too few hops, none at all), or a proxy
that writes ``ip:port`` or something that is no address, must never break a request: the
client is then the nearest address that is one (the proxy's own, at worst), and the first
such request of a process logs one warning; `manage.py check --deploy` repeats it
(config.checks) while it lasts.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

logger = logging.getLogger("guide.clients")

#: The address of a request that names none at all (one made inside the process).
NOWHERE = "0.0.0.0"
#: Where the last mismatch seen is kept for the deploy check: the counters' cache, which every
#: worker of the machine (or of every machine, with Redis) shares.
MISMATCH_KEY = "clients:forwarded-mismatch"
MISMATCH_SECONDS = 24 * 3600

_warned: set[str] = set()


def address(text: str) -> str | None:
    """``text`` as an IP address ("203.0.113.7", "2001:db8::1"), with a port or brackets
    taken off ("203.0.113.7:5120", "[2001:db8::1]:443"), and an IPv4 client on a socket that
    takes both ("::ffff:203.0.113.7") as its IPv4 address; None if it is none."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6] or [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(found, "ipv4_mapped", None)
    return str(mapped or found)


def client_ip(request: HttpRequest) -> str:
    """The client's address: TRUSTED_PROXIES hops from the right of X-Forwarded-For, or the
    nearest hop before it that is an address; never raises."""
    proxies = max(0, settings.TRUSTED_PROXIES)
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    # Nearest first: the peer, then each proxy's entry from the right.
    hops = [str(request.META.get("REMOTE_ADDR") or ""), *reversed(forwarded)]
    wanted = (hops[proxies] if proxies < len(hops) else "") or None
    found = address(wanted) if wanted is not None else None
    if found is not None:
        if not proxies and forwarded and ipaddress.ip_address(found).is_loopback:
            # A proxy on this machine in front, and the guide not told: every client is it.
            notice(request, proxies, len(forwarded), None)
        return found
    notice(request, proxies, len(forwarded), wanted)
    for hop in reversed(hops[: min(proxies, len(hops))]):
        found = address(hop)
        if found is not None:
            return found
    return NOWHERE


def notice(request: HttpRequest, proxies: int, forwarded: int, wanted: str | None) -> None:
    """A request whose forwarded addresses don't match TRUSTED_PROXIES: a warning the first
    time in this process, and a note for `check --deploy`. A request made inside the process
    (no peer address at all) is not one."""
    if not request.META.get("REMOTE_ADDR") and not forwarded:
        return
    if wanted is None and not proxies:
        kind, problem = (
            "unknown proxy",
            (
                "TRUSTED_PROXIES=0 but requests arrive through a proxy on this machine, with "
                "X-Forwarded-For: every client is taken to be the proxy and shares its limits"
            ),
        )
    elif wanted is None:
        kind, problem = (
            "hops",
            (
                f"TRUSTED_PROXIES={proxies} but requests arrive with {forwarded} forwarded "
                f"address{'es' if forwarded != 1 else ''} (X-Forwarded-For): the client is taken "
                "to be the nearest proxy, so every client shares its limits"
            ),
        )
    else:
        kind, problem = (
            "not an address",
            (
                f"the address TRUSTED_PROXIES={proxies} points at is not an address "
                f"({wanted[:60]!r}): the nearest one before it is used"
            ),
        )
    if kind not in _warned:  # one line a kind: a client's header cannot write more
        _warned.add(kind)
        logger.warning("client addresses: %s", problem)
    caches[settings.RATELIMIT_USE_CACHE].set(MISMATCH_KEY, problem, MISMATCH_SECONDS)


def login_ip(request: HttpRequest) -> str | None:
    """The client's address for django-axes, which stores it: None when there is none (a
    request made inside the process, such as a test client's log-in)."""
    found = client_ip(request)
    return None if found == NOWHERE else found
