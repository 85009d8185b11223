from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = "Flask or Django?"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, pdf, rules  # noqa: F401  register their system checks
