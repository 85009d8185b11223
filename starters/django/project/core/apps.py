from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The project's one app: its pages, data and API live here."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
