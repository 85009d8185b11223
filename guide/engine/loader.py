"""Load questions.yaml into a validated :class:`~guide.engine.model.Rulebook`.

Every problem is reported as a :class:`~guide.engine.yamlread.RulebookError` that names the
file, the path inside it (``questions[3].choices[1].effects``) and the line, so whoever edits
the guide's knowledge can find the mistake without reading Python.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .claimread import ClaimReader
from .model import (
    Criterion,
    Feature,
    Link,
    Option,
    Question,
    Rulebook,
    Section,
    Settings,
    Source,
)
from .monotone import direction_problems
from .yamlread import RulebookError, Where, parse_yaml

MAX_WEIGHT = 5.0
MAX_GAP = 1000.0
SOURCE_KINDS = ("article", "docs")
TOP_LEVEL = (
    "title",
    "settings",
    "sources",
    "options",
    "criteria",
    "sections",
    "features",
    "questions",
    "rules",
)


def load_rulebook(path: str | Path) -> Rulebook:
    """Read, parse and validate the rulebook at ``path``.

    Returns a frozen :class:`Rulebook` whose ``version`` is a short hash of the file's bytes.
    Raises :class:`RulebookError` for an unreadable file, malformed YAML, a forbidden tag, an
    unknown key or reference, a duplicate id or a number out of range.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulebookError(f"cannot read the file ({exc.strerror})", file=str(path)) from exc
    return parse_rulebook(raw, file=str(path))


def parse_rulebook(raw: bytes | str, *, file: str = "<questions.yaml>") -> Rulebook:
    """Validate a rulebook given as text; see :func:`load_rulebook`."""
    data, root = parse_yaml(raw, file=file)
    data_bytes = raw.encode() if isinstance(raw, str) else raw
    version = hashlib.sha256(data_bytes).hexdigest()[:12]
    reader = _RulebookReader(file, root)
    rulebook = reader.rulebook(data, version)
    for problem in direction_problems(rulebook):
        raise reader.fail(("questions", problem.index, "choices"), problem.message)
    return rulebook


class _RulebookReader(ClaimReader):
    """Builds the :class:`Rulebook`, checking every reference against what came before."""

    def rulebook(self, data: Any, version: str) -> Rulebook:
        top = self.mapping(
            data,
            (),
            required=TOP_LEVEL[:6] + ("questions",),
            optional=("features", "rules", "updated"),
        )
        self.sources = {s.id: s for s in self.list_of(top, "sources", self.source)}
        options = self.list_of(top, "options", self.option)
        if len(options) != 2:
            raise self.fail(("options",), "the guide weighs exactly two options")
        self.option_ids = tuple(o.id for o in options)
        criteria = self.list_of(top, "criteria", self.criterion)
        self.weights = {c.id: c.weight for c in criteria}
        sections = self.list_of(top, "sections", self.section)
        self.section_ids = tuple(s.id for s in sections)
        self.features = {
            f.id: f for f in self.list_of(top, "features", self.feature, allow_empty=True)
        }
        settings = self.settings(top["settings"], ("settings",))
        self.questions: dict[str, Question] = {}  # filled in order by self.question()
        self.list_of(top, "questions", self.question)
        rules = self.list_of(top, "rules", self.rule, allow_empty=True)
        return Rulebook(
            version=version,
            title=self.text(top["title"], ("title",)),
            updated=self.date(top["updated"], ("updated",)) if "updated" in top else "",
            settings=settings,
            options=tuple(options),
            criteria=tuple(criteria),
            sections=tuple(sections),
            questions=tuple(self.questions.values()),
            rules=tuple(rules),
            sources=MappingProxyType(self.sources),
            features=MappingProxyType(self.features),
        )

    def settings(self, value: Any, where: Where) -> Settings:
        m = self.mapping(
            value,
            where,
            required=("tie_break", "lean_points", "clear_points"),
            optional=("min_evidence",),
        )
        lean = self.number(
            m["lean_points"], (*where, "lean_points"), low=0, high=MAX_GAP, low_open=True
        )
        clear = self.number(m["clear_points"], (*where, "clear_points"), low=lean, high=MAX_GAP)
        return Settings(
            tie_break=self.ref(m["tie_break"], (*where, "tie_break"), self.option_ids, "option"),
            lean_points=lean,
            clear_points=clear,
            min_evidence=self.number(
                m.get("min_evidence", 0), (*where, "min_evidence"), low=0, high=1000
            ),
        )

    def source(self, value: Any, where: Where) -> Source:
        m = self.mapping(
            value, where, required=("id", "title", "kind", "url"), optional=("author", "year")
        )
        kind = self.ref(m["kind"], (*where, "kind"), SOURCE_KINDS, "source kind")
        year = m.get("year")
        if year is not None:
            year = int(self.number(year, (*where, "year"), low=1990, high=2100))
        return Source(
            id=self.ident(m["id"], (*where, "id")),
            title=self.text(m["title"], (*where, "title")),
            kind=kind,
            url=self.url(m["url"], (*where, "url")),
            author=self.text(m["author"], (*where, "author")) if "author" in m else "",
            year=year,
        )

    def links(self, value: Any, where: Where) -> tuple[Link, ...]:
        links = []
        for index, item in enumerate(self.items(value, where)):
            m = self.mapping(item, (*where, index), required=("title", "url"))
            links.append(
                Link(
                    title=self.text(m["title"], (*where, index, "title")),
                    url=self.url(m["url"], (*where, index, "url")),
                )
            )
        return tuple(links)

    def option(self, value: Any, where: Where) -> Option:
        m = self.mapping(value, where, required=("id", "name", "summary", "links"))
        return Option(
            id=self.ident(m["id"], (*where, "id")),
            name=self.text(m["name"], (*where, "name")),
            summary=self.text(m["summary"], (*where, "summary")),
            links=self.links(m["links"], (*where, "links")),
        )

    def criterion(self, value: Any, where: Where) -> Criterion:
        m = self.mapping(value, where, required=("id", "label", "description", "weight"))
        return Criterion(
            id=self.ident(m["id"], (*where, "id")),
            label=self.text(m["label"], (*where, "label")),
            description=self.text(m["description"], (*where, "description")),
            weight=self.number(
                m["weight"], (*where, "weight"), low=0, high=MAX_WEIGHT, low_open=True
            ),
        )

    def section(self, value: Any, where: Where) -> Section:
        m = self.mapping(value, where, required=("id", "title"))
        return Section(
            id=self.ident(m["id"], (*where, "id")), title=self.text(m["title"], (*where, "title"))
        )

    def feature(self, value: Any, where: Where) -> Feature:
        m = self.mapping(value, where, required=("id", "label", "links"))
        per_option = self.mapping(m["links"], (*where, "links"), optional=self.option_ids)
        links = {
            opt: self.links(per_option[opt], (*where, "links", opt))
            for opt in self.option_ids
            if opt in per_option
        }
        return Feature(
            id=self.ident(m["id"], (*where, "id")),
            label=self.text(m["label"], (*where, "label")),
            links=MappingProxyType(links),
        )
