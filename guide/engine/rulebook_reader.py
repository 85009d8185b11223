"""The schema documented in questions.yaml's header, read into a :class:`Rulebook`.

:class:`RulebookReader` reads the file's parts in order (sources, options, criteria, sections,
features, then questions and rules, each checked against what came before), so that an id is
only ever used after it is defined; one method a kind of entry, each saying which keys it
takes and what each must hold.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from .citations import CitationReader
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
from .yaml_reader import Where

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


class RulebookReader(CitationReader):
    """Builds the :class:`Rulebook`, checking every reference against what came before."""

    # Filled in by rulebook() before any question is read.
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
        """The whole file (``data`` as :func:`~guide.engine.yaml_reader.parse_yaml` gives it)
        as the :class:`Rulebook` of ``version``."""
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
        self.quoted_claims_exist(self.questions.values(), rules)
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
