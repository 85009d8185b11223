"""The guide's vocabulary as frozen, typed objects.

Everything here is built by :mod:`guide.engine.loader` from questions.yaml and read by
:mod:`guide.engine.scoring`; nothing here knows about files, HTTP or Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .verdict import STATE_LABELS

#: The answer every question accepts; a question left out counts as this.
UNSURE = "unsure"
#: How "unsure" is shown wherever a person reads it.
UNSURE_LABEL = "Not sure"
#: How a question the interview never asked is shown.
UNASKED_LABEL = "Not asked"


@dataclass(frozen=True, slots=True)
class Link:
    """A starter-code or documentation link."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where a claim comes from: a seed article or official documentation."""

    id: str
    title: str
    kind: str  # "article" or "docs"
    url: str
    author: str = ""
    year: int | None = None
    #: When it was last read and found to say what it is cited for, YYYY-MM-DD.
    checked: str = ""
    #: For each claim it is cited for ("question.choice", or a rule's id), its own words that
    #: back the claim.
    quotes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Option:
    """One of the frameworks the guide can recommend."""

    id: str
    name: str
    summary: str
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Criterion:
    """A weighted yardstick, e.g. built-in features or raw request speed."""

    id: str
    label: str
    description: str
    weight: float


@dataclass(frozen=True, slots=True)
class Feature:
    """A need that the answers can call for, with a starter link per option."""

    id: str
    label: str
    links: Mapping[str, tuple[Link, ...]]  # option id -> links


@dataclass(frozen=True, slots=True)
class Effect:
    """Points one choice or rule gives one option on one criterion."""

    criterion: str
    option: str
    points: float


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    effects: tuple[Effect, ...]
    reason: str
    sources: tuple[str, ...]  # ids of the sources that say it, most direct first
    features: tuple[str, ...] = ()
    #: The reason in a few words, to follow "because": "staff need an admin back office".
    because: str = ""
    #: Weighted points per option, precomputed by the loader so scoring only adds numbers.
    totals: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Condition:
    """Show a question, or fire a rule, when `question`'s answer is one of `choices`."""

    question: str
    choices: frozenset[str]


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: str
    prompt: str
    help: str
    choices: tuple[Choice, ...]
    show_if: tuple[Condition, ...] = ()

    def choice(self, choice_id: str) -> Choice:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another framework worth a look, suggested by a rule."""

    name: str
    url: str
    why: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A combination of answers that adjusts points, adds a note or suggests an alternative."""

    id: str
    when: tuple[Condition, ...]
    effects: tuple[Effect, ...]
    reason: str
    sources: tuple[str, ...]
    note: str = ""
    because: str = ""
    alternatives: tuple[Alternative, ...] = ()
    totals: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Settings:
    """The thresholds of the verdict's states; see :mod:`guide.engine.verdict`."""

    #: The option named when the options are exactly level.
    tie_break: str
    #: A lead of this many weighted points is a lean...
    lean_points: float
    #: ... and of this many, clear.
    clear_points: float
    #: An undecided result on fewer points than this in all is "too little to go on".
    min_evidence: float


@dataclass(frozen=True, slots=True)
class Change:
    """One version of the rules in the changelog: when, what changed and why."""

    date: str
    summary: str
    why: str
    sources: tuple[str, ...] = ()
    version: str = ""  # the rules' version it produced; "" for the current file


@dataclass(frozen=True, slots=True)
class StartingPoint:
    """A common kind of project, and the answers it implies: the interview's first step
    fills them in as assumptions the person can change."""

    id: str
    label: str
    description: str
    answers: Mapping[str, str]  # question id -> choice id


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str


# eq=False: a rulebook is compared and hashed by identity, so per-rulebook work can be cached.
@dataclass(frozen=True, slots=True, eq=False)
class Rulebook:
    """Everything the guide knows, as loaded and validated from questions.yaml."""

    version: str  # a short hash of the file's content
    title: str
    updated: str  # when the knowledge was last reviewed, YYYY-MM-DD ("" if the file omits it)
    settings: Settings
    options: tuple[Option, ...]
    criteria: tuple[Criterion, ...]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    sources: Mapping[str, Source]
    features: Mapping[str, Feature]
    starting_points: tuple[StartingPoint, ...] = ()
    changes: tuple[Change, ...] = ()
    #: The interface's words for an answer left open, in the rulebook's language (the
    #: service layer gives them in each language it speaks).
    unsure_label: str = UNSURE_LABEL
    unasked_label: str = UNASKED_LABEL
    state_labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(STATE_LABELS))
    _by_id: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = MappingProxyType({question.id: question for question in self.questions})
        object.__setattr__(self, "_by_id", index)

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if there is none."""
        return self._by_id[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    def starting_point(self, start_id: str) -> StartingPoint:
        """The starting point with this id; KeyError if there is none."""
        for start in self.starting_points:
            if start.id == start_id:
                return start
        raise KeyError(start_id)

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)
