"""Geometry for the charts drawn as SVG by templates/guide/_shared.html: the points by
criterion and the share bar.

Only layout happens here (where each bar goes and how long it is); the numbers come from the
stored snapshot, so the chart of a permalink never changes. Colours come from the options'
classes (static/guide/options.css), never from here.
"""

from __future__ import annotations

from typing import Any

from .engine import Snapshot

# Each criterion's label sits above its bars, so the drawing stays narrow enough to be
# legible when a phone scales it down.
WIDTH = 420
VALUE_WIDTH = 36
LABEL_HEIGHT = 16
BAR_HEIGHT = 12
ROW_GAP = 12
TOP = 26
LEGEND_SPACING = 90


def score_chart(snapshot: Snapshot) -> dict[str, Any]:
    """Rows of per-criterion bars, one bar per option, scaled to the largest value.

    Criteria on which no option scored are left out of the drawing and listed by name
    (``empty``), so the chart shows only what moved the result."""
    scores = snapshot["scores"]
    criteria = [
        c for c in snapshot["criteria"] if any(s["by_criterion"].get(c["id"], 0) for s in scores)
    ]
    empty = [c["label"] for c in snapshot["criteria"] if c not in criteria]
    largest = (
        max((s["by_criterion"].get(c["id"], 0) for s in scores for c in criteria), default=0) or 1
    )
    span = WIDTH - VALUE_WIDTH
    rows = []
    y = TOP
    for criterion in criteria:
        bars = []
        for index, option in enumerate(scores):
            points = option["by_criterion"].get(criterion["id"], 0)
            width = round(span * points / largest, 1)
            bars.append(
                {
                    "option": option["option"],
                    "name": option["name"],
                    "points": points,
                    "y": y + LABEL_HEIGHT + index * (BAR_HEIGHT + 2),
                    "width": max(width, 1),
                    "text_x": width + 5,
                }
            )
        rows.append({"label": criterion["label"], "y": y + LABEL_HEIGHT - 4, "bars": bars})
        y += LABEL_HEIGHT + len(scores) * (BAR_HEIGHT + 2) + ROW_GAP
    return {
        "width": WIDTH,
        "height": y if rows else TOP + 30,
        "rows": rows,
        "empty": empty,
        "options": [
            {
                "option": s["option"],
                "name": s["name"],
                "x": i * LEGEND_SPACING,
                "text_x": i * LEGEND_SPACING + 18,
            }
            for i, s in enumerate(scores)
        ],
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
