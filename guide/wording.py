"""How a snapshot's numbers are written: the same on the results page, in the live panel, in
the PDF summary and in the terminal, so no two of them can disagree by a rounding.

Every function takes the values stored in a snapshot (``Recommendation.to_dict``), which are
what a permalink keeps."""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from .engine import TOO_LITTLE_LABEL


def percent(share: float) -> int:
    """A share (0..1) as a whole percentage.

    Halves go to the even number, so two shares that add up to 1 (Flask's and Django's) always
    add up to 100 %: 60.5 % and 39.5 % become 60 % and 40 %, never 61 % and 40 %."""
    return int((Decimal(str(share)) * 100).quantize(Decimal(1), ROUND_HALF_EVEN))


def points(value: float) -> str:
    """Points to one decimal without a sign, halves away from zero: 1.25 -> "1.3"."""
    return str(abs(Decimal(str(value))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def shares(scores: Iterable[Mapping[str, Any]]) -> str:
    """Each option's share of the points: "Flask 46% · Django 54%"."""
    return " · ".join(f"{s['name']} {percent(s['share'])}%" for s in scores)


def too_little_to_go_on(result: Mapping[str, Any]) -> bool:
    """Whether a close call is one because the answers give too few points in all, rather
    than because the options are level. The engine decides and labels it so; snapshots made
    before it did count as level."""
    return result.get("confidence_label") == TOO_LITTLE_LABEL
