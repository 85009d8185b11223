"""The API's operations: parse, ask the service (guide.services.permalinks), return the engine's
types. See the package's docstring for the paths."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI, Status
from ninja.errors import HttpError
from ninja.parser import Parser

from guide.engine import CheckedAnswers, Snapshot
from guide.engine.outline import Outline, outline
from guide.models import Permalink
from guide.services import messages, permalinks
from guide.services.rulebook import get_rulebook
from guide.starters import kits
from guide.starters.generator import Framework

from .errors import AnswersRefused, NothingToStore, install
from .schemas import AnswersIn, Created, Message, Problem, Stored

NO_SUCH_ADDRESS = messages.API_REFUSALS[404]
EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

DESCRIPTION = """\
Ask the "Flask or Django?" guide from a program.

Read the questions with `GET /api/guide`, then send answers as
`{"answers": {"<question id>": "<choice id>", ...}}`. Every question also accepts `"unsure"`;
a question left out counts as `"unsure"`, and a follow-up whose condition (`show_if`) does not
hold is ignored. `POST /api/recommend` scores the answers and stores nothing;
`POST /api/recommendations` also stores them as a permalink (the same answers under the same
rules always get the same link, with status 201 whether the link is new or reused: `created`
says which).

Texts (prompts, labels, reasons) are in the language of the `Accept-Language` header: `en`
(the default), `es`, `pt-br` or `zh-hans`; the answer says which in `Content-Language`. Ids,
numbers and `state` are the same in every language; a starter project's files are English.

Every result carries the `ruleset_version` it was scored under. Bad input is refused with
status 400 and `{"detail": "...", "errors": [...]}`, one error per bad field, with the
choices it allows.
"""


class StrictJSONParser(Parser):
    """JSON, with a key given twice refused rather than silently overwritten."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(request.body, object_pairs_hook=_no_duplicates)
        return body


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key '{key[:40]}' is given more than once")
        seen[key] = value
    return seen


