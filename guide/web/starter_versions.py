"""The starters' template versions: what each changed, and how a project takes them."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe
from markdown_it import MarkdownIt

from guide.services.permalinks import absolute
from guide.starters.publish import published_commits, releases

#: The changelog's Markdown (CommonMark), with any HTML in it shown as text.
_markdown = MarkdownIt("commonmark", {"html": False})


def notes_html(text: str) -> SafeString:
    """A version's notes as the changelog writes them, in Markdown: paragraphs, lists,
    `code`."""
    rendered: str = _markdown.render(text)
    return mark_safe(rendered)  # markdown-it escapes any HTML the notes hold


@require_safe
def changes(request: HttpRequest) -> HttpResponse:
    """Each version of the starters' template, newest first (starters/CHANGELOG.md), with its
    commit in the published repository and how a downloaded project updates to it."""
    commits = published_commits(settings.STARTERS_REPOSITORY)
    entries = []
    for release in releases():
        entries.append(
            {
                "release": release,
                "commit": commits.get(release.version, ""),
                "notes": notes_html(release.notes),
            }
        )
    context = {"entries": entries, "repository": absolute("/starters.git")}
    return render(request, "guide/starters_changes.html", context)
