"""One way to serve what is made once and then kept: a permalink's page, its PDF summary, its
preview image, its starter project and its decision record.

Each is the same bytes for everyone until the release or the rules change, so its cache key
names the rules' version, and its ETag is a digest of that key and the release: a client (or
a proxy) that has it gets 304 before anything is looked up or rendered, and a shared cache
(nginx's proxy_cache in `make serve`, a CDN) may keep it for a day (``s-maxage``).

A miss is the costly part, so a miss is bounded three ways:
- a request for what another thread of the process is making waits for those bytes (one
  render's length), so a new link asked for by many at once is made once;
- a render needs one of the process's RENDER_SLOTS. When they are all taken, up to
  RENDER_QUEUE requests wait for one, RENDER_WAIT seconds at most (two visitors who open their
  results at the same moment are both served); any other is answered at once with a 503 and
  Retry-After. Renders of different things so hold at most RENDER_SLOTS + RENDER_QUEUE
  threads of a process, and the rest of the site keeps the others;
- what is made counts against the client's limit for its group (guide.services.limits), so
  one address cannot make renders faster than its limit, while repeats stay free; a client
  already past its limit is refused before it waits for a slot.
docs/architecture.md, "Costly work", says why.

Each is named by its path and the few parameters its view reads (``query``). Any other query
string (an unknown parameter, one given twice, another spelling) is sent to that one address
with a 301, so a shared cache keyed by the address it was asked (nginx's) holds one entry per
thing, whatever a client adds to the link.

    return serve(request, f"pdf:{rules}:{slug}:letter", make, query={"paper": "letter"})
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache as once
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext

from . import limits, messages
from .permalinks import unavailable

#: How long a made thing is kept in the cache and may be kept by a shared cache.
DAY = 24 * 3600
#: Seconds a request waits for what another thread is making before it tries to make it
#: itself (a render takes well under one).
JOIN_WAIT = 10


@dataclass(frozen=True, slots=True)
class Made:
    """What a render made: its bytes and how they are served."""

    content: bytes
    content_type: str
    filename: str = ""  # a download's name; "" shows it in the browser
    #: False for bytes made for one visitor only (a page with a form and so a CSRF token):
    #: neither cached nor tagged, and no shared cache may keep them.
    shared: bool = True
    #: Seconds a browser may keep it without asking again; 0: it asks each time (and gets
    #: 304). Shared caches keep it for a DAY either way: the key changes with the rules.
    max_age: int = DAY


class Slots:
    """A process's render slots, and a short queue of requests waiting for one."""

    def __init__(self, slots: int) -> None:
        self._free = threading.BoundedSemaphore(max(1, slots))
        self._lock = threading.Lock()
        self._waiting = 0

    def acquire(self, queue: int, wait: float) -> bool:
        """Take a slot: at once, or after waiting at most ``wait`` seconds if fewer than
        ``queue`` requests wait already. False: none to be had."""
        if self._free.acquire(blocking=False):
            return True
        with self._lock:
            if self._waiting >= queue or wait <= 0:
                return False
            self._waiting += 1
        try:
            return self._free.acquire(timeout=wait)
        finally:
            with self._lock:
                self._waiting -= 1

    def release(self) -> None:
        self._free.release()


class InFlight:
    """What this process is making now, by key: a request that misses what another thread is
    already making waits for those bytes (one render's length) instead of making them again,
    and takes no slot. A popular new link asked for by many at once is made once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._making: dict[str, threading.Event] = {}
        self._waiting: dict[str, int] = {}

    def claim(self, key: str) -> threading.Event | None:
        """None if this request is to make ``key`` (it then calls ``done(key)``), or the event
        that the thread making it sets when it is done."""
        with self._lock:
            event = self._making.get(key)
            if event is None:
                self._making[key] = threading.Event()
                return None
            self._waiting[key] = self._waiting.get(key, 0) + 1
            return event

    def join(self, key: str, event: threading.Event) -> Made | None:
        """The bytes for ``key`` once the thread making them is done, from the cache; None if
        they were not kept (an error, a 404, a page for one visitor) or took too long: then the
        caller makes its own."""
        try:
            if not event.wait(timeout=JOIN_WAIT):
                return None
        finally:
            with self._lock:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
        made: Made | None = cache.get(key)
        return made

    def done(self, key: str) -> None:
        with self._lock:
            event = self._making.pop(key)
        event.set()

    def waiting(self, key: str) -> int:
        """How many requests wait for ``key`` now."""
        with self._lock:
            return self._waiting.get(key, 0)


_making = InFlight()


@once
def _slots() -> Slots:
    """This process's render slots (made on first use, so each forked worker has its own)."""
    return Slots(settings.RENDER_SLOTS)


