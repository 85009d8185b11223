"""What every request goes through before and after the views.

* ``ApiJsonMiddleware`` (outermost): under /api/, every answer is JSON, Django's own refusals
  included (405, a CSRF 403, a bad Host's 400, a 500), and a write that is not JSON is refused
  (415) before anything reads it: a form a page on another site posts is never read.
* ``RequestGuardMiddleware`` (first): a body that is too large is refused before a byte of it
  is read, and files are never stored; a method no page takes is a 405; the
  Cross-Origin-Resource-Policy header.
* ``LocaleMiddleware``: Django's, less the ``Vary: Accept-Language`` it puts on addresses whose
  language is the address's own.
* ``LanguageMiddleware`` (after it): the API answers in the language of ``Accept-Language``
  (its texts; ids and numbers never change), unless its view has fixed the answer's language;
  a first visit to ``/`` is sent to the language the browser prefers, or to the one chosen
  with the switcher.
* ``ServiceUnavailableMiddleware``: a database that cannot be reached is a 503 that says to
  try again (JSON under /api/), reported once per outage (config.outages); a request the
  database refuses as malformed is a 400.
"""

import json
import logging
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware import locale
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import has_vary_header, patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from guide.services import messages
from guide.services.permalinks import unavailable

from . import outages

logger = logging.getLogger("guide.availability")

#: The largest body the guide reads: its forms and JSON are a few hundred bytes.
MAX_BODY_BYTES = 64 * 1024
#: The methods a page may be asked with: reading, its forms, and OPTIONS (answered by Django).
PAGE_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})


class ApiJsonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.answer(request)
        if request.method == "HEAD":  # outermost: whatever was made inside, no body
            without_body(response)
        return response

    def answer(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        sent = request.META.get("CONTENT_LENGTH") not in (None, "", "0")
        if request.method in {"POST", "PUT", "PATCH"} and sent and not _is_json(request):
            return JsonResponse({"detail": messages.API_TAKES_JSON}, status=415)
        response = self.get_response(request)
        if _is_json(response) or response.streaming or response.status_code < 300:
            return response
        if response.status_code < 400:
            if "Location" in response:  # the one address of what was asked for
                as_json(response, {"location": response["Location"]})
            return response
        detail = messages.API_REFUSALS.get(response.status_code) or _phrase(response.status_code)
        as_json(response, {"detail": detail})
        return response


def as_json(response: HttpResponse, body: dict[str, str]) -> None:
    """``response`` with ``body`` as its JSON, its status and every other header kept (the
    security headers, Allow, Retry-After...)."""
    response.content = json.dumps(body, cls=DjangoJSONEncoder).encode()
    response["Content-Type"] = "application/json"
    if response.has_header("Content-Length"):  # said for the body it replaces
        response["Content-Length"] = str(len(response.content))


def _phrase(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "Refused."


def _is_json(message: HttpRequest | HttpResponse) -> bool:
    """Whether a request's body or a response is JSON (application/json, or a +json type)."""
    if isinstance(message, HttpRequest):
        kind = message.content_type or ""
    else:
        kind = message.get("Content-Type", "").partition(";")[0].strip()
    return kind == "application/json" or kind.endswith("+json")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.refuse_body(request) or self.refuse_method(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        # Unless the view says otherwise (the preview image does), no other site may embed it.
        response.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response

    def refuse_method(self, request: HttpRequest) -> HttpResponse | None:
        """405 for a method no page takes (PUT, DELETE, an invented one), before anything else
        answers it: the CSRF check would say the form had expired. (The API's operations say
        their own methods.)"""
        if request.method in PAGE_METHODS or request.path.startswith("/api/"):
            return None
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            message = messages.API_REFUSALS[405]
            response = render(request, "400.html", {"message": message}, status=405)
        response["Allow"] = "GET, HEAD, POST"
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
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": messages.BODY_TOO_LARGE}, status=413)
        return render(request, "400.html", {"message": messages.BODY_TOO_LARGE}, status=413)


def without_body(response: HttpResponseBase) -> None:
    """A HEAD's answer: the GET's headers, its length included, and no body. Django leaves
    the body for the server to drop, and gunicorn logs a warning each time it does."""
    if response.streaming:
        response.streaming_content = []  # type: ignore[attr-defined]  # closed as ever, later
    elif isinstance(response, HttpResponse):
        response.headers.setdefault("Content-Length", str(len(response.content)))
        response.content = b""


class ServiceUnavailableMiddleware:
    """A database that is down or unreachable gives a 503 that says to try again; the
    questionnaire and live panel need no database and keep working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            # Not an outage: the database refused what the request carried (a NUL byte, a
            # number out of range). The request is at fault.
            logger.warning(
                "database refused the request's data: %s %s", request.method, request.path
            )
            return render(request, "400.html", {"message": messages.CANNOT_STORE}, status=400)
        if not isinstance(exception, OperationalError | InterfaceError):
            return None  # any other DatabaseError is a bug: the site's 500 page, and a log
        outages.DATABASE.failed(exception)  # reported once for the whole outage
        return unavailable(request, messages.DATABASE_DOWN, messages.DATABASE_RETRY_AFTER)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, without its ``Vary: Accept-Language`` where the language
    is the address's: an unprefixed address is English whatever the browser asks
    (``prefix_default_language=False``), and a Vary there would make a shared cache, nginx's
    included, keep one copy per ``Accept-Language`` a client can invent. Where the header
    does choose (``/`` and the API), LanguageMiddleware has said so already."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        negotiated = has_vary_header(response, "Accept-Language")
        response = super().process_response(request, response)
        if not negotiated and has_vary_header(response, "Accept-Language"):
            kept = [
                field.strip()
                for field in response.headers["Vary"].split(",")
                if field.strip() and field.strip().lower() != "accept-language"
            ]
            if kept:
                response.headers["Vary"] = ", ".join(kept)
            else:
                del response.headers["Vary"]
        return response


class LanguageMiddleware:
    """Under /api/, the language of ``Accept-Language`` (Django's LocaleMiddleware gives the
    unprefixed addresses English), with ``Content-Language`` and ``Vary`` to say so. At ``/``,
    the browser's language: the one chosen with the switcher (its cookie), else the first of
    ``Accept-Language`` the guide speaks; English stays at ``/``, the others are a redirect
    to their prefix."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = _accepted(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            if "Content-Language" in response.headers:
                return response  # its view fixed its language: the same for every client
            response.headers["Content-Language"] = language
            patch_vary_headers(response, ("Accept-Language",))
            return response
        if request.path == "/" and request.method in ("GET", "HEAD"):
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if chosen not in settings.GUIDE_LANGUAGES:
                chosen = _accepted(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
            if chosen != settings.LANGUAGE_CODE:
                query = request.META.get("QUERY_STRING", "")
                response = HttpResponseRedirect(f"/{chosen}/" + (f"?{query}" if query else ""))
            else:
                response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        return self.get_response(request)


def _accepted(header: str) -> str:
    """The first language of an ``Accept-Language`` header the guide speaks (``pt`` finds
    ``pt-br``, ``zh-CN`` finds ``zh-hans``), else English."""
    for code, _ in parse_accept_lang_header(header[:500]):
        if code == "*":
            break
        try:
            found = translation.get_supported_language_variant(code)
        except LookupError:
            continue
        if found in settings.GUIDE_LANGUAGES:
            return found
    return str(settings.LANGUAGE_CODE)
