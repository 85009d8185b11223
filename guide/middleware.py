"""Turn an unreachable database into a clear 503 instead of a 500."""

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permalinks import way_back

logger = logging.getLogger("guide.availability")

RETRY_AFTER_SECONDS = 30


class ServiceUnavailableMiddleware:
    """A database that is down or unreachable gives a 503 page that says to try again, and a
    logged error; the questionnaire and live panel need no database and keep working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DatabaseError):
            return None
        logger.error(
            "database unavailable: %s %s: %s",
            request.method,
            request.path,
            exception.__class__.__name__,
            exc_info=exception,
        )
        back, label = way_back(request)
        message = "The guide could not reach its database just now."
        context: dict[str, object] = {"message": message, "back": back, "back_label": label}
        context["retry_after"] = RETRY_AFTER_SECONDS
        response = render(request, "503.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
