"""Template filters for the numbers and citations of a snapshot; see :mod:`guide.wording`."""

from django import template

from guide import wording

register = template.Library()

register.filter("percent", wording.percent)
register.filter("points", wording.points)
register.filter("shares", wording.shares)
register.filter("byline", wording.byline)


@register.filter
def as_list(value: object) -> list[object]:
    """A list as it is; one item as a list of one; nothing as an empty list."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
