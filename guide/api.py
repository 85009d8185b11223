"""The guide as a JSON API for programs (django-ninja), mounted at /api/.

    GET  /api/guide                      the questions, options and criteria
    POST /api/recommend                  score answers; stores nothing
    POST /api/recommendations            score answers and store (or reuse) a permalink
    GET  /api/recommendations/{slug}     a stored permalink
    GET  /api/openapi.json               the OpenAPI document

Thin, like the HTML views: the same parsing (guide.answers), engine and permalinks. Every
refusal is JSON: ``{"detail": "...", "errors": [...]}`` with status 400 for bad input (bad
answers, a body of the wrong shape, not JSON, or too large), and ``{"detail": "..."}`` for the
rest: 404 (an unknown permalink or address), 429 (a rate limit on create_recommendation), 503
(the database is unreachable). No CSRF token is needed: the API uses no cookies.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from pydantic import ConfigDict, Field

from .answers import BadAnswer, BadAnswers, effective_answers, parse_answers
from .engine import UNSURE, AnswerError, Rulebook
from .middleware import RETRY_AFTER_SECONDS as DATABASE_RETRY_AFTER
from .models import SLUG_PATTERN, Permalink
from .ratelimits import RETRY_AFTER_SECONDS as RATELIMIT_RETRY_AFTER
from .ratelimits import permalink_rate
from .rules import get_rulebook
from .views import link_url, scored

logger = logging.getLogger("guide.availability")

SLUG = re.compile(SLUG_PATTERN)
UNSURE_LABEL = "Not sure"
NO_SUCH_ADDRESS = "Not an API address: /api/openapi.json lists them."

DESCRIPTION = """\
Ask the "Flask or Django?" guide from a program.

Read the questions with `GET /api/guide`, then send answers as
`{"answers": {"<question id>": "<choice id>", ...}}`. Every question also accepts `"unsure"`;
a question left out counts as `"unsure"`, and a follow-up whose condition (`show_if`) does not
hold is ignored. `POST /api/recommend` scores the answers and stores nothing;
`POST /api/recommendations` also stores them as a permalink (the same answers under the same
rules always get the same link, with status 201 whether the link is new or reused: `created`
says which).

