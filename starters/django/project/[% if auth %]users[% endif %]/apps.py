from django.apps import AppConfig


class UsersConfig(AppConfig):
    """The accounts: the project's own user model."""

    name = "users"
    default_auto_field = "django.db.models.BigAutoField"
