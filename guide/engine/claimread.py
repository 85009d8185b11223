"""Reading the guide's claims from questions.yaml: questions with their choices, the effects
each choice has, the conditions that show a follow-up or fire a rule, and the rules.

:class:`ClaimReader` is the half of the rulebook reader that checks claims against what was
read before them (sources, options, criteria, sections, features, and the questions above);
:mod:`guide.engine.loader` reads those first and then the questions and rules with it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from .model import (
    UNSURE,
    Alternative,
    Choice,
    Condition,
    Effect,
    Feature,
    Question,
    Rule,
    Source,
)
from .yamlread import Reader, Where

MAX_POINTS = 10.0


class ClaimReader(Reader):
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
        return Choice(
            id=ident,
            label=self.text(m["label"], (*where, "label")),
            effects=effects,
            reason=reason,
            sources=self.source_refs(m, where, needed=bool(effects)),
            features=features,
            totals=self.totals(effects),
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
