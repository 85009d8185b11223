"""The rules that hold questions.yaml's claims to its sources.

Every rule, and every choice that moves points, names the source it rests on (``source:``, one
id or a list, most direct first), and a source may quote its own words for a claim, which must
then cite it. :class:`CitationReader` checks both, against the ``sources:`` list read first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import Question, Rule, Source
from .yaml_reader import Reader, Where


class CitationReader(Reader):
    """Reads the references to sources, and checks the quotes against them."""

    # Filled in from the ``sources:`` list before anything that cites one is read.
    sources: dict[str, Source]

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

    def quoted_claims_exist(self, questions: Iterable[Question], rules: Iterable[Rule]) -> None:
        """Each quote a source gives backs a claim that cites it: "question.choice" or a
        rule's id."""
        cited: dict[str, set[str]] = {}
        for question in questions:
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
