"""What a starter is made of: the catalogue of frameworks and features it can have, the rules
between features, and the :class:`StarterSpec` a result of the guide turns into, with the
decision it records. Plain data, checked on creation; nothing here renders."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, get_args

#: The Copier template every starter is made from (starters/README.md).
STARTERS = Path(__file__).resolve().parents[2] / "starters"
#: The frameworks a starter can be made for, each a template in ``starters/``.
Framework = Literal["flask", "django"]
FRAMEWORKS: tuple[Framework, ...] = get_args(Framework)


def framework_named(name: str | None) -> Framework | None:
    """The framework ``name`` names (None for None); ValueError for one without a starter."""
    for framework in FRAMEWORKS:
        if name == framework:
            return framework
    if name is None:
        return None
    raise ValueError(f"unknown framework: {name[:40]!r}")


def gettext_noop(message: str) -> str:
    """Marks a label for the pages' translations (makemessages finds it by this name) and
    returns it as it is: the starter writes English, and this module stays free of Django."""
    return message


#: The features a starter writes code for: id -> label (the guide's own, where it has one), in
#: English, as the starter writes it; marked for the pages, which say it in their language.
FEATURES: dict[str, str] = {
    "auth": gettext_noop("Log-in and permissions"),
    "forms": gettext_noop("Forms and validation"),
    "orm": gettext_noop("Relational database and migrations"),
    "nosql": gettext_noop("NoSQL data store"),
    "admin": gettext_noop("Admin back office"),
    "rest": gettext_noop("REST API"),
    "rate_limit": gettext_noop("Rate limiting"),
    "predict": gettext_noop("Model-serving endpoint"),
}
#: A feature that only works on top of another brings it (starters/README.md says why).
NEEDS = {"admin": "auth", "rate_limit": "rest"}
#: Features that keep data somewhere: without a data store, they bring ``orm``.
KEEPS_DATA = frozenset({"auth", "forms", "rest"})
STORES = frozenset({"orm", "nosql"})

#: For each framework, feature id -> the file that shows that feature best.
KEY_FILES: dict[str, dict[str, str]] = {
    "flask": {
        "auth": "starter/auth.py",
        "forms": "starter/forms.py",
        "orm": "starter/models.py",
        "nosql": "starter/mongo.py",
        "admin": "starter/admin.py",
        "rest": "starter/api.py",
        "rate_limit": "starter/limits.py",
        "predict": "starter/predict.py",
    },
    "django": {
        "auth": "core/accounts.py",
        "forms": "core/forms.py",
        "orm": "core/models.py",
        "nosql": "core/mongo.py",
        "admin": "core/admin.py",
        "rest": "core/api.py",
        "rate_limit": "starter/settings.py",
        "predict": "core/predict.py",
    },
}

# What may reach a README from a result: one line of plain text, and https addresses.
_PLAIN = re.compile(r"[^\x00-\x1f\x7f\[\]<>`|*]{1,200}")
_URL = re.compile(r"https://[^\s\"'`<>()\[\]]{1,500}")
_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Link:
    title: str
    url: str

    def __post_init__(self) -> None:
        if not _PLAIN.fullmatch(self.title) or not _URL.fullmatch(self.url):
            raise ValueError(f"not a plain title and an https address: {self!r}")


@dataclass(frozen=True)
class NextStep:
    """A need the starter writes no code for: its README says where to begin."""

    feature: str
    label: str
    links: tuple[Link, ...] = ()

    def __post_init__(self) -> None:
        if not _ID.fullmatch(self.feature) or self.feature in FEATURES:
            raise ValueError(f"not a next-step feature id: {self.feature!r}")
        if not _PLAIN.fullmatch(self.label):
            raise ValueError(f"not a plain label: {self.label!r}")
        if not all(isinstance(link, Link) for link in self.links):
            raise ValueError("links must be Link objects")


@dataclass(frozen=True)
class Reason:
    """One reason a result gives: the framework it favours (by name), a few words to follow
    "because" (may be empty), the reason in full, and where it comes from."""

    option: str
    because: str
    text: str
    sources: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """Something other than Flask and Django that a result suggests looking at."""

    name: str
    url: str
    why: str

    def __post_init__(self) -> None:
        if not _URL.fullmatch(self.url):
            raise ValueError(f"not an https address: {self.url!r}")


@dataclass(frozen=True)
class Decision:
    """Why a project uses its framework, as a result of the guide tells it: what the
    project's docs/decisions/0001-use-<framework>.md records
    (:func:`~guide.starters.decision.decision_record`).

    ``answers`` are (question, answer) pairs as the guide words them; ``permalink`` is the
    result's address, or "" for a result that was never saved. Raises ValueError for an
    address that is not http(s)."""

    framework_name: str  # the framework the project uses, "Django"
    other_name: str  # the one it does not, "Flask"
    recommended_name: str  # the guide's recommendation: either of them
    confidence: str  # how sure the guide is: "Clear", "Lean", "Toss-up", ...
    summary: str  # the recommendation in a sentence
    answers: tuple[tuple[str, str], ...] = ()
    reasons: tuple[Reason, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    permalink: str = ""
    #: A team's decision (recorded in a team room): the room's title and its members.
    team: str = ""
    decision_makers: tuple[str, ...] = ()
    #: The record's own words in the result's language, as (key, text) pairs over
    #: :data:`RECORD_WORDS`' English; empty: English.
    words: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.permalink and not re.fullmatch(r"https?://[^\s<>()\[\]]{1,500}", self.permalink):
            raise ValueError(f"not a web address: {self.permalink!r}")


@dataclass(frozen=True)
class StarterSpec:
    """What to generate: a framework and features, checked and completed on creation, and
    the decision it comes from, if a result of the guide made it.

    ``features`` holds what the starter will have, which may be more than was asked for:
    see :func:`resolve_features`. Raises ValueError for an unknown framework or feature.
    """

    framework: str
    features: frozenset[str] = frozenset()
    next_steps: tuple[NextStep, ...] = ()
    decision: Decision | None = None
    #: Where the template is published and the version it was made from, for the project's
    #: .copier-answers.yml (`copier update` reads them): ("https://site/starters.git",
    #: "v2026.12.1"); empty: the template's place in the guide's repository, no version.
    source: tuple[str, str] | tuple[()] = ()

    def __post_init__(self) -> None:
        if self.framework not in FRAMEWORKS:
            raise ValueError(f"unknown framework: {self.framework!r}")
        if isinstance(self.features, str):
            raise ValueError("features must be a collection of ids, not one string")
        if not all(isinstance(step, NextStep) for step in self.next_steps):
            raise ValueError("next_steps must be NextStep objects")
        if self.decision is not None and not isinstance(self.decision, Decision):
            raise ValueError("decision must be a Decision")
        if self.source and not (
            len(self.source) == 2
            and re.fullmatch(r"https?://[^\s<>()\[\]]{1,500}", self.source[0])
            and re.fullmatch(r"v[\d.]{1,20}", self.source[1])
        ):
            raise ValueError(f"not a published template and version: {self.source!r}")
        object.__setattr__(self, "features", resolve_features(self.features))
        object.__setattr__(self, "next_steps", tuple(self.next_steps))

    @property
    def name(self) -> str:
        """The project's name and top folder, e.g. "flask-starter"."""
        return f"{self.framework}-starter"


