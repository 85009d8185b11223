"""Template filters for the numbers of a snapshot; see :mod:`guide.wording`."""

from django import template

from guide import wording

register = template.Library()

register.filter("percent", wording.percent)
register.filter("points", wording.points)
register.filter("shares", wording.shares)
register.filter("too_little_to_go_on", wording.too_little_to_go_on)
