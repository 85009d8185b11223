"""The verdict's states and their words, defined once: every surface shows these labels."""

from __future__ import annotations

CLEAR, LEAN, CLOSE = "clear", "lean", "close"
CONFIDENCE_LABELS = {CLEAR: "Clear", LEAN: "Lean", CLOSE: "Close call"}
#: The label of a close call made because the answers give too few points in all.
TOO_LITTLE_LABEL = "Too little to go on"


def confidence_label(confidence: str, evidence: float, min_evidence: float) -> str:
    """How a confidence is shown: a close call on fewer points than ``min_evidence`` is
    "too little to go on", the rest by their own labels."""
    if confidence == CLOSE and evidence < min_evidence:
        return TOO_LITTLE_LABEL
    return CONFIDENCE_LABELS[confidence]
