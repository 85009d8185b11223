"""The confidence labels of stored results in today's words, once: "Lean" reads as
"lightweight" in a Flask-or-Django guide, so a lean is "Likely" and a clear result a "Clear
choice" (guide/engine/verdict.py). The verdict, its state and its points are unchanged."""

from typing import Any

from django.db import migrations

from guide.migrations._snapshots import rewrite_snapshots

#: The labels as they were said, by state, and as they are said now (kept here, not imported,
#: so this migration does the same whatever the engine says later).
LABELS = {"lean": "Likely", "clear": "Clear choice"}


def upgrade(snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` with today's label for its state; one already so comes back equal."""
    label = LABELS.get(snapshot.get("state", ""))
    return {**snapshot, "confidence_label": label} if label else dict(snapshot)


def forwards(apps: Any, schema_editor: Any) -> None:
    rewrite_snapshots(apps, upgrade)


class Migration(migrations.Migration):
    dependencies = [("guide", "0006_decision_count")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