Every result carries the `ruleset_version` it was scored under. Bad input is refused with
status 400 and `{"detail": "...", "errors": [...]}`, one error per bad field, with the
choices it allows.
"""


# -- schemas: the guide -------------------------------------------------------------------


class ChoiceOut(Schema):
    id: str
    label: str


class ConditionOut(Schema):
    question: str = Field(description="The question this one depends on.")
    choices: list[str] = Field(description="Shown when that question's answer is one of these.")


class QuestionOut(Schema):
    id: str
    section: str
    prompt: str
    help: str
    choices: list[ChoiceOut] = Field(description='The choices, "unsure" last.')
    show_if: list[ConditionOut] = Field(
        description="Ask only when every condition holds; empty for a question always asked."
    )


class SectionOut(Schema):
    id: str
    title: str


class OptionOut(Schema):
    id: str
    name: str
    summary: str


class CriterionOut(Schema):
    id: str
    label: str
    description: str
    weight: float


class Guide(Schema):
    title: str
    ruleset_version: str = Field(description="A short hash of the rules; it changes with them.")
    sections: list[SectionOut]
    questions: list[QuestionOut]
    options: list[OptionOut]
    criteria: list[CriterionOut]


# -- schemas: a result (the snapshot of guide.engine's Recommendation.to_dict) -------------


class SourceOut(Schema):
    id: str
    title: str
    kind: str
    url: str
    author: str
    year: int | None


class LinkOut(Schema):
    title: str
    url: str


class ResultCriterion(Schema):
    id: str
    label: str
    weight: float


class ScoreOut(Schema):
    option: str
    name: str
    points: float
    share: float
    by_criterion: dict[str, float]


class AnswerOut(Schema):
    question: str
    prompt: str
    choice: str
    label: str


class ReasonOut(Schema):
    kind: str = Field(description='"answer" or "rule".')
    id: str
    choice: str
    label: str
    text: str
    favours: str
    contribution: float
    source: SourceOut | None


class FlipOut(Schema):
    question: str
    prompt: str
    from_choice: str
    from_label: str
    to_choice: str
    to_label: str
    recommendation: str
    recommendation_name: str
    confidence: str


class OutlookOut(Schema):
    unanswered: list[str]
    share_now: float
    share_low: float
    share_high: float
    holds: bool
    worst_case: str
    worst_case_name: str
    next_question: str | None
    next_prompt: str
    next_swing: float


class NoteOut(Schema):
    rule: str
    text: str
    source: SourceOut | None


class AlternativeOut(Schema):
    name: str
    url: str
    why: str


class FeatureLinksOut(Schema):
    feature: str
    label: str
    links: dict[str, list[LinkOut]]


class LinksOut(Schema):
    framework: list[LinkOut]
    features: list[FeatureLinksOut]


class Result(Schema):
    ruleset_version: str
    recommendation: str
    recommendation_name: str
    recommendation_summary: str
    leaning: str = Field(
        description="The option ahead on points; on a close call it can differ "
        "from the recommendation."
    )
    leaning_name: str
    confidence: str = Field(description='"clear", "lean" or "close".')
    confidence_label: str = Field(
        description='"Clear", "Lean", "Close call", or "Too little '
        'to go on" when a close call is one because '
        "evidence is below min_evidence."
    )
    margin: float
    evidence: float = Field(
        description="Weighted points given by the answers, all options together."
    )
    min_evidence: float | None = Field(
        default=None,
        description="The evidence needed before the guide picks a side on the "
        "points; absent from results stored before it was recorded.",
    )
    criteria: list[ResultCriterion]
    scores: list[ScoreOut]
    answers: list[AnswerOut]
    reasons: list[ReasonOut]
    flips: list[FlipOut]
    outlook: OutlookOut
    notes: list[NoteOut]
    alternatives: list[AlternativeOut]
    links: LinksOut


# -- schemas: requests, permalinks and errors ---------------------------------------------


def answers_json_schema(schema: dict[str, Any]) -> None:
    """Document ``answers`` with today's questions and choices (the OpenAPI document is built
    per request, so it follows questions.yaml); checked_answers enforces the same."""
    rulebook = get_rulebook()
    schema["properties"] = {
        q.id: {"type": "string", "enum": [*q.choice_ids, UNSURE], "description": q.prompt}
        for q in rulebook.questions
    }
    schema["additionalProperties"] = False


class AnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, str] = Field(
        description='Question id to choice id, or "unsure"; a question left out is "unsure".',
        examples=[{"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}],
        json_schema_extra=answers_json_schema,
    )


class Created(Schema):
    slug: str
    url: str = Field(description="The permalink's page.")
    pdf_url: str = Field(description="Its PDF summary.")
    created: bool = Field(description="False when these answers already had a link.")
    result: Result


class Stored(Schema):
    slug: str
    url: str
    pdf_url: str
    ruleset_version: str = Field(description="The rules it was scored under, maybe not today's.")
    created: datetime
    answers: dict[str, str]
    result: Result


class ErrorItem(Schema):
    field: str = Field(
        description='Where in the request: "answers.<question id>", "answers", "body"...'
    )
    question: str | None = Field(description="The question id, when one answer is at fault.")
    value: str | None = Field(description="The value given, cut to 40 characters.")
    message: str
    allowed: list[str] = Field(description="What is allowed there, when that is a short list.")


class Problem(Schema):
    detail: str
    errors: list[ErrorItem]


class Message(Schema):
    """A refusal that is not about the request's content: 404, 429."""

    detail: str


# -- the API ------------------------------------------------------------------------------


