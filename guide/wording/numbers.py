"""How the numbers of a result are written: the same on every surface, so no two of them can
disagree by a rounding (see :mod:`guide.wording.sentences` for the sentences around them)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def points(value: float) -> str:
    """Points to one decimal without a sign, halves away from zero: 1.25 -> "1.3"."""
    return str(abs(Decimal(str(value))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def amount(value: float) -> str:
    """A number of points as a person writes it: "3", "4.5" (one decimal at most)."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(rounded.to_integral()) if rounded == rounded.to_integral() else str(rounded)


def plural(count: float, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def lead(points: float) -> str:
    """A lead in points as a person says it: "3 points ahead", "level", "1.5 points behind"."""
    if not round(points, 6):
        return "level"
    side = "ahead" if points > 0 else "behind"
    return f"{amount(abs(points))} {plural(abs(points), 'point')} {side}"
