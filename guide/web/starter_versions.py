"""The starters' template versions: what each changed, and how a project takes them."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from guide.services.permalinks import absolute
from guide.starters.publish import published_commits, releases


def _notes(text: str) -> tuple[list[str], list[str]]:
    """A version's notes as its changelog writes them: paragraphs, then "- " items (each may
    run over several lines)."""
    paragraphs: list[str] = []
    items: list[str] = []
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and lines[0].startswith("- "):
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:])
                elif items:
                    items[-1] += " " + line
        elif lines:
            paragraphs.append(" ".join(lines))
    return paragraphs, items


@require_safe
def changes(request: HttpRequest) -> HttpResponse:
    """Each version of the starters' template, newest first (starters/CHANGELOG.md), with its
    commit in the published repository and how a downloaded project updates to it."""
    commits = published_commits(settings.STARTERS_REPOSITORY)
    entries = []
    for release in releases():
        paragraphs, items = _notes(release.notes)
        entries.append(
            {
                "release": release,
                "commit": commits.get(release.version, ""),
                "paragraphs": paragraphs,
                "items": items,
            }
        )
    context = {"entries": entries, "repository": absolute("/starters.git")}
    return render(request, "guide/starters_changes.html", context)
