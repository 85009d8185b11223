"""Template filters for the numbers and citations of a snapshot; see :mod:`guide.wording`."""

from django import template

from guide import wording

register = template.Library()

register.filter("percent", wording.percent)
register.filter("points", wording.points)
register.filter("shares", wording.shares)
register.filter("byline", wording.byline)
