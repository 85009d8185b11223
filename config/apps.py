from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself, as an app only so that its deploy checks are registered."""

    name = "config"
    label = "site"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import checks  # noqa: F401  registers the deploy checks
