from django.contrib import admin
from django.http import HttpRequest

from .models import Permalink


@admin.register(Permalink)
class PermalinkAdmin(admin.ModelAdmin[Permalink]):
    """Read-only: a permalink is a record of what was said; nobody edits history."""

    list_display = ("slug", "recommendation", "confidence", "ruleset_version", "created")
    list_filter = ("recommendation", "ruleset_version")
    search_fields = ("slug",)
    readonly_fields = (
        "slug",
        "answers",
        "start",
        "answers_key",
        "recommendation",
        "confidence",
        "ruleset_version",
        "created",
        "snapshot",
        "team",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Permalink | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Permalink | None = None) -> bool:
        return False