def resolve_features(requested: Iterable[str]) -> frozenset[str]:
    """The features a starter gets for those asked for, so that every set works.

    orm and nosql are one choice of data store: asked together, the relational database
    wins (the one Django's own log-in and admin need anyway, and the guide's default).
    admin brings auth; rate_limit brings rest; auth, forms and rest keep data, so they
    bring orm unless nosql is there. Raises ValueError for an unknown id.
    """
    features = set(requested)
    if unknown := features - FEATURES.keys():
        raise ValueError(f"unknown features: {', '.join(sorted(map(repr, unknown)))}")
    if features >= STORES:
        features.discard("nosql")
    features |= {NEEDS[feature] for feature in features & NEEDS.keys()}
    if features & KEEPS_DATA and not features & STORES:
        features.add("orm")
    return frozenset(features)


def spec_from_result(
    snapshot: Mapping[str, Any],
    framework: str | None = None,
    *,
    permalink: str = "",
    team: Mapping[str, Any] | None = None,
    words: Mapping[str, str] | None = None,
) -> StarterSpec:
    """The starter for a result (a :class:`~guide.engine.Snapshot`), for ``framework`` or
    else the recommended one, with the decision record the result makes (``permalink``:
    the result's absolute address, if it has one; ``team``: the team section of a decision
    recorded in a team room, whose members the record names as its decision-makers;
    ``words``: the decision record's words in the result's language, :data:`RECORD_WORDS`).

    The result's features become the starter's; a model to serve (``ml_model``, its main job
    or a part) adds ``predict``;
    the features it writes no code for become next steps, with the result's links for that
    framework. Raises ValueError for an unknown framework or a link that is not https.
    """
    chosen = framework or str(snapshot["recommendation"])
    if chosen not in FRAMEWORKS:
        raise ValueError(f"unknown framework: {chosen!r}")
    called_for = snapshot["links"]["features"]
    features = {str(entry["feature"]) for entry in called_for} & FEATURES.keys()
    if any(
        answer["question"] == "ml_model" and answer["choice"] in {"yes", "part"}
        for answer in snapshot["answers"]
    ):
        features.add("predict")
    next_steps = tuple(
        NextStep(
            str(entry["feature"]),
            str(entry["label"]),
            tuple(Link(str(x["title"]), str(x["url"])) for x in entry["links"].get(chosen, [])),
        )
        for entry in called_for
        if entry["feature"] not in FEATURES
    )
    decision = decision_from_result(snapshot, chosen, permalink, words)
    if team:
        decision = replace(
            decision,
            team=str(team.get("title", "")),
            decision_makers=tuple(str(name) for name in team.get("members", ())),
        )
    return StarterSpec(chosen, frozenset(features), next_steps, decision)


