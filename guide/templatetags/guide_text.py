"""Template filters for the numbers and citations of a snapshot; see guide.wording.sentences."""

from datetime import timedelta

from django import template

from guide.wording import numbers
from guide.wording import sentences as wording

register = template.Library()

register.filter("percent", numbers.percent)
register.filter("points", numbers.points)
register.filter("shares", numbers.shares)
register.filter("byline", wording.byline)


@register.filter
def as_list(value: object) -> list[object]:
    """A list as it is; one item as a list of one; nothing as an empty list."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@register.filter
def minutes(value: timedelta | None) -> str:
    """A wait in whole minutes, in words: "15 minutes", "1 minute"."""
    count = max(1, round(value.total_seconds() / 60)) if value else 1
    return f"{count} minute{'s' if count != 1 else ''}"
