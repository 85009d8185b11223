"""Every refusal is JSON: ``{"detail": "...", "errors": [...]}`` with status 400 for bad input
(bad answers, a body of the wrong shape, not JSON, or too large), and ``{"detail": "..."}``
for the rest: 404 (an unknown permalink or address), 429 (the permalink rate limit). A database
that cannot be reached is the site's middleware's to answer (503), as for the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from guide.engine import AnswerProblem
from guide.services import messages, teams

from .schemas import ErrorItem, Problem

E = TypeVar("E", bound=Exception)


class NothingToStore(Exception):
    """Raised by a route asked to store answers that give nothing to recommend on."""


class AnswersRefused(Exception):
    """Raised by a route whose answers failed the answer check."""

    def __init__(self, problems: tuple[AnswerProblem, ...]):
        self.problems = problems
        super().__init__(problems)


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every exception a route can meet into JSON."""

    def on(exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
        # ninja's annotation asks for a handler of "E | type[E]"; it only ever passes E.
        api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]

    def problem(request: HttpRequest, detail: str, errors: list[dict[str, Any]]) -> HttpResponse:
        body = Problem(detail=detail, errors=[ErrorItem(**e) for e in errors]).model_dump()
        return api.create_response(request, body, status=400)

    def message(request: HttpRequest, detail: str, status: int, retry: int = 0) -> HttpResponse:
        response = api.create_response(request, {"detail": detail}, status=status)
        if retry:
            response["Retry-After"] = str(retry)
        return response

    def answers_refused(request: HttpRequest, exc: AnswersRefused) -> HttpResponse:
        errors = [
            error_item(
                "start" if p.question == "start" else f"answers.{p.question}",
                p.message,
                question=p.question,
                value=p.value,
                allowed=list(p.allowed),
            )
            for p in exc.problems
        ]
        return problem(request, gettext("Some answers are not valid."), errors)

    def nothing_to_store(request: HttpRequest, exc: NothingToStore) -> HttpResponse:
        return problem(request, str(exc), [error_item("answers", str(exc))])

    def schema_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        """The body does not have the documented shape: 400 (not ninja's 422), one error each."""
        errors = []
        answers_wrong = False
        for error in exc.errors:
            loc = [str(part) for part in error.get("loc", ())]
            if loc[:1] == ["body"]:
                loc = loc[2:]  # ("body", <the parameter's name>, ...)
            answers_wrong |= loc[:1] == ["answers"]
            question = loc[1] if loc[:1] == ["answers"] and len(loc) == 2 else None
            field = ".".join(loc) or "body"
            errors.append(error_item(field, error.get("msg", "is not valid"), question=question))
        if all(error.get("loc", ("",))[0] == "query" for error in exc.errors):
            return problem(request, str(messages.API_BAD_QUERY), errors)
        shape = messages.API_ANSWERS_SHAPE if answers_wrong else messages.API_BODY_SHAPE
        return problem(request, str(shape), errors)

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        text = gettext("The request body is too large (the limit is %(limit)s bytes).") % {
            "limit": limit
        }
        return problem(request, text, [error_item("body", text)])

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code != 400:
            return message(request, str(exc), exc.status_code)
        # ninja's only 400 is a body it could not parse; the cause says why.
        why = str(exc.__cause__) if exc.__cause__ is not None else str(exc)
        return problem(
            request, gettext("The request body is not valid JSON."), [error_item("body", why)]
        )

    def rate_limited(request: HttpRequest, exc: Ratelimited) -> HttpResponse:
        """JSON rather than the site's 429 page."""
        return message(request, messages.RATE_LIMITED, 429, retry=messages.RATELIMIT_RETRY_AFTER)

    def room_refused(request: HttpRequest, exc: teams.Refused) -> HttpResponse:
        if exc.status == 400:
            return problem(request, exc.message, [error_item(exc.field, exc.message)])
        return message(request, exc.message, exc.status)

    on(AnswersRefused, answers_refused)
    on(teams.Refused, room_refused)
    on(NothingToStore, nothing_to_store)
    on(ValidationError, schema_refused)
    on(RequestDataTooBig, too_big)
    on(HttpError, http_error)
    on(Ratelimited, rate_limited)


def error_item(
    field: str,
    message: str,
    *,
    question: str | None = None,
    value: str | None = None,
    allowed: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "field": field[:100],
        "question": question,
        "value": value,
        "message": message,
        "allowed": allowed or [],
    }
