"""Load questions.yaml into a validated :class:`~guide.engine.model.Rulebook`: the loader's one
job, in one module.

The file is parsed with a safe loader only, so a tag such as ``!!python/object`` is an error,
never code. Every problem is a :class:`RulebookError` that names the file, the path inside it
(``questions[3].choices[1].effects``) and the line, so whoever edits the guide's knowledge can
find the mistake without reading Python.

Reading goes top-down: :func:`parse_yaml` (text to data, keeping the node tree for line
numbers), :class:`Reader` (typed access to that data, with errors that say where), and
:class:`RulebookReader` (the schema documented in questions.yaml's header: sources, options,
criteria, sections, features, then questions and rules, each checked against what came
before). Last, :func:`guide.engine.monotone.direction_problems` refuses a file in which an
answer could work against itself.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from .model import (
    UNSURE,
    Alternative,
    Change,
    Choice,
    Condition,
    Criterion,
    Effect,
    Feature,
    Link,
    Option,
    Question,
    Rule,
    Rulebook,
    Section,
    Settings,
    Source,
    StartingPoint,
)
from .monotone import direction_problems

T = TypeVar("T")
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PathPart = str | int
Where = tuple[PathPart, ...]

MAX_WEIGHT = 5.0
MAX_POINTS = 10.0
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
    reader = RulebookReader(file, root)
    rulebook = reader.rulebook(data, version)
    for problem in direction_problems(rulebook):
        raise reader.fail(("questions", problem.index, "choices"), problem.message)
    return rulebook


# -- YAML, read with errors a person can act on -------------------------------------------


class RulebookError(ValueError):
    """questions.yaml is malformed or inconsistent. ``str()`` is one line for a person."""

    def __init__(self, message: str, *, file: str, path: str = "", line: int | None = None):
        self.message, self.file, self.path, self.line = message, file, path, line
        where = file + (f":{line}" if line else "") + (f" at {path}" if path else "")
        super().__init__(f"{where}: {message}")


def parse_yaml(raw: bytes | str, *, file: str) -> tuple[Any, yaml.Node | None]:
    """The plain data in ``raw`` and its node tree (for line numbers). Raises
    :class:`RulebookError` for text that is not UTF-8, malformed YAML, a forbidden tag or a
    key given twice."""
    data_bytes = raw.encode() if isinstance(raw, str) else raw
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulebookError("the file is not UTF-8 text", file=file) from exc
    # One safe loader does what yaml.safe_load does (build the node tree, then construct plain
    # data from it), keeping the tree in between: it finds duplicate keys, which safe_load
    # silently overwrites, and the line of any later error. The C loader (libyaml) is the
    # same safe constructor, only faster; tags such as !!python/object are refused by both.
    loader = _SafeLoader(text)
    try:
        root = loader.get_single_node()
        _reject_duplicate_keys(root, file)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise RulebookError(f"not valid YAML: {problem}", file=file, line=line) from exc
    except yaml.YAMLError as exc:
        raise RulebookError(f"not valid YAML: {exc}", file=file) from exc
    finally:
        loader.dispose()
    return data, root


def _reject_duplicate_keys(node: yaml.Node | None, file: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                raise RulebookError(
                    f"the key '{key.value}' appears twice", file=file, line=key.start_mark.line + 1
                )
            seen.add(key.value)
            _reject_duplicate_keys(value, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, file)


class Reader:
    """Walks the parsed data, checking each value and remembering where it is."""

    def __init__(self, file: str, root: yaml.Node | None):
        self.file, self.root = file, root

    # -- errors ---------------------------------------------------------------------------

    def fail(self, where: Where, message: str) -> RulebookError:
        return RulebookError(
            message, file=self.file, path=_format_path(where), line=self._line_of(where)
        )

    def _line_of(self, where: Where) -> int | None:
        node = self.root
        found = node
        for part in where:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part] if part < len(node.value) else None
            else:
                node = None
            if node is None:
                break
            found = node
        return found.start_mark.line + 1 if found is not None else None

    # -- typed access ---------------------------------------------------------------------

    def mapping(
        self,
        value: Any,
        where: Where,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, found {_kind(value)}")
        required, optional = tuple(required), tuple(optional)
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                raise self.fail((*where, str(key)), f"unknown key '{key}' (allowed: {allowed})")
        for key in required:
            if key not in value:
                raise self.fail(where, f"missing required key '{key}'")
        return value

    def items(self, value: Any, where: Where, *, allow_empty: bool = False) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, found {_kind(value)}")
        if not value and not allow_empty:
            raise self.fail(where, "the list is empty")
        return value

    def text(self, value: Any, where: Where) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected non-empty text, found {_kind(value)}")
        return " ".join(value.split())

    def ident(self, value: Any, where: Where) -> str:
        ok = isinstance(value, str) and value.replace("_", "a").isalnum() and value.isascii()
        if not ok or not value[0].isalpha() or value != value.lower():
            raise self.fail(where, f"ids are lower-case letters, digits and '_', found {value!r}")
        return str(value)

    def number(
        self,
        value: Any,
        where: Where,
        *,
        low: float,
        high: float,
        low_open: bool = False,
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(where, f"expected a number, found {_kind(value)}")
        below = value <= low if low_open else value < low
        if below or value > high:
            bound = "(" if low_open else "["
            raise self.fail(where, f"{value} is out of range {bound}{low:g}, {high:g}]")
        return float(value)

    def date(self, value: Any, where: Where) -> str:
        """A calendar date, written YYYY-MM-DD (YAML reads it as a date)."""
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise self.fail(where, f"expected a date such as 2026-11-23, found {_kind(value)}")
        return value.isoformat()

    def url(self, value: Any, where: Where) -> str:
        url = self.text(value, where)
        # Only web links: a javascript: or file: URL in the data must never reach a page.
        if not url.startswith("https://") or " " in url:
            raise self.fail(where, f"links must be https:// URLs, found {url!r}")
        return url

    def unique(self, things: list[T], key: Callable[[T], str], where: Where, noun: str) -> None:
        seen: set[str] = set()
        for index, thing in enumerate(things):
            ident = key(thing)
            if ident in seen:
                raise self.fail((*where, index), f"duplicate {noun} id '{ident}'")
            seen.add(ident)

    def ref(self, value: Any, where: Where, known: Iterable[str], noun: str) -> str:
        known = tuple(known)
        if value not in known:
            raise self.fail(where, f"unknown {noun} '{value}' (known: {', '.join(known)})")
        return str(value)

    def list_of(
        self,
        top: dict[str, Any],
        key: str,
        build: Callable[[Any, Where], T],
        *,
        allow_empty: bool = False,
    ) -> list[T]:
        values = self.items(top.get(key, []), (key,), allow_empty=allow_empty)
        built: list[T] = []
        seen: set[str] = set()
        for index, value in enumerate(values):
            thing = build(value, (key, index))
            ident = getattr(thing, "id", None)
            if ident is not None:
                if ident in seen:
                    raise self.fail((key, index, "id"), f"duplicate id '{ident}' in {key}")
                seen.add(ident)
            built.append(thing)
        return built


def _format_path(parts: Where) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }
    return names.get(type(value), type(value).__name__)


# -- the rulebook ---------------------------------------------------------------------------


class RulebookReader(Reader):
    """Builds the :class:`Rulebook`, checking every reference against what came before."""

    # Filled in by the rulebook reader before any question is read.
    sources: dict[str, Source]
    option_ids: tuple[str, ...]
    weights: dict[str, float]
    section_ids: tuple[str, ...]
    features: dict[str, Feature]
    questions: dict[str, Question]  # the questions read so far, in order

    def effects(self, value: Any, where: Where) -> tuple[Effect, ...]:
        by_criterion = self.mapping(value, where, optional=tuple(self.weights))
        effects = []
        for criterion, points in by_criterion.items():
            at = (*where, criterion)
            per_option = self.mapping(points, at, optional=self.option_ids)
            for option, amount in per_option.items():
                number = self.number(amount, (*at, option), low=0, high=MAX_POINTS)
                effects.append(Effect(criterion=criterion, option=option, points=number))
        return tuple(effects)

    def totals(self, effects: tuple[Effect, ...]) -> MappingProxyType[str, float]:
        totals = dict.fromkeys(self.option_ids, 0.0)
        for effect in effects:
            totals[effect.option] += self.weights[effect.criterion] * effect.points
        return MappingProxyType(totals)

    def source_refs(self, m: dict[str, Any], where: Where, *, needed: bool) -> tuple[str, ...]:
        """``source``: one source id, or a list of them (most direct first)."""
        if "source" not in m:
            if needed:
                raise self.fail(
                    where,
                    "missing required key 'source': every effect names the source it rests on",
                )
            return ()
        given = m["source"]
        at = (*where, "source")
        ids = given if isinstance(given, list) else [given]
        refs = tuple(
            self.ref(ident, (*at, i) if isinstance(given, list) else at, self.sources, "source")
            for i, ident in enumerate(self.items(ids, at))
        )
        if len(set(refs)) != len(refs):
            raise self.fail(at, "a source is named twice")
        return refs

    def conditions(self, value: Any, where: Where) -> tuple[Condition, ...]:
        if not isinstance(value, dict) or not value:
            raise self.fail(where, "expected a mapping of question ids to choices")
        conditions = []
        for question_id, wanted in value.items():
            at = (*where, str(question_id))
            if question_id not in self.questions:
                above = ", ".join(self.questions) or "none"
                raise self.fail(
                    at, f"unknown question '{question_id}' (questions above this point: {above})"
                )
            allowed = self.questions[question_id].choice_ids
            wanted_list = wanted if isinstance(wanted, list) else [wanted]
            choices = frozenset(
                self.ref(c, at, allowed, f"choice of '{question_id}'")
                for c in self.items(wanted_list, at)
            )
            conditions.append(Condition(question=question_id, choices=choices))
        return tuple(conditions)

    def choice(self, value: Any, where: Where) -> Choice:
        m = self.mapping(
            value,
            where,
            required=("id", "label"),
            optional=("effects", "reason", "because", "source", "features"),
        )
        ident = self.ident(m["id"], (*where, "id"))
        if ident == UNSURE:
            raise self.fail((*where, "id"), f"'{UNSURE}' is added to every question by the guide")
        effects = self.effects(m.get("effects", {}), (*where, "effects"))
        reason = self.text(m["reason"], (*where, "reason")) if "reason" in m else ""
        if effects and not reason:
            raise self.fail(
                where, "missing required key 'reason': a choice with effects says why in a sentence"
            )
        features = tuple(
            self.ref(f, (*where, "features", i), self.features, "feature")
            for i, f in enumerate(
                self.items(m.get("features", []), (*where, "features"), allow_empty=True)
            )
        )
        totals = self.totals(effects)
        return Choice(
            id=ident,
            label=self.text(m["label"], (*where, "label")),
            effects=effects,
            reason=reason,
            sources=self.source_refs(m, where, needed=bool(effects)),
            features=features,
            totals=totals,
            because=self.text(m["because"], (*where, "because")) if "because" in m else "",
        )

    def question(self, value: Any, where: Where) -> Question:
        m = self.mapping(
            value,
            where,
            required=("id", "section", "prompt", "help", "choices"),
            optional=("show_if",),
        )
        ident = self.ident(m["id"], (*where, "id"))
        choices = [
            self.choice(c, (*where, "choices", i))
            for i, c in enumerate(self.items(m["choices"], (*where, "choices")))
        ]
        self.unique(choices, lambda c: c.id, (*where, "choices"), "choice")
        # show_if may only name questions above this one, so visibility is decided in order.
        show_if = self.conditions(m["show_if"], (*where, "show_if")) if "show_if" in m else ()
        question = Question(
            id=ident,
            section=self.ref(m["section"], (*where, "section"), self.section_ids, "section"),
            prompt=self.text(m["prompt"], (*where, "prompt")),
            help=self.text(m["help"], (*where, "help")),
            choices=tuple(choices),
            show_if=show_if,
        )
        self.questions.setdefault(ident, question)
        return question

    def rule(self, value: Any, where: Where) -> Rule:
        m = self.mapping(
            value,
            where,
            required=("id", "when", "reason", "source"),
            optional=("effects", "note", "alternatives", "because"),
        )
        effects = self.effects(m.get("effects", {}), (*where, "effects"))
        alternatives = []
        for i, item in enumerate(
            self.items(m.get("alternatives", []), (*where, "alternatives"), allow_empty=True)
        ):
            at = (*where, "alternatives", i)
            a = self.mapping(item, at, required=("name", "url", "why"))
            alternatives.append(
                Alternative(
                    name=self.text(a["name"], (*at, "name")),
                    url=self.url(a["url"], (*at, "url")),
                    why=self.text(a["why"], (*at, "why")),
                )
            )
        note = self.text(m["note"], (*where, "note")) if "note" in m else ""
        if not (effects or note or alternatives):
            raise self.fail(
                where, "a rule must adjust points, add a note or suggest an alternative"
            )
        return Rule(
            id=self.ident(m["id"], (*where, "id")),
            when=self.conditions(m["when"], (*where, "when")),
            effects=effects,
            reason=self.text(m["reason"], (*where, "reason")),
            sources=self.source_refs(m, where, needed=True),
            note=note,
            alternatives=tuple(alternatives),
            totals=self.totals(effects),
            because=self.text(m["because"], (*where, "because")) if "because" in m else "",
        )

    def rulebook(self, data: Any, version: str) -> Rulebook:
        top = self.mapping(
            data,
            (),
            required=TOP_LEVEL[:6] + ("questions",),
            optional=("features", "rules", "updated", "starting_points", "changes"),
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
        self.quoted_claims_exist(top, rules)
        starts = self.list_of(top, "starting_points", self.starting_point, allow_empty=True)
        changes = self.list_of(top, "changes", self.change, allow_empty=True)
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
            starting_points=tuple(starts),
            changes=tuple(changes),
        )

    def quoted_claims_exist(self, top: dict[str, Any], rules: list[Rule]) -> None:
        """Each quote a source gives backs a claim that cites it: "question.choice" or a
        rule's id."""
        cited: dict[str, set[str]] = {}
        for question in self.questions.values():
            for choice in question.choices:
                for source_id in choice.sources:
                    cited.setdefault(source_id, set()).add(f"{question.id}.{choice.id}")
        for rule in rules:
            for source_id in rule.sources:
                cited.setdefault(source_id, set()).add(rule.id)
        for index, source in enumerate(self.sources.values()):
            for claim in source.quotes:
                if claim not in cited.get(source.id, set()):
                    raise self.fail(
                        ("sources", index, "quotes", claim),
                        f"'{claim}' does not cite '{source.id}': a quote backs a claim that "
                        "names its source",
                    )

    def change(self, value: Any, where: Where) -> Change:
        m = self.mapping(
            value, where, required=("date", "summary", "why"), optional=("sources", "version")
        )
        return Change(
            date=self.date(m["date"], (*where, "date")),
            summary=self.text(m["summary"], (*where, "summary")),
            why=self.text(m["why"], (*where, "why")),
            sources=self.source_refs(m, where, needed=False),
            version=self.text(m["version"], (*where, "version")) if "version" in m else "",
        )

    def starting_point(self, value: Any, where: Where) -> StartingPoint:
        m = self.mapping(value, where, required=("id", "label", "description", "answers"))
        at = (*where, "answers")
        implied = self.mapping(m["answers"], at, optional=tuple(self.questions))
        answers = {}
        for question_id, choice in implied.items():
            allowed = self.questions[question_id].choice_ids
            answers[question_id] = self.ref(
                choice, (*at, question_id), allowed, f"choice of '{question_id}'"
            )
        return StartingPoint(
            id=self.ident(m["id"], (*where, "id")),
            label=self.text(m["label"], (*where, "label")),
            description=self.text(m["description"], (*where, "description")),
            answers=MappingProxyType(answers),
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
            value,
            where,
            required=("id", "title", "kind", "url"),
            optional=("author", "year", "checked", "quotes"),
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
            checked=self.date(m["checked"], (*where, "checked")) if "checked" in m else "",
            quotes=MappingProxyType(
                {
                    str(claim): self.text(words, (*where, "quotes", str(claim)))
                    for claim, words in self.mapping(
                        m.get("quotes", {}), (*where, "quotes"), optional=m.get("quotes", {})
                    ).items()
                }
            ),
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