#: The decision record's words (starters/shared/decision.md.jinja), in English. A record in
#: another language carries them translated (``Decision.words``); the headings are MADR's.
RECORD_WORDS = {
    "title": gettext_noop("Use %(name)s"),
    "context_heading": gettext_noop("Context and Problem Statement"),
    "context": gettext_noop("This project needed a Python web framework: %(name)s or %(other)s."),
    "context_team": gettext_noop(
        'The choice was made by a team together ("%(team)s": %(members)s) with the "Flask or '
        "Django?\" guide, which weighed the team's answers, its disagreements settled:"
    ),
    "context_alone": gettext_noop(
        'The choice was made with the "Flask or Django?" guide, which weighed these answers:'
    ),
    "question": gettext_noop("Question"),
    "answer": gettext_noop("Answer"),
    "assumed": gettext_noop("(assumed)"),
    "drivers_heading": gettext_noop("Decision Drivers"),
    "options_heading": gettext_noop("Considered Options"),
    "outcome_heading": gettext_noop("Decision Outcome"),
    "chosen": gettext_noop(
        'Chosen option: "%(name)s", the guide\'s recommendation for these answers '
        "(%(confidence)s): %(summary)s"
    ),
    "chosen_otherwise": gettext_noop(
        'Chosen option: "%(name)s", although the guide recommended %(recommended)s for these '
        "answers (%(confidence)s: %(summary)s). Write down here why this project goes the other "
        "way, for whoever reads this later."
    ),
    "consequences_heading": gettext_noop("Consequences"),
    "good_starter": gettext_noop(
        "Good, because the project starts from the guide's %(name)s starter, with the features "
        "the answers called for and a test for each."
    ),
    "bad_other": gettext_noop(
        "Bad, because the reasons for %(other)s below still hold: revisit this record if the "
        "answers change."
    ),
    "pros_heading": gettext_noop("Pros and Cons of the Options"),
    "good_because": gettext_noop("Good, because %(reason)s"),
    "sources": gettext_noop("Sources:"),
    "none_favoured": gettext_noop("None of the answers favoured it."),
    "more_heading": gettext_noop("More Information"),
    "more_permalink": gettext_noop(
        "The guide's whole result, with every source and what would change it: <%(url)s>"
    ),
    "more_unsaved": gettext_noop(
        "The result was not saved as a permalink; answering the guide's questions again shows it."
    ),
}


def decision_from_result(
    snapshot: Mapping[str, Any],
    chosen: str,
    permalink: str,
    words: Mapping[str, str] | None = None,
) -> Decision:
    """What a result says about choosing ``chosen``, for its decision record (``words``:
    :data:`RECORD_WORDS` in the result's language)."""
    names = {str(score["option"]): str(score["name"]) for score in snapshot["scores"]}
    said = {**RECORD_WORDS, **(words or {})}
    return Decision(
        framework_name=names[chosen],
        other_name=next(name for option, name in names.items() if option != chosen),
        recommended_name=str(snapshot["recommendation_name"]),
        confidence=str(snapshot["confidence_label"]),
        summary=str(snapshot["recommendation_summary"]),
        answers=tuple(
            (
                str(a["prompt"]),
                str(a["label"]) + (" " + said["assumed"] if a.get("assumed") else ""),
            )
            for a in snapshot["answers"]
            if a.get("asked", True) or a.get("assumed")  # not the questions never put
        ),
        reasons=tuple(
            Reason(
                names.get(str(reason["favours"]), str(reason["favours"])),
                str(reason.get("because", "")),
                str(reason["text"]),
                tuple(Link(str(x["title"]), str(x["url"])) for x in reason.get("sources", [])),
            )
            for reason in snapshot["reasons"]
        ),
        alternatives=tuple(
            Alternative(str(x["name"]), str(x["url"]), str(x["why"]))
            for x in snapshot["alternatives"]
        ),
        permalink=permalink,
        words=tuple(said.items()) if words else (),
    )


def key_files(spec: StarterSpec) -> dict[str, str]:
    """Feature id -> the path of the file that shows it best, for the starter's features,
    in the catalogue's order."""
    files = KEY_FILES[spec.framework]
    return {feature: files[feature] for feature in FEATURES if feature in spec.features}
