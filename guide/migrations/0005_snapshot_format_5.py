"""Bring every stored result up to snapshot format 5, once: the sources' own words.

Results made before the rules quoted their sources carried no quotes: each source gets an
empty one, and the page shows none.
"""

from typing import Any

from django.db import migrations

from guide.migrations._snapshots import rewrite_snapshots


def upgrade(snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` in format 5; one already in it comes back equal."""
    done = dict(snapshot)
    for part in ("reasons", "notes"):
        done[part] = [_quoted(item) for item in done[part]]
    return done


def _quoted(item: dict[str, Any]) -> dict[str, Any]:
    source = item.get("source")
    return {
        **item,
        "source": {"quote": ""} | source if source else source,
        "sources": [{"quote": ""} | s for s in item.get("sources", [])],
    }


def forwards(apps: Any, schema_editor: Any) -> None:
    rewrite_snapshots(apps, upgrade)


class Migration(migrations.Migration):
    dependencies = [("guide", "0004_permalink_start")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