def etag_for(key: str) -> str:
    """The ETag of what ``key`` names in this release: a new release (which may change the
    look of a page or a PDF) changes every tag."""
    digest = hashlib.sha256(f"{settings.RELEASE}:{key}".encode()).hexdigest()
    return f'"{digest[:24]}"'


def busy(request: HttpRequest) -> HttpResponse:
    """Every render slot is taken: 503, try again in a few seconds, with a link that does."""
    back = (request.get_full_path(), gettext("Try again"))
    return unavailable(request, messages.RENDERS_BUSY, messages.RENDERS_BUSY_RETRY_AFTER, back=back)


def render_once(
    request: HttpRequest, key: str, make: Callable[[], Made], limit: str | None
) -> Made | None:
    """Made by ``make()`` in one of the process's render slots and kept, and counted against
    the client's ``limit``; None if no slot came free."""
    if limit is not None:
        limits.check(request, limit)  # past it already: refused before it takes a slot
    slots = _slots()
    if not slots.acquire(settings.RENDER_QUEUE, settings.RENDER_WAIT):
        return None
    try:
        made: Made | None = cache.get(key)  # made while this request waited for the slot
        if made is not None:
            return made
        if limit is not None:
            limits.spend(request, limit)  # only what is made counts (Ratelimited past it)
        made = make()
        if made.shared:
            cache.set(key, made, timeout=DAY)
        return made
    finally:
        slots.release()


def canonical(request: HttpRequest, query: Mapping[str, str]) -> HttpResponse | None:
    """A 301 to the address with ``query`` as its whole query string, when the request's is
    anything else; None when it is that already."""
    wanted = urlencode(query)
    if request.META.get("QUERY_STRING", "") == wanted:
        return None
    return HttpResponsePermanentRedirect(request.path + (f"?{wanted}" if wanted else ""))


def serve(
    request: HttpRequest,
    key: str,
    make: Callable[[], Made],
    *,
    limit: str | None = None,
    query: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The response for what ``key`` names: 304 when the client already has it, else from the
    cache, else from the thread already making it, else made by ``make()`` (which may raise
    Http404 and the like) and kept. Making it counts against the client's ``limit`` group
    (``Ratelimited`` past it) and needs a render slot (else 503). ``query`` is what the view
    read of the query string; a request that says more, or says it otherwise, is redirected to
    the address that says just that (``canonical``). The key is kept per language (the
    request's active one)."""
    moved = canonical(request, query or {})
    if moved is not None:
        return moved
    # What is made holds text: each language is made and kept apart.
    key = f"{translation.get_language() or settings.LANGUAGE_CODE}:{key}"
    etag = etag_for(key)
    tagged = HttpResponse()
    tagged["ETag"] = etag
    not_modified = get_conditional_response(request, etag=etag, response=tagged)
    if not_modified is not None and not_modified is not tagged:
        return not_modified
    made: Made | None = cache.get(key)
    if made is None:
        event = _making.claim(key)
        if event is not None:  # another thread of this process is making it: its bytes
            made = _making.join(key, event)
        if made is None:
            try:
                made = render_once(request, key, make, limit)
            finally:
                if event is None:
                    _making.done(key)
        if made is None:
            return busy(request)
    response = HttpResponse(made.content, content_type=made.content_type)
    if made.filename:
        response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    if made.shared:
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=made.max_age, s_maxage=DAY)
    else:
        patch_cache_control(response, private=True)
    return response