class StrictJSONParser(Parser):
    """JSON, with a key given twice refused rather than silently overwritten."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return json.loads(request.body, object_pairs_hook=_no_duplicates)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key '{key[:40]}' is given more than once")
        seen[key] = value
    return seen


api = NinjaAPI(
    title="Flask or Django? API",
    version="1.0.0",
    description=DESCRIPTION,
    docs_url=None,  # the docs page loads its assets from a CDN, which the site's CSP forbids
    parser=StrictJSONParser(),
    urls_namespace="api",
)


@api.get("/guide", response=Guide, summary="The questions, options and criteria")
def guide(request: HttpRequest) -> dict[str, Any]:
    return guide_dict(get_rulebook())


@api.post(
    "/recommend", response={200: Result, 400: Problem}, summary="Score answers (stores nothing)"
)
def recommend(request: HttpRequest, payload: AnswersIn) -> dict[str, Any]:
    rulebook = get_rulebook()
    return snapshot_for(rulebook, checked_answers(rulebook, payload.answers))


@api.post(
    "/recommendations",
    response={201: Created, 400: Problem, 429: Message},
    summary="Score answers and store them as a permalink",
    description="The same answers under the same rules get the same permalink: status "
    "is 201 whether it is new or reused, and `created` says which. A client "
    "that makes too many links in a short time may get 429.",
)
def recommendations(request: HttpRequest, payload: AnswersIn) -> Status[dict[str, Any]]:
    link, created = create_recommendation(request, payload.answers)
    return Status(201, {**link_urls(request, link), "created": created, "result": link.result})


@api.get(
    "/recommendations/{slug}", response={200: Stored, 404: Message}, summary="A stored permalink"
)
def recommendation(request: HttpRequest, slug: str) -> dict[str, Any]:
    link = Permalink.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if link is None:
        raise HttpError(404, "There is no permalink with this slug.")
    return {
        **link_urls(request, link),
        "ruleset_version": link.ruleset_version,
        "created": link.created,
        "answers": link.answers,
        "result": link.result,
    }


@api.api_operation(
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "", include_in_schema=False
)
def api_root(request: HttpRequest) -> None:
    raise HttpError(404, NO_SUCH_ADDRESS)


@api.api_operation(
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    "/{path:rest}",
    include_in_schema=False,
)
def no_such_address(request: HttpRequest, rest: str) -> None:
    """Anything else under /api/ (a slug with a "/" in it, a typo) is a JSON 404 too."""
    raise HttpError(404, NO_SUCH_ADDRESS)


@ratelimit(group="permalinks", key="ip", rate=permalink_rate, method="POST", block=True)
def create_recommendation(request: HttpRequest, answers: dict[str, str]) -> tuple[Permalink, bool]:
    """Check and score ``answers`` and store them: the permalink, and True if it is new.

    Limited with the form's permalinks, in the same group: the API is no way around it."""
    rulebook = get_rulebook()
    snapshot = snapshot_for(rulebook, checked_answers(rulebook, answers))
    return Permalink.objects.for_answers(effective_answers(snapshot["answers"]), snapshot)


# -- errors: always JSON ------------------------------------------------------------------


class AnswersRefused(Exception):
    def __init__(self, problems: list[BadAnswer]):
        self.problems = problems
        super().__init__(problems)


@api.exception_handler(AnswersRefused)
def answers_refused(request: HttpRequest, exc: AnswersRefused) -> HttpResponse:
    errors = [
        error_item(
            f"answers.{p.question}",
            p.message,
            question=p.question,
            value=p.value,
            allowed=list(p.allowed),
        )
        for p in exc.problems
    ]
    return problem(request, "Some answers are not valid.", errors)


@api.exception_handler(ValidationError)
def schema_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The body does not have the documented shape: 400 (not ninja's 422), one error each."""
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:1] == ["body"]:
            loc = loc[2:]  # ("body", <the parameter's name>, ...)
        question = loc[1] if loc[:1] == ["answers"] and len(loc) == 2 else None
        errors.append(
            error_item(".".join(loc) or "body", error.get("msg", "is not valid"), question=question)
        )
    return problem(
        request, 'The body must be {"answers": {"<question id>": "<choice id>"}}.', errors
    )


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is too large (the limit is {limit} bytes)."
    return problem(request, message, [error_item("body", message)])


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code != 400:
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
    # ninja's only 400 is a body it could not parse; the cause says why.
    cause = exc.__cause__
    why = str(cause) if cause is not None else str(exc)
    return problem(request, "The request body is not valid JSON.", [error_item("body", why)])


