from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = "Flask or Django?"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from guide.pdf import render  # noqa: F401  registers the font subsetter's deploy check
        from guide.services import rulebook  # noqa: F401  registers the questions.yaml check