class GuideAPI(NinjaAPI):
    """django-ninja's API, whose OpenAPI document is made once per process for each language
    and root it is asked in: it depends on the code alone, and making it takes about 40 ms, so
    a client asking for it again and again would keep a thread busy for each request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[str, str], Any] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (translation.get_language() or "", path_prefix)
        if key not in self._documents:  # one a language the site speaks: the root is fixed
            self._documents[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._documents[key]


View = TypeVar("View", bound=Callable[..., Any])


def read(path: str, **options: Any) -> Callable[[View], View]:
    """A GET operation that answers HEAD too (RFC 9110: the headers without the body); the
    OpenAPI document lists the GET."""

    def register(view: View) -> View:
        api.get(path, **options)(view)
        api.api_operation(["HEAD"], path, include_in_schema=False, **options)(view)
        return view

    return register


def limited(too_many: str, *, response: dict[int, Any], description: str) -> dict[str, Any]:
    """The options of an operation whose client may do it only so often
    (guide.services.limits): 429 among its responses, and a description that ends saying
    when: "A client that <too_many> in a short time may get 429."."""
    return {
        "response": {**response, 429: Message},
        "description": f"{description} A client that {too_many} in a short time may get 429.",
    }


api = GuideAPI(
    title="Flask or Django? API",
    version="1.0.0",
    description=DESCRIPTION,
    docs_url=None,  # the docs page loads its assets from a CDN, which the site's CSP forbids
    parser=StrictJSONParser(),
    urls_namespace="api",
)
install(api)


@read("/guide", response=Outline, summary="The questions, options and criteria")
def guide(request: HttpRequest) -> Outline:
    return outline(get_rulebook())


@api.post(
    "/recommend", response={200: Snapshot, 400: Problem}, summary="Score answers (stores nothing)"
)
def recommend(request: HttpRequest, payload: AnswersIn) -> Snapshot:
    given = checked(payload)
    return permalinks.result_for(given.answers, given.start)


@api.post(
    "/recommendations",
    summary="Score answers and store them as a permalink",
    **limited(
        "makes too many links",
        response={201: Created, 400: Problem},
        description="The same answers under the same rules get the same permalink: status "
        "is 201 whether it is new or reused, and `created` says which. Answers that are all "
        '"unsure" (or none at all) give nothing to recommend on: 400, and nothing is stored.',
    ),
)
def recommendations(request: HttpRequest, payload: AnswersIn) -> Status[dict[str, Any]]:
    try:
        link, created = permalinks.save(request, checked(payload))
    except permalinks.NothingAnswered as exc:
        raise NothingToStore(str(exc)) from None
    return Status(
        201, {**link_urls(request, link), "created": created, "result": permalinks.said(link)}
    )


@read(
    "/recommendations/{permalink:slug}",
    response={200: Stored, 404: Message},
    summary="A stored permalink",
)
def recommendation(request: HttpRequest, slug: str) -> dict[str, Any]:
    link = permalinks.find(slug)
    if link is None:
        raise HttpError(404, str(messages.NO_PERMALINK))
    return {
        **link_urls(request, link),
        "ruleset_version": link.ruleset_version,
        "created": link.created,
        "answers": link.answers,
        "result": permalinks.said(link),
    }


ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}


@read(
    "/recommendations/{permalink:slug}/starter.zip",
    summary="A permalink's starter project, as a zip",
    openapi_extra={"responses": {"200": {"description": "The project", "content": ZIP}}},
    **limited(
        "downloads too many",
        response={400: Problem, 404: Message},
        description="A runnable project with the features the permalink's answers call for, "
        "for the recommended framework or the one `framework` names. The same answers always "
        "give the same bytes, so its `ETag` can be sent back in `If-None-Match` (304).",
    ),
)
def starter(request: HttpRequest, slug: str, framework: Framework | None = None) -> HttpResponse:
    try:
        # A project's files are in English whatever the request's language: what nginx
        # keeps at this address is the same for every client, and says so (no Vary).
        with translation.override(settings.LANGUAGE_CODE):
            response = kits.starter_download(request, slug, framework)
        response.headers["Content-Language"] = settings.LANGUAGE_CODE
        return response
    except Http404:
        raise HttpError(404, str(messages.NO_PERMALINK)) from None


def install_fallbacks() -> None:
    """The JSON 404s for every address under /api/ that names no operation: registered after
    every operation (guide/api/__init__.py), since the first path that matches wins."""

    @api.api_operation(EVERY_METHOD, "", include_in_schema=False)
    def api_root(request: HttpRequest) -> None:
        raise HttpError(404, str(NO_SUCH_ADDRESS))

    @api.api_operation(EVERY_METHOD, "/recommendations/{slug}", include_in_schema=False)
    @api.api_operation(EVERY_METHOD, "/recommendations/{slug}/starter.zip", include_in_schema=False)
    def no_such_permalink(request: HttpRequest, slug: str) -> None:
        """A slug that is not of a permalink's form names none."""
        raise HttpError(404, str(messages.NO_PERMALINK))

    @api.api_operation(EVERY_METHOD, "/{path:rest}", include_in_schema=False)
    def no_such_address(request: HttpRequest, rest: str) -> None:
        """Anything else under /api/ (a slug with a "/" in it, a typo) is a JSON 404 too."""
        raise HttpError(404, str(NO_SUCH_ADDRESS))


def checked(payload: AnswersIn) -> CheckedAnswers:
    """The answers to score. Stricter than a form: a key that is not a question and an empty
    choice are refused (a form ignores its other fields and reads an empty value as not
    answered)."""
    result = permalinks.check(payload.answers, strict=True, start=payload.start)
    if result.problems:
        raise AnswersRefused(result.problems)
    return result


def link_urls(request: HttpRequest, link: Permalink) -> dict[str, str]:
    return {
        "slug": link.slug,
        "url": permalinks.absolute(permalinks.link_url(link)),
        "pdf_url": permalinks.absolute(permalinks.pdf_url(link)),
    }
