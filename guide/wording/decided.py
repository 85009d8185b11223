"""The rules pages' one sentence on what a question or a rule decided in the results stored
under today's rules (guide.services.impact counts it), worded whole so that each language can
order and punctuate it as it needs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .sentences import listed


def what_it_decided(decides: Any) -> str:
    """ "Of the 120 results stored under today's rules, it moved 40 (30 for Django, 10 for
    Flask); it was the strongest reason in 12, and changing that answer alone would change the
    framework in 3." Empty when no result is stored."""
    if not decides.results:
        return ""
    counts = listed(
        [
            _("%(count)s for %(name)s") % {"count": count, "name": name}
            for name, count in decides.by_framework
        ]
    )
    if counts:
        moved = pgettext("results moved, by framework", "%(moved)s (%(counts)s)")
    else:
        moved = pgettext("results moved", "%(moved)s")
    words = {
        "results": decides.results,
        "moved": moved % {"moved": decides.moved, "counts": counts},
        "strongest": decides.strongest,
        "flip": decides.would_flip,
    }
    if decides.would_flip:
        said = ngettext(
            "Of the %(results)s result stored under today's rules, it moved %(moved)s; it was "
            "the strongest reason in %(strongest)s, and changing that answer alone would "
            "change the framework in %(flip)s.",
            "Of the %(results)s results stored under today's rules, it moved %(moved)s; it was "
            "the strongest reason in %(strongest)s, and changing that answer alone would "
            "change the framework in %(flip)s.",
            decides.results,
        )
    else:
        said = ngettext(
            "Of the %(results)s result stored under today's rules, it moved %(moved)s; it was "
            "the strongest reason in %(strongest)s.",
            "Of the %(results)s results stored under today's rules, it moved %(moved)s; it was "
            "the strongest reason in %(strongest)s.",
            decides.results,
        )
    return said % words
