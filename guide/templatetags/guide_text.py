"""Template filters: a source's byline (guide.wording.sentences) and a wait in minutes."""

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

from guide.wording import sentences

register = template.Library()

register.filter("byline", sentences.byline)


@register.filter
def minutes(value: timedelta | None) -> str:
    """A wait in whole minutes, in words: "15 minutes", "1 minute"."""
    count = max(1, round(value.total_seconds() / 60)) if value else 1
    return ngettext("%(count)s minute", "%(count)s minutes", count) % {"count": count}
