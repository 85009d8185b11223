"""The API's request and response types. A result is the engine's :class:`Snapshot` and the
guide is its :class:`Outline`: both defined once in guide.engine, never mirrored here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from guide.engine import UNSURE, Snapshot
from guide.services.rulebook import get_rulebook


def answers_json_schema(schema: dict[str, Any]) -> None:
    """Document ``answers`` with today's questions and choices (the OpenAPI document is built
    per request, so it follows questions.yaml); the answer check enforces the same."""
    rulebook = get_rulebook()
    schema["properties"] = {
        q.id: {"type": "string", "enum": [*q.choice_ids, UNSURE], "description": q.prompt}
        for q in rulebook.questions
    }
    schema["additionalProperties"] = False


class AnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, str] = Field(
        description='Question id to choice id, or "unsure" ("Not sure": never asked again). A '
        'question left out has not been asked; like "unsure" it gives no points.',
        examples=[{"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}],
        json_schema_extra=answers_json_schema,
    )
    start: str | None = Field(
        default=None,
        description="A starting point's id (GET /api/guide lists them): the answers it implies "
        "count as given, marked as assumptions, unless `answers` says otherwise.",
    )


class Created(Schema):
    slug: str
    url: str = Field(description="The permalink's page.")
    pdf_url: str = Field(description="Its PDF summary.")
    created: bool = Field(description="False when these answers already had a link.")
    result: Snapshot


class Stored(Schema):
    slug: str
    url: str
    pdf_url: str
    ruleset_version: str = Field(description="The rules it was scored under, maybe not today's.")
    created: datetime
    answers: dict[str, str]
    result: Snapshot


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
    """A refusal that is not about the request's content: 404, 429, 503."""

    detail: str


# -- team rooms -----------------------------------------------------------------------------


class TeamIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="What the room decides, e.g. “Backend for the booking app”.")


class TeamCreated(Schema):
    slug: str
    url: str = Field(description="The room's page: share it with the team.")
    organizer_token: str = Field(description="The organizer's secret, shown this once.")


class MemberIn(AnswersIn):
    name: str = Field(description="1–40 characters, unique in the room.")


class AnswersOnly(AnswersIn):
    pass


class MemberCreated(Schema):
    id: int
    member_token: str = Field(description="The member's secret: it changes their answers.")


class SettleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    question: str
    choice: str | None = Field(description="A choice a member gave; null to unsettle.")


class DecisionOut(Schema):
    slug: str
    url: str = Field(description="The permalink of the team's decision.")


class MemberOut(Schema):
    id: int
    name: str
    answers: dict[str, str]
    recommendation: str | None = Field(description="Their own verdict; null before any answer.")


class DisagreementOut(Schema):
    question: str
    answers: dict[str, list[str]] = Field(description="Choice id -> the members who gave it.")
    decides: bool = Field(
        description="Settling it on one choice rather than another, the other disagreements "
        "settled some way, can name a different framework."
    )
    leads_to: dict[str, list[str]] = Field(
        description="Choice id -> the frameworks it can lead to, the others settled any way."
    )


class TeamVerdictOut(Schema):
    recommendation: str | None = Field(description="The framework, null unless it holds.")
    holds: bool = Field(
        description="Every way of settling the disagreements, and any answers to the open "
        "questions, name the same framework."
    )
    agreed: dict[str, str] = Field(description="Question id -> the one choice given or settled.")
    disagreements: list[DisagreementOut] = Field(description="Those that decide first.")
    settled: dict[str, str] = Field(description="What the organizer settled.")
    open: list[str] = Field(description="Questions nobody answered.")
    together: list[str] = Field(
        description="When no disagreement decides and the framework does not hold: open "
        "questions that, answered together one way (the differences settled one way), name "
        "the other framework, the largest single move first. Empty otherwise."
    )


class TeamOut(Schema):
    slug: str
    url: str
    title: str
    members: list[MemberOut]
    team: TeamVerdictOut
