"""The decision engine: pure Python (standard library, PyYAML and typing_extensions), no Django.

    rulebook = load_rulebook("questions.yaml")
    checked = check_answers(rulebook, {"project_size": "prototype"}, strict=True)
    snapshot = evaluate(rulebook, checked.answers)
    snapshot["recommendation"]  # "flask"

Modules: ``model`` (the rulebook's types), ``loader`` and ``yamlread`` (questions.yaml in, with
errors that name file, path and line), ``answers`` (the one answer check), ``tally`` (the
arithmetic), ``scoring`` (a :class:`Recommendation` from answers), ``result`` (its types and
confidence words) and ``snapshot`` (the stored, served form every surface reads).
"""

from .answers import AnswerError, AnswerProblem, CheckedAnswers, check_answers, counted_answers
from .loader import load_rulebook, parse_rulebook
from .model import UNSURE, UNSURE_LABEL, Rulebook
from .result import Recommendation, make_snapshot
from .scoring import evaluate, score
from .snapshot import FORMAT, Snapshot, complete_snapshot
from .verdict import (
    CLEAR,
    CLOSE,
    LEAN,
    STATE_LABELS,
    STATES,
    STRENGTH,
    TOO_LITTLE,
    TOO_LITTLE_LABEL,
    TOSS_UP,
    confidence_label,
)
from .yamlread import RulebookError

__all__ = [
    "CLEAR",
    "CLOSE",
    "FORMAT",
    "LEAN",
    "STATES",
    "STATE_LABELS",
    "STRENGTH",
    "TOO_LITTLE",
    "TOO_LITTLE_LABEL",
    "TOSS_UP",
    "UNSURE",
    "UNSURE_LABEL",
    "AnswerError",
    "AnswerProblem",
    "CheckedAnswers",
    "Recommendation",
    "Rulebook",
    "RulebookError",
    "Snapshot",
    "check_answers",
    "complete_snapshot",
    "confidence_label",
    "counted_answers",
    "evaluate",
    "load_rulebook",
    "make_snapshot",
    "parse_rulebook",
    "score",
]
