"""Bring every stored result up to snapshot format 4, once: the interview's fields.

Results made before the interview came from the one-page questionnaire, where every question
shown was put to the person: each answer was asked and none assumed, nothing started from a
starting point, and asking more could change the framework exactly when the "not sure" range
did not hold. How many questions could still have been asked is the number left open.
"""

from typing import Any

from django.db import migrations

from guide.migrations._snapshots import rewrite_snapshots


def upgrade(snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` in format 4; one already in it comes back equal."""
    done = dict(snapshot)
    done["answers"] = [{"asked": True, "assumed": False} | a for a in done["answers"]]
    outlook = dict(done["outlook"])
    outlook.setdefault("settled", outlook["holds"])
    outlook.setdefault("questions_left_max", 0 if outlook["holds"] else len(outlook["unanswered"]))
    outlook.setdefault("sharpening", [])
    done["outlook"] = outlook
    done.setdefault("starting_point", None)
    return done


def forwards(apps: Any, schema_editor: Any) -> None:
    rewrite_snapshots(apps, upgrade)


class Migration(migrations.Migration):
    dependencies = [("guide", "0002_snapshot_format_3")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
