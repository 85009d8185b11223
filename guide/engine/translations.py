"""The knowledge in other languages: a translation file per language beside questions.yaml
(``questions.es.yaml``...), keyed by the ids questions.yaml already has.

Each entry names the English text it translates by a fingerprint (the first 12 hex digits
of its SHA-256), so that a change to the English shows which translations went stale::

    question.auth.prompt:
      from: 3f1c2a9b0d4e
      text: ¿Los usuarios necesitan iniciar sesión?

A key is the kind of thing, its id and the field: ``option.<id>.summary``,
``criterion.<id>.label``/``.description``, ``feature.<id>.label``, ``section.<id>.title``,
``question.<id>.prompt``/``.help``, ``question.<id>.choice.<choice>.label``/``.reason``/
``.because``, ``rule.<id>.reason``/``.note``/``.because``, ``rule.<id>.alternative.<n>.why``,
``start.<id>.label``/``.description``, ``change.<date>.<n>.summary``/``.why`` and ``title``.
Names (Flask, Django, a source's title) and the sources' own words stay as they are.

:func:`translated` gives the rulebook in a language: each fresh entry replaces its English,
and a missing or stale one leaves the English (never an empty string). Its ``version`` stays
the rules' version: a result is the same result in every language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .model import Change, Rulebook

FINGERPRINT_DIGITS = 12


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_DIGITS]


def english(rulebook: Rulebook) -> dict[str, str]:
    """Every translatable text of ``rulebook``, by key (empty texts left out), in the file's
    order."""
    texts: dict[str, str] = {"title": rulebook.title}
    for option in rulebook.options:
        texts[f"option.{option.id}.summary"] = option.summary
    for criterion in rulebook.criteria:
        texts[f"criterion.{criterion.id}.label"] = criterion.label
        texts[f"criterion.{criterion.id}.description"] = criterion.description
    for feature in rulebook.features.values():
        texts[f"feature.{feature.id}.label"] = feature.label
    for section in rulebook.sections:
        texts[f"section.{section.id}.title"] = section.title
    for question in rulebook.questions:
        texts[f"question.{question.id}.prompt"] = question.prompt
        texts[f"question.{question.id}.help"] = question.help
        for choice in question.choices:
            for name in ("label", "reason", "because"):
                texts[f"question.{question.id}.choice.{choice.id}.{name}"] = getattr(choice, name)
    for rule in rulebook.rules:
        for name in ("reason", "note", "because"):
            texts[f"rule.{rule.id}.{name}"] = getattr(rule, name)
        for n, alternative in enumerate(rule.alternatives):
            texts[f"rule.{rule.id}.alternative.{n}.why"] = alternative.why
    for start in rulebook.starting_points:
        texts[f"start.{start.id}.label"] = start.label
        texts[f"start.{start.id}.description"] = start.description
    for key, change in _changes(rulebook.changes):
        texts[f"{key}.summary"] = change.summary
        texts[f"{key}.why"] = change.why
    return {key: text for key, text in texts.items() if text}


def _changes(changes: tuple[Change, ...]) -> list[tuple[str, Change]]:
    """Each change with its key: ``change.<date>.<n>``, n counting the changes of that date."""
    seen: dict[str, int] = {}
    keyed = []
    for change in changes:
        n = seen[change.date] = seen.get(change.date, -1) + 1
        keyed.append((f"change.{change.date}.{n}", change))
    return keyed


@dataclass(frozen=True, slots=True)
class Entry:
    source: str  # the fingerprint of the English it translates
    text: str


class TranslationError(ValueError):
    """A translation file that cannot be read as one."""


def read_translation(path: str | Path) -> dict[str, Entry]:
    """The entries of a translation file; {} if there is none. Raises TranslationError for a
    file of the wrong shape."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TranslationError(f"{path.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise TranslationError(f"{path.name}: not a mapping of keys to entries")
    entries = {}
    for key, value in data.items():
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("from"), str)
            or not isinstance(value.get("text"), str)
        ):
            raise TranslationError(f"{path.name}: {key}: an entry needs 'from' and 'text'")
        entries[str(key)] = Entry(value["from"], value["text"])
    return entries


