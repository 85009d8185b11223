"""What the data migrations that upgrade stored results share (Django loads no migration from
a module whose name starts with "_")."""

from collections.abc import Callable
from typing import Any


def rewrite_snapshots(apps: Any, upgrade: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Store ``upgrade(snapshot)`` for every permalink whose snapshot it changes, in batches."""
    Permalink = apps.get_model("guide", "Permalink")
    changed = []
    for link in Permalink.objects.only("pk", "snapshot").iterator(chunk_size=500):
        upgraded = upgrade(link.snapshot)
        if upgraded != link.snapshot:
            link.snapshot = upgraded
            changed.append(link)
        if len(changed) >= 500:
            Permalink.objects.bulk_update(changed, ["snapshot"])
            changed = []
    Permalink.objects.bulk_update(changed, ["snapshot"])