@api.exception_handler(Ratelimited)
def rate_limited(request: HttpRequest, exc: Ratelimited) -> HttpResponse:
    """For a rate limit on create_recommendation: JSON rather than the site's 429 page."""
    response = api.create_response(
        request, {"detail": "Too many requests: please wait a minute and try again."}, status=429
    )
    response["Retry-After"] = str(RATELIMIT_RETRY_AFTER)
    return response


@api.exception_handler(DatabaseError)
def database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """As guide.middleware does for the pages, in JSON: 503 and when to try again."""
    logger.error(
        "database unavailable: %s %s: %s",
        request.method,
        request.path,
        exc.__class__.__name__,
        exc_info=exc,
    )
    response = api.create_response(
        request, {"detail": "The guide could not reach its database just now."}, status=503
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def problem(request: HttpRequest, detail: str, errors: list[dict[str, Any]]) -> HttpResponse:
    body = Problem(detail=detail, errors=[ErrorItem(**e) for e in errors]).model_dump()
    return api.create_response(request, body, status=400)


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


# -- helpers ------------------------------------------------------------------------------


def checked_answers(rulebook: Rulebook, data: dict[str, str]) -> dict[str, str]:
    """The answers to score, "unsure" ones left out, as the HTML form's parse_answers reads
    them, but stricter: a program gets an error for a key that is not a question (a form
    ignores its other fields) and for an empty choice (a form's "not sure")."""
    problems: list[BadAnswer] = []
    for key, value in data.items():
        if not rulebook.has_question(key):
            allowed = tuple(q.id for q in rulebook.questions)
            problems.append(
                BadAnswer(key[:40], value[:40], str(AnswerError(key[:40], None)), allowed)
            )
        elif value == "":
            question = rulebook.question(key)
            allowed = (*question.choice_ids, UNSURE)
            problems.append(BadAnswer(key, value, str(AnswerError(key, value, allowed)), allowed))
    try:
        answers = parse_answers(rulebook, {k: v for k, v in data.items() if v != ""})
    except BadAnswers as exc:
        problems = exc.problems + problems
    if problems:
        raise AnswersRefused(problems)
    return answers


def snapshot_for(rulebook: Rulebook, answers: dict[str, str]) -> dict[str, Any]:
    """The result for answers from checked_answers (in the rulebook's order, like the HTML
    view's, so both share scored()'s cache). Not to be modified."""
    snapshot, _ = scored(rulebook, tuple(answers.items()))
    return snapshot


def link_urls(request: HttpRequest, link: Permalink) -> dict[str, str]:
    url = link_url(link)
    return {
        "slug": link.slug,
        "url": request.build_absolute_uri(url),
        "pdf_url": request.build_absolute_uri(url + "pdf"),
    }


def guide_dict(rulebook: Rulebook) -> dict[str, Any]:
    questions = []
    for q in rulebook.questions:
        conditions = []
        for cond in q.show_if:
            parent = rulebook.question(cond.question)
            conditions.append(
                {
                    "question": cond.question,
                    "choices": [c for c in parent.choice_ids if c in cond.choices],
                }
            )
        questions.append(
            {
                "id": q.id,
                "section": q.section,
                "prompt": q.prompt,
                "help": q.help,
                "choices": [
                    *({"id": c.id, "label": c.label} for c in q.choices),
                    {"id": UNSURE, "label": UNSURE_LABEL},
                ],
                "show_if": conditions,
            }
        )
    return {
        "title": rulebook.title,
        "ruleset_version": rulebook.version,
        "sections": [{"id": s.id, "title": s.title} for s in rulebook.sections],
        "questions": questions,
        "options": [{"id": o.id, "name": o.name, "summary": o.summary} for o in rulebook.options],
        "criteria": [
            {"id": c.id, "label": c.label, "description": c.description, "weight": c.weight}
            for c in rulebook.criteria
        ],
    }
