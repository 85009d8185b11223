"""How the numbers of a result are written: the same on every surface, so no two of them can
disagree by a rounding (see :mod:`guide.wording.sentences` for the sentences around them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any


def percent(share: float) -> int:
    """A share (0..1) as a whole percentage.

    Halves go to the even number, so two shares that add up to 1 (Flask's and Django's) always
    add up to 100 %: 60.5 % and 39.5 % become 60 % and 40 %, never 61 % and 40 %."""
    return int((Decimal(str(share)) * 100).quantize(Decimal(1), ROUND_HALF_EVEN))


def points(value: float) -> str:
    """Points to one decimal without a sign, halves away from zero: 1.25 -> "1.3"."""
    return str(abs(Decimal(str(value))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def amount(value: float) -> str:
    """A number of points as a person writes it: "3", "4.5" (one decimal at most)."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(rounded.to_integral()) if rounded == rounded.to_integral() else str(rounded)


def shares(scores: Iterable[Mapping[str, Any]]) -> str:
    """Each option's share of the points: "Flask 46% · Django 54%"."""
    return " · ".join(f"{s['name']} {percent(s['share'])}%" for s in scores)


def plural(count: float, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def lead(points: float) -> str:
    """A lead in points as a person says it: "3 points ahead", "level", "1.5 points behind"."""
    if not round(points, 6):
        return "level"
    side = "ahead" if points > 0 else "behind"
    return f"{amount(abs(points))} {plural(abs(points), 'point')} {side}"
