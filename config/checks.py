"""Deploy checks for how the site is reached and released (`manage.py check --deploy`)."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.http.request import validate_host


@checks.register(deploy=True)
def check_site_url(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Share links, preview images and PDFs are built from SITE_URL: it must be the public
    HTTPS origin the site answers to."""
    site = urlsplit(settings.SITE_URL)
    host = site.hostname or ""
    concrete = host and not host.startswith(".") and "*" not in host
    if site.scheme == "https" and concrete and validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL!r}: share links and PDFs would point there, but "
            "it is not an https:// origin whose host is in ALLOWED_HOSTS.",
            hint="Set SITE_URL to the public origin, e.g. https://guide.example.org.",
            id="guide.W002",
        )
    ]


@checks.register(deploy=True)
def check_release(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """With a cache shared by servers and releases (Redis), RELEASE keeps a new release from
    serving what the previous one cached."""
    shared = not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    if not shared or settings.RELEASE != "dev":
        return []
    return [
        checks.Warning(
            "RELEASE is not set: with a shared cache, a new release could serve pages, PDFs "
            "and starters cached by the previous one.",
            hint="Set RELEASE to the deployed commit, e.g. RELEASE=$(git rev-parse --short HEAD).",
            id="guide.W003",
        )
    ]


@checks.register(deploy=True)
def check_forwarded_addresses(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """TRUSTED_PROXIES must match the proxies in front: the last request that did not (seen by
    a worker in the last day, through the counters' cache) is said again here."""
    from django.core.cache import caches

    from .clients import MISMATCH_KEY

    problems = []
    if settings.TRUSTED_PROXIES < 0:
        problems.append(f"TRUSTED_PROXIES is {settings.TRUSTED_PROXIES}: it counts proxies")
    seen = caches[settings.RATELIMIT_USE_CACHE].get(MISMATCH_KEY)
    if seen:
        problems.append(f"requests seen in the last day: {seen}")
    return [
        checks.Warning(
            f"Client addresses: {problem}.",
            hint="Set TRUSTED_PROXIES to the number of proxies in front of the guide that "
            "append to X-Forwarded-For (1 behind `make serve`'s nginx).",
            id="guide.W004",
        )
        for problem in problems
    ]
