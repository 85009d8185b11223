"""Geometry for the charts drawn as SVG by templates/guide/_shared.html: the points by
criterion and the share bar.

Only layout happens here (where each bar goes and how long it is); the numbers come from the
stored snapshot, so the chart of a permalink never changes. The options' colours come from
their classes (static/guide/options.css), never from here; only the centre line has one.
"""

from __future__ import annotations

from typing import Any

from guide.engine import Snapshot

#: The bars' drawing: a centre line at HALF, Flask's bar grows to the left of it, Django's to
#: the right; the largest value on either side spans MAX_BAR. Numbers and labels are HTML
#: text beside the drawing, so they stay legible at any size.
SPAN = 200
HALF = SPAN / 2
MAX_BAR = HALF - 2
#: The centre line's colour where no stylesheet colours it (paper, and the page before its CSS).
AXIS_COLOUR = "#8a94a3"


def score_chart(snapshot: Snapshot) -> dict[str, Any]:
    """One row per criterion that gave any points: a diverging bar, the first option's points
    to the left and the second's to the right, scaled to the largest value. A zero is drawn as
    nothing, never as a sliver.

    Criteria on which no option scored are left out of the drawing and listed by name
    (``empty``), so the chart shows only what moved the result."""
    scores = snapshot["scores"]
    left, right = scores[0], scores[1]
    criteria = [
        c for c in snapshot["criteria"] if any(s["by_criterion"].get(c["id"], 0) for s in scores)
    ]
    empty = [c["label"] for c in snapshot["criteria"] if c not in criteria]
    largest = (
        max((s["by_criterion"].get(c["id"], 0) for s in scores for c in criteria), default=0) or 1
    )
    rows = []
    for criterion in criteria:
        a = left["by_criterion"].get(criterion["id"], 0)
        b = right["by_criterion"].get(criterion["id"], 0)
        wa, wb = round(MAX_BAR * a / largest, 1), round(MAX_BAR * b / largest, 1)
        rows.append(
            {
                "label": criterion["label"],
                "left": a,
                "right": b,
                "left_x": HALF - wa,
                "left_width": wa,
                "right_width": wb,
            }
        )
    return {
        "span": SPAN,
        "half": HALF,
        "axis_x": HALF - 0.5,
        "axis_colour": AXIS_COLOUR,
        "rows": rows,
        "empty": empty,
        "left": {"option": left["option"], "name": left["name"]},
        "left_total": left["points"],
        "right_total": right["points"],
        "right": {"option": right["option"], "name": right["name"]},
    }


def share_bar(snapshot: Snapshot) -> list[dict[str, Any]]:
    """One segment per option, side by side on a 0..100 scale, each as wide as its share."""
    segments = []
    x = 0
    for s in snapshot["scores"]:
        width = round(s["share"] * 100)
        segments.append({"option": s["option"], "x": x, "width": width})
        x += width
    return segments