@dataclass(frozen=True, slots=True)
class Status:
    """How far a language's translation is: keys translated and fresh, missing (or empty),
    stale (translated from an English that has changed since), and unknown (keys the rules
    no longer have)."""

    language: str
    fresh: tuple[str, ...]
    missing: tuple[str, ...]
    stale: tuple[str, ...]
    unknown: tuple[str, ...]


def status(rulebook: Rulebook, entries: Mapping[str, Entry], language: str) -> Status:
    texts = english(rulebook)
    fresh, missing, stale = [], [], []
    for key, text in texts.items():
        entry = entries.get(key)
        if entry is None or not entry.text.strip():
            missing.append(key)
        elif entry.source != fingerprint(text):
            stale.append(key)
        else:
            fresh.append(key)
    unknown = [key for key in entries if key not in texts]
    return Status(language, tuple(fresh), tuple(missing), tuple(stale), tuple(unknown))


def translated(rulebook: Rulebook, entries: Mapping[str, Entry]) -> Rulebook:
    """``rulebook`` with each fresh entry's text in place of its English; the rest (missing or
    stale) stays English."""

    def say(key: str, text: str) -> str:
        entry = entries.get(key)
        if entry and entry.text.strip() and entry.source == fingerprint(text) and text:
            return entry.text
        return text

    def each(key: str, item: Any, *names: str) -> Any:
        return replace(item, **{n: say(f"{key}.{n}", getattr(item, n)) for n in names})

    def questions() -> tuple[Any, ...]:
        return tuple(
            replace(
                each(f"question.{q.id}", q, "prompt", "help"),
                choices=tuple(
                    each(f"question.{q.id}.choice.{c.id}", c, "label", "reason", "because")
                    for c in q.choices
                ),
            )
            for q in rulebook.questions
        )

    def rules() -> tuple[Any, ...]:
        return tuple(
            replace(
                each(f"rule.{r.id}", r, "reason", "note", "because"),
                alternatives=tuple(
                    each(f"rule.{r.id}.alternative.{n}", a, "why")
                    for n, a in enumerate(r.alternatives)
                ),
            )
            for r in rulebook.rules
        )

    return replace(
        rulebook,
        title=say("title", rulebook.title),
        options=tuple(each(f"option.{o.id}", o, "summary") for o in rulebook.options),
        criteria=tuple(
            each(f"criterion.{c.id}", c, "label", "description") for c in rulebook.criteria
        ),
        features={k: each(f"feature.{f.id}", f, "label") for k, f in rulebook.features.items()},
        sections=tuple(each(f"section.{s.id}", s, "title") for s in rulebook.sections),
        questions=questions(),
        rules=rules(),
        starting_points=tuple(
            each(f"start.{p.id}", p, "label", "description") for p in rulebook.starting_points
        ),
        changes=tuple(
            each(key, change, "summary", "why") for key, change in _changes(rulebook.changes)
        ),
    )


def template(rulebook: Rulebook, entries: Mapping[str, Entry]) -> str:
    """A translation file for ``rulebook``: each entry as it is where it is fresh, and the
    English with its fingerprint where it is missing or stale (marked ``# TODO``), for a
    translator to work through."""
    lines = [
        "# Translations of questions.yaml, keyed by its ids (guide/engine/translations.py).",
        "# `from` is the fingerprint of the English an entry translates: `manage.py translations`",
        "# lists the entries whose English has changed since.",
    ]
    for key, text in english(rulebook).items():
        entry = entries.get(key)
        fresh = entry is not None and entry.source == fingerprint(text) and entry.text.strip()
        body = entry.text if fresh and entry else text
        if not fresh:
            lines.append("# TODO: translate")
        dumped = yaml.safe_dump(
            {key: {"from": fingerprint(text), "text": body}},
            allow_unicode=True,
            sort_keys=False,
            width=1000,
        )
        lines.append(dumped.rstrip("\n"))
    return "\n".join(lines) + "\n"
