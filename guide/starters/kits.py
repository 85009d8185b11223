"""The service for starter kits: a permalink's starter project, as a result shows it before
the download (``starter_offer``) and as the download itself (``starter_archive``), for every
surface alike. guide/starters.py makes the projects; this knows links, the cache and limits.

    offer = starter_offer(link)                           # what the result page shows
    archive = starter_archive(request, slug, "flask")     # the zip, cached, rate-limited
    starter_response(request, archive)                    # as a download, or 304
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from config.clients import starter_rate
from guide.models import Permalink
from guide.services.permalinks import absolute, find_or_404
from guide.services.rulebook import get_rulebook

from .generator import FEATURES as STARTER_FEATURES
from .generator import (
    FRAMEWORKS,
    StarterSpec,
    key_files,
    render_files,
    spec_from_result,
    tree,
    zip_bytes,
)

logger = logging.getLogger("guide.starters")
_making = threading.Lock()


def starter_url(link: Permalink, framework: str | None = None) -> str:
    url = reverse("permalink_starter", kwargs={"slug": link.slug})
    return f"{url}?{urlencode({'framework': framework})}" if framework else url


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
    tree: tuple[str, ...]
    key_files: tuple[KeyFile, ...]
    other_name: str
    other_url: str


def starter_spec(link: Permalink, framework: str | None = None) -> StarterSpec:
    """The starter project for a link's answers: the recommended framework's, or
    ``framework``'s. Raises ValueError for a framework the guide does not know."""
    return spec_from_result(link.result, framework)


@dataclass(frozen=True, slots=True)
class StarterArchive:
    content: bytes
    filename: str  # "django-starter.zip"
    etag: str  # quoted, from the bytes


def starter_archive(request: HttpRequest, slug: str, framework: str | None) -> StarterArchive:
    """A permalink's starter project as a zip: the same bytes for the same answers, made
    once and then served from the cache (no database on a hit). Counts towards the client's
    download limit (RATELIMIT_STARTER) and raises ``Ratelimited`` past it; Http404 for an
    unknown slug, ValueError for an unknown framework."""
    if framework is not None and framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework: {framework!r}")
    if is_ratelimited(request, group="starter", key="ip", rate=starter_rate, increment=True):
        raise Ratelimited()
    key = f"starter:{slug}:{framework or ''}"
    archive: StarterArchive | None = cache.get(key)
    if archive is None:
        with _making:  # threads that miss together wait for the first one's zip
            archive = cache.get(key)
            if archive is None:
                spec = starter_spec(find_or_404(slug), framework)
                content = zip_bytes(spec)
                tag = hashlib.sha256(content).hexdigest()[:24]
                archive = StarterArchive(content, f"{spec.name}.zip", f'"{tag}"')
                cache.set(key, archive, timeout=24 * 3600)
    return archive


def starter_response(request: HttpRequest, archive: StarterArchive) -> HttpResponse:
    """The archive as a download, or 304 when the client already has these bytes."""
    response = HttpResponse(archive.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename}"'
    response["ETag"] = archive.etag
    return get_conditional_response(request, etag=archive.etag, response=response) or response


def starter_offer(link: Permalink) -> StarterOffer | None:
    """What the result page shows of the link's starter; None (and a logged error) if its
    stored result cannot make one, so the page itself still shows."""
    try:
        spec = starter_spec(link)
    except ValueError:
        logger.exception("starter: the result of %s makes no starter", link.slug)
        return None
    rulebook = get_rulebook()
    other = next(o for o in rulebook.options if o.id != spec.framework)
    files = render_files(spec)
    name = rulebook.option(spec.framework).name
    features = tuple(STARTER_FEATURES[f] for f in STARTER_FEATURES if f in spec.features)
    return StarterOffer(
        name=name,
        summary=starter_summary(name, features),
        archive=f"{spec.name}.zip",
        url=starter_url(link),
        features=features,
        next_steps=tuple(step.label for step in spec.next_steps),
        tree=tuple(tree(spec)),
        key_files=tuple(
            KeyFile(STARTER_FEATURES[feature], path, files[path].decode())
            for feature, path in key_files(spec).items()
        ),
        other_name=other.name,
        other_url=starter_url(link, other.id),
    )


def pdf_offer(link: Permalink) -> StarterOffer | None:
    """The offer with absolute addresses, for a document read away from the site."""
    offer = starter_offer(link)
    if offer is None:
        return None
    return replace(
        offer, url=absolute(offer.url), other_url=absolute(offer.other_url), key_files=()
    )


def starter_summary(name: str, features: Sequence[str]) -> str:
    """The sentence a starter is introduced with, on the page, in the PDF and the terminal."""
    named = [_in_a_sentence(label) for label in features]
    if not named:
        what = "the framework's bare bones"
    elif len(named) == 1:
        what = named[0]
    else:
        what = ", ".join(named[:-1]) + " and " + named[-1]
    return (
        f"A runnable {name} project with {what}, and a test for each: download it, "
        "then run the two commands in its README."
    )


def _in_a_sentence(label: str) -> str:
    """ "Admin back office" -> "admin back office"; "REST API" and "NoSQL ..." stay."""
    first = label.split(" ", 1)[0]
    return label[0].lower() + label[1:] if first[1:].islower() else label
