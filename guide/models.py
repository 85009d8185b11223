"""Stored permalinks (the answers, the ruleset they were scored under and what was said), the
rules pages' counts, and team rooms with their members."""

from __future__ import annotations

import hashlib
import json
import secrets

from django.db import IntegrityError, models, transaction

from .engine import Snapshot

SLUG_BYTES = 12  # 96 random bits, 16 URL-safe characters
SLUG_PATTERN = r"[A-Za-z0-9_-]{16}"


def new_slug() -> str:
    return secrets.token_urlsafe(SLUG_BYTES)


def answers_key(answers: dict[str, str], start: str = "", team: object = None) -> str:
    """The same answers (from the same starting point, recorded by the same team) give the
    same key, whatever their order."""
    given: dict[str, object] = {**answers, "_start": start} if start else dict(answers)
    if team is not None:
        given["_team"] = team
    return hashlib.sha256(json.dumps(given, sort_keys=True).encode()).hexdigest()


class PermalinkQuerySet(models.QuerySet["Permalink"]):
    def for_answers(
        self,
        answers: dict[str, str],
        snapshot: Snapshot,
        *,
        start: str = "",
        team: dict[str, object] | None = None,
    ) -> tuple[Permalink, bool]:
        """The permalink for these answers (from the starting point ``start``; recorded by a
        ``team``, whose section it keeps) under the snapshot's ruleset: the existing one, or a
        new one (True). Two identical submissions racing each other get the same row: the
        unique constraint lets one insert win and the other read it back."""
        key, version = answers_key(answers, start, team), snapshot["ruleset_version"]
        existing = self.filter(answers_key=key, ruleset_version=version).first()
        if existing:
            return existing, False
        for _ in range(3):
            try:
                with transaction.atomic():
                    return self.create(
                        slug=new_slug(),
                        answers=answers,
                        start=start,
                        answers_key=key,
                        ruleset_version=version,
                        recommendation=snapshot["recommendation"],
                        confidence=snapshot["confidence"],
                        snapshot=snapshot,
                        team=team,
                    ), True
            except IntegrityError:
                existing = self.filter(answers_key=key, ruleset_version=version).first()
                if existing:
                    return existing, False
                # Otherwise the random slug collided: draw another.
        raise IntegrityError("could not store the permalink")


class Permalink(models.Model):
    slug = models.CharField(max_length=22, unique=True, editable=False)
    answers = models.JSONField(
        help_text="Question id to choice id ('unsure': answered not sure); not asked: left out."
    )
    start = models.CharField(
        max_length=40, blank=True, default="", help_text="The starting point, if one was chosen."
    )
    answers_key = models.CharField(max_length=64, editable=False)
    ruleset_version = models.CharField(
        max_length=12, db_index=True, help_text="Hash of questions.yaml when it was made."
    )
    recommendation = models.CharField(max_length=20, db_index=True)
    confidence = models.CharField(max_length=10)
    snapshot = models.JSONField(help_text="The full result as shown when it was made.")
    team = models.JSONField(
        null=True,
        blank=True,
        help_text="A team's recorded decision: its title, members (the decision-makers) and "
        "each disagreement with who said what and how it was settled.",
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PermalinkQuerySet.as_manager()

    @property
    def result(self) -> Snapshot:
        """What was recommended, as stored (in the current format: migration 0002)."""
        snapshot: Snapshot = self.snapshot
        return snapshot

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["answers_key", "ruleset_version"],
                name="one_permalink_per_answers_and_ruleset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} ({self.recommendation})"


class DecisionCount(models.Model):
    """What each question and rule decided in the results stored under one version of the
    rules, for the rules pages: counted off the request path (`manage.py count_decisions`,
    run every few minutes by `make serve` and the systemd unit), from the last permalink
    counted on, so a count reads only what is new."""

    ruleset_version = models.CharField(max_length=12, unique=True)
    counted_up_to = models.BigIntegerField(default=0, help_text="The last permalink id counted.")
    results = models.PositiveIntegerField(default=0)
    counts = models.JSONField(
        default=dict,
        help_text='"<answer|rule>:<id>" -> {moved, strongest, would_flip, frameworks, choices}.',
    )
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.ruleset_version}: {self.results} results"


MAX_MEMBERS = 50
TOKEN_BYTES = 24  # 192 random bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_key(token: str) -> str:
    """What is stored of a secret: its SHA-256, so a copy of the database names no one's."""
    return hashlib.sha256(token.encode()).hexdigest()


class Team(models.Model):
    """A room where a team answers together. Its slug is its address (anyone with it may
    join); the organizer's secret (stored as its hash) settles, records and deletes."""

    slug = models.CharField(max_length=22, unique=True, editable=False)
    title = models.CharField(max_length=120)
    organizer_key = models.CharField(max_length=64, editable=False)
    settled = models.JSONField(
        default=dict, help_text="Question id -> the choice the organizer settled it on."
    )
    version = models.PositiveIntegerField(
        default=0, help_text="Bumped by every change: the room's ETag."
    )
    created = models.DateTimeField(auto_now_add=True)
    active = models.DateTimeField(auto_now=True, db_index=True, help_text="The last change.")

    def __str__(self) -> str:
        return f"{self.slug} ({self.title})"


class Member(models.Model):
    """One person in a room: a name (all that is stored about them), their answers, and the
    hash of the secret with which they change them."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=40)
    name_key = models.CharField(
        max_length=160, editable=False, help_text="The name casefolded (up to 3 times longer)."
    )
    key = models.CharField(max_length=64, editable=False)
    answers = models.JSONField(default=dict)
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name_key"], name="one_name_per_room"),
        ]

    def __str__(self) -> str:
        return self.name
