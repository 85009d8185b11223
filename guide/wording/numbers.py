"""How the numbers of a result are written: the same on every surface, so no two of them can
disagree by a rounding (see :mod:`guide.wording.sentences` for the sentences around them).
Decimals follow the active language through Django's l10n: "24.5" in English, "24,5" in
Spanish and Portuguese."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def points(value: float) -> str:
    """Points to one decimal without a sign, halves away from zero: 1.25 -> "1.3"."""
    rounded = abs(Decimal(str(value))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=1)


def amount(value: float) -> str:
    """A number of points as a person writes it: "3", "4.5" (one decimal at most)."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if rounded == rounded.to_integral():
        return number_format(rounded.to_integral())
    return number_format(rounded, decimal_pos=1)


def count_of(value: float) -> int:
    """The whole number a plural form is chosen by: the value itself when it is whole, else
    one that takes the form for "many" (English says "1.5 points")."""
    value = abs(value)
    return int(value) if float(value).is_integer() else 2


def lead(points: float) -> str:
    """A lead in points as a person says it: "3 points ahead", "level", "1.5 points behind"."""
    if not round(points, 6):
        return _("level")
    words = {"amount": amount(abs(points))}
    if points > 0:
        return (
            ngettext("%(amount)s point ahead", "%(amount)s points ahead", count_of(points)) % words
        )
    return ngettext("%(amount)s point behind", "%(amount)s points behind", count_of(points)) % words
