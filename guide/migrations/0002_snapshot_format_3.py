"""Bring every stored result up to snapshot format 3, once, so that the code reads one format.

A permalink keeps what was recommended when it was made: the verdict, the points, the reasons
and the words stay as they were. What older formats lacked is filled in from what they say:

* ``state`` and ``gap`` from the label and the points; a "Close call" on fewer points than the
  rules' ``min_evidence`` was "too little to go on", any other one a toss-up. The label takes
  today's words for the same state ("Close call" is now "Toss-up").
* the thresholds from the rules the result was made under (RULESETS: every version of
  questions.yaml there has been). Before format 3 a lean was a share margin, not a number of
  points: the lead it took at that result's points (``close_margin`` × the points in all).
* each reason's and note's ``sources`` from its one ``source``; ``because`` is empty (the
  result shows no "Because" line, as before); each flip's ``state`` from its confidence.
* the outlook's ``lead_low`` and ``lead_high`` from its shares. Points only ever add up, so at
  the result's own points in all this is exact when nothing was left open, and otherwise
  gives the lead's side exactly and its size at least.

Results of format 1 and 2 that named the tie-break while the other framework was ahead keep
saying so: ``leaning`` still names the one that was ahead.
"""

from typing import Any

from django.db import migrations

from guide.migrations._snapshots import rewrite_snapshots

#: Every ruleset a result can have been made under: its version (a hash of questions.yaml)
#: and the thresholds it had.
RULESETS: dict[str, dict[str, Any]] = {
    "95f4789e77b1": {"min_evidence": 6, "close_margin": 0.1, "clear_margin": 0.3},
    "ee73b492eaf3": {"min_evidence": 6, "lean_points": 4, "clear_points": 10},
    "969db3b951db": {"min_evidence": 6, "lean_points": 4, "clear_points": 10},
    "dabc6051cd75": {"min_evidence": 6, "lean_points": 3, "clear_points": 10},
}
#: A ruleset not listed above had the first format's margins.
FIRST = RULESETS["95f4789e77b1"]
STATES = {"Clear": "clear", "Lean": "lean", "Too little to go on": "too_little"}
LABELS = {"clear": "Clear", "lean": "Lean", "toss_up": "Toss-up", "too_little": "Too little to go on"}
FLIP_STATES = {"clear": "clear", "lean": "lean", "close": "toss_up"}


def upgrade(snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` in format 3; one already in it comes back equal."""
    done = dict(snapshot)
    rules = RULESETS.get(done.get("ruleset_version", ""), FIRST)
    evidence = done["evidence"]
    points = {s["option"]: s["points"] for s in done["scores"]}
    others = [p for option, p in points.items() if option != done["recommendation"]]
    done.setdefault("rules_updated", "")
    done.setdefault("min_evidence", rules["min_evidence"])
    if "lean_points" not in done:
        if "lean_points" in rules:
            done["lean_points"], done["clear_points"] = rules["lean_points"], rules["clear_points"]
        else:
            done["lean_points"] = round(rules["close_margin"] * evidence, 4)
            done["clear_points"] = round(rules["clear_margin"] * evidence, 4)
    if "state" not in done:
        state = STATES.get(done["confidence_label"])
        if state is None:
            state = "too_little" if evidence < done["min_evidence"] else "toss_up"
        done["state"] = state
        done["confidence_label"] = LABELS[state]
    done.setdefault("gap", round(points[done["recommendation"]] - max(others, default=0), 4))
    done["reasons"] = [_cited(r) | {"because": r.get("because", "")} for r in done["reasons"]]
    done["notes"] = [_cited(n) for n in done["notes"]]
    done["flips"] = [
        {**f, "state": f.get("state") or FLIP_STATES.get(f["confidence"], "toss_up")}
        for f in done["flips"]
    ]
    outlook = dict(done["outlook"])
    for end in ("low", "high"):
        outlook.setdefault(f"lead_{end}", round((2 * outlook[f"share_{end}"] - 1) * evidence, 4))
    done["outlook"] = outlook
    return done


def _cited(item: dict[str, Any]) -> dict[str, Any]:
    source = item.get("source")
    return {**item, "sources": item.get("sources") or ([source] if source else [])}


def forwards(apps: Any, schema_editor: Any) -> None:
    rewrite_snapshots(apps, upgrade)


class Migration(migrations.Migration):
    dependencies = [("guide", "0001_permalink")]

    # Older code reads format 3 as well: nothing to undo.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
