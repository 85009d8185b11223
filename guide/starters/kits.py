"""The service for starter kits: a permalink's starter project, as a result shows it before
the download (``starter_offer``), as the download itself (``starter_download``), and its
decision record alone (``decision_download``), for every surface alike.
guide/starters/generator.py makes the projects; this knows links, the cache and limits.

    offer = starter_offer(link)                            # what the result page shows
    return starter_download(request, slug, "flask")        # the zip, cached, rate-limited
    return decision_download(request, slug)                # docs/decisions/0001-use-....md
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext

from guide.models import Permalink
from guide.services.downloads import Made, serve
from guide.services.permalinks import (
    absolute,
    decision_url,
    find_or_404,
    link_url,
    said,
    starter_url,
)
from guide.services.rulebook import get_rulebook
from guide.wording.sentences import listed

from .generator import FEATURES as STARTER_FEATURES
from .generator import (
    RECORD_WORDS,
    Framework,
    StarterSpec,
    decision_path,
    decision_record,
    key_files,
    render_files,
    spec_from_result,
    tree,
    zip_bytes,
)
from .publish import current_version, published_commits

logger = logging.getLogger("guide.starters")


@dataclass(frozen=True, slots=True)
class KeyFile:
    feature: str  # its label
    path: str
    code: str


@dataclass(frozen=True, slots=True)
class StarterOffer:
    """A permalink's starter project, as a result shows it before the download."""

    name: str  # "Django"
    summary: str  # the one sentence every surface introduces it with
    archive: str  # "django-starter.zip"
    url: str
    features: tuple[str, ...]  # labels of the features it writes code for
    next_steps: tuple[str, ...]  # labels of those it points to instead
    tree: tuple[str, ...]  # the files, as `tree` lists them; empty in the PDF's offer
    key_files: tuple[KeyFile, ...]  # the code that shows each feature; empty in the PDF's
    other_name: str
    other_url: str
    decision_url: str  # the project's decision record alone, as Markdown
    decision_path: str  # where the project keeps it
    version: str = ""  # the template's version it is made from, "v2026.12.1"
    commit: str = ""  # that version's commit in the published repository, "" if unpublished


def starter_spec(link: Permalink, framework: Framework | None = None) -> StarterSpec:
    """The starter project for a link's answers: the recommended framework's, or
    ``framework``'s, with a decision record that gives the link's address. Raises
    ValueError for a framework the guide does not know."""
    english = translation.get_language() in (None, settings.LANGUAGE_CODE)
    words = None if english else {key: gettext(text) for key, text in RECORD_WORDS.items()}
    spec = spec_from_result(
        said(link), framework, permalink=absolute(link_url(link)), team=link.team, words=words
    )
    return replace(spec, source=published_source())


def published_source() -> tuple[str, str]:
    """Where the guide publishes the starters' template (/starters.git) and its version."""
    return (absolute("/starters.git"), current_version())


def starter_download(request: HttpRequest, slug: str, framework: Framework | None) -> HttpResponse:
    """A permalink's starter project as a zip: the same bytes for the same answers, made once
    and then served from the cache (no database on a hit). Making it counts towards the
    client's download limit (RATELIMIT_STARTER) and raises ``Ratelimited`` past it; Http404
    for an unknown slug."""

    def make() -> Made:
        spec = starter_spec(find_or_404(slug), framework)
        return Made(zip_bytes(spec), "application/zip", filename=f"{spec.name}.zip")

    query = {"framework": framework} if framework else {}
    return serve(request, f"starter:{slug}:{framework or ''}", make, limit="starter", query=query)


def decision_download(request: HttpRequest, slug: str) -> HttpResponse:
    """A permalink's decision record alone, as Markdown (decision.md): the one its
    recommended starter holds, made once and then served from the cache. One small
    template, no project to render: made, it counts like a page (RATELIMIT_PAGES). Http404
    for an unknown slug."""

    def make() -> Made:
        record = decision_record(starter_spec(find_or_404(slug)))
        return Made(record.encode(), "text/markdown; charset=utf-8", filename="decision.md")

    return serve(request, f"decision:{slug}", make, limit="pages")


def starter_offer(link: Permalink) -> StarterOffer | None:
    """What the result page shows of the link's starter, its files and key code included;
    None (and a logged error) if its stored result cannot make one, so the page itself still
    shows."""
    return _offer(link, with_files=True)


def pdf_offer(link: Permalink) -> StarterOffer | None:
    """The offer for a document read away from the site: absolute addresses, and neither the
    files nor the key code, which the summary does not print. So a summary never renders the
    project (a Copier render, some 130 ms, the first time a process meets its features)."""
    offer = _offer(link, with_files=False)
    if offer is None:
        return None
    return replace(offer, url=absolute(offer.url), other_url=absolute(offer.other_url))


def _offer(link: Permalink, *, with_files: bool) -> StarterOffer | None:
    try:
        spec = starter_spec(link)
    except ValueError:
        logger.exception("starter: the result of %s makes no starter", link.slug)
        return None
    rulebook = get_rulebook()
    other = next(o for o in rulebook.options if o.id != spec.framework)
    name = rulebook.option(spec.framework).name
    features = tuple(gettext(STARTER_FEATURES[f]) for f in STARTER_FEATURES if f in spec.features)
    listing: tuple[str, ...] = ()
    code: tuple[KeyFile, ...] = ()
    if with_files:
        files = render_files(spec)
        listing = tuple(tree(spec))
        code = tuple(
            KeyFile(gettext(STARTER_FEATURES[feature]), path, files[path].decode())
            for feature, path in key_files(spec).items()
        )
    return StarterOffer(
        name=name,
        summary=starter_summary(name, features),
        archive=f"{spec.name}.zip",
        url=starter_url(link),
        features=features,
        next_steps=tuple(step.label for step in spec.next_steps),
        tree=listing,
        key_files=code,
        other_name=other.name,
        other_url=starter_url(link, other.id),
        decision_url=decision_url(link),
        decision_path=decision_path(spec),
        version=current_version(),
        commit=published_commits(settings.STARTERS_REPOSITORY).get(current_version(), ""),
    )


def starter_summary(name: str, features: Sequence[str]) -> str:
    """The sentence a starter is introduced with, on the page, in the PDF and the terminal."""
    named = [_in_a_sentence(label) for label in features]
    what = listed(named) if named else gettext("the framework's bare bones")
    return gettext(
        "A runnable %(name)s project with %(what)s, and a test for each: download it, then run "
        "the two commands in its README."
    ) % {"name": name, "what": what}


def _in_a_sentence(label: str) -> str:
    """ "Admin back office" -> "admin back office"; "REST API" and "NoSQL ..." stay."""
    first = label.split(" ", 1)[0]
    return label[0].lower() + label[1:] if first[1:].islower() else label
