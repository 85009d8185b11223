"""The decision engine: pure Python (standard library, PyYAML and typing_extensions), no Django.

    rulebook = load_rulebook("questions.yaml")
    checked = check_answers(rulebook, {"project_size": "prototype"}, strict=True)
    snapshot = score(rulebook, checked.answers)
    snapshot["recommendation"]  # "flask"

Modules: ``model`` (the rulebook's types), ``loader`` (questions.yaml in, with errors that name
file, path and line; ``monotone`` is its check that no answer works against itself),
``answers`` (the one answer check), ``tally`` (the arithmetic), ``verdict`` (the states and
their words), ``scoring`` (answers in, a result out), ``snapshot`` (the one result type every
surface reads) and ``outline`` (the rulebook as the API lists it).
"""

from .answers import AnswerError, AnswerProblem, CheckedAnswers, check_answers, shown_answers
from .loader import RulebookError, load_rulebook, parse_rulebook
from .model import UNSURE, UNSURE_LABEL, Rulebook
from .scoring import score
from .snapshot import FORMAT, Snapshot
from .verdict import CLEAR, CLOSE, LEAN, STATE_LABELS, STATES, STRENGTH, TOO_LITTLE, TOSS_UP

__all__ = [
    "CLEAR",
    "CLOSE",
    "FORMAT",
    "LEAN",
    "STATES",
    "STATE_LABELS",
    "STRENGTH",
    "TOO_LITTLE",
    "TOSS_UP",
    "UNSURE",
    "UNSURE_LABEL",
    "AnswerError",
    "AnswerProblem",
    "CheckedAnswers",
    "Rulebook",
    "RulebookError",
    "Snapshot",
    "check_answers",
    "shown_answers",
    "load_rulebook",
    "parse_rulebook",
    "score",
]
