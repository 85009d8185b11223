"""The decision engine: pure Python (standard library and PyYAML), no Django.

rulebook = load_rulebook("questions.yaml")
result = score(rulebook, {"project_size": "prototype", "auth": "none"})
result.recommendation  # "flask"
"""

from .loader import RulebookError, load_rulebook, parse_rulebook
from .model import UNSURE, Rulebook
from .scoring import (
    CLEAR,
    CLOSE,
    LEAN,
    TOO_LITTLE_LABEL,
    AnswerError,
    Recommendation,
    complete_snapshot,
    normalise_answers,
    score,
)

__all__ = [
    "CLEAR",
    "CLOSE",
    "LEAN",
    "TOO_LITTLE_LABEL",
    "UNSURE",
    "AnswerError",
    "Recommendation",
    "Rulebook",
    "RulebookError",
    "complete_snapshot",
    "load_rulebook",
    "normalise_answers",
    "parse_rulebook",
    "score",
]
