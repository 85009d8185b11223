"""One way to serve what is made once and then kept: a permalink's page, its PDF summary, its
preview image and its starter project.

Each is the same bytes for everyone until the release or the rules change, so its cache key
names the rules' version, and its ETag is a digest of that key and the release: a client (or
a proxy) that has it gets 304 before anything is looked up or rendered. A miss renders once
per process at a time: threads that miss together wait for the first one's bytes instead of
rendering them again.

    return serve(request, f"pdf:{rules}:{slug}:a4", make_pdf)
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

#: How long a made thing is kept in the cache and may be kept by a client.
DAY = 24 * 3600

_making = threading.Lock()


@dataclass(frozen=True, slots=True)
class Made:
    """What a render made: its bytes and how they are served."""

    content: bytes
    content_type: str
    filename: str = ""  # a download's name; "" shows it in the browser
    #: False for bytes made for one visitor only (a page with a form and so a CSRF token):
    #: neither cached nor tagged.
    shared: bool = True
    #: Seconds a client may keep it without asking again; 0: it asks each time (and gets 304).
    max_age: int = DAY


def etag_for(key: str) -> str:
    """The ETag of what ``key`` names in this release: a new release (which may change the
    look of a page or a PDF) changes every tag."""
    digest = hashlib.sha256(f"{settings.RELEASE}:{key}".encode()).hexdigest()
    return f'"{digest[:24]}"'


def serve(request: HttpRequest, key: str, make: Callable[[], Made]) -> HttpResponse:
    """The response for what ``key`` names: 304 when the client already has it, else from the
    cache, else made by ``make()`` (which may raise Http404 and the like) and kept."""
    etag = etag_for(key)
    tagged = HttpResponse()
    tagged["ETag"] = etag
    not_modified = get_conditional_response(request, etag=etag, response=tagged)
    if not_modified is not None and not_modified is not tagged:
        return not_modified
    made: Made | None = cache.get(key)
    if made is None:
        with _making:
            made = cache.get(key)
            if made is None:
                made = make()
                if made.shared:
                    cache.set(key, made, timeout=DAY)
    response = HttpResponse(made.content, content_type=made.content_type)
    if made.filename:
        response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    if made.shared:
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=made.max_age)
    return response
