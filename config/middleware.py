"""What every request goes through before and after the views.

* ``RequestGuardMiddleware`` (first): HEAD is answered wherever GET is; a body that is too
  large is refused before a byte of it is read, and files are never stored; the
  Cross-Origin-Resource-Policy header.
* ``ServiceUnavailableMiddleware``: a database that cannot be reached is a 503 that says to
  try again; a request the database refuses as malformed is a 400.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from guide.services.permalinks import way_back

logger = logging.getLogger("guide.availability")

RETRY_AFTER_SECONDS = 30
TRACEBACK_EVERY_SECONDS = 60.0
#: The largest body the guide reads: its forms and JSON are a few hundred bytes.
MAX_BODY_BYTES = 64 * 1024


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.refuse_body(request)
        if refusal is not None:
            return refusal
        head = request.method == "HEAD"
        if head:
            # HEAD is GET without the body (RFC 9110): every view that answers GET answers it.
            request.method = "GET"
        response = self.get_response(request)
        if head and not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        # Unless the view says otherwise (the preview image does), no other site may embed it.
        response.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response

    def refuse_body(self, request: HttpRequest) -> HttpResponse | None:
        """413 for a body over MAX_BODY_BYTES, before it is read. (A smaller one that carries
        files has them dropped as it is parsed: FILE_UPLOAD_HANDLERS is empty.)"""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= MAX_BODY_BYTES:
            return None
        message = "That request was far larger than any form this site sends; it takes no files."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        return render(request, "400.html", {"message": message}, status=413)


class ServiceUnavailableMiddleware:
    """A database that is down or unreachable gives a 503 page that says to try again, and a
    logged error; the questionnaire and live panel need no database and keep working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.traceback_logged_at = -TRACEBACK_EVERY_SECONDS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            # Not an outage: the database refused what the request carried (a NUL byte, a
            # number out of range). The request is at fault.
            logger.warning(
                "database refused the request's data: %s %s", request.method, request.path
            )
            message = "Something in that request cannot be stored or searched for."
            return render(request, "400.html", {"message": message}, status=400)
        if not isinstance(exception, OperationalError | InterfaceError):
            return None  # any other DatabaseError is a bug: the site's 500 page, and a log
        # One traceback a minute is enough to diagnose an outage; every request after it is
        # one short line.
        now = time.monotonic()
        first = now - self.traceback_logged_at >= TRACEBACK_EVERY_SECONDS
        if first:
            self.traceback_logged_at = now
        logger.error(
            "database unavailable: %s %s: %s",
            request.method,
            request.path,
            exception.__class__.__name__,
            exc_info=exception if first else None,
        )
        back, label = way_back(request)
        message = "The guide could not reach its database just now."
        context: dict[str, object] = {"message": message, "back": back, "back_label": label}
        context["retry_after"] = RETRY_AFTER_SECONDS
        response = render(request, "503.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
