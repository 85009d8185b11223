"""Geometry for the score chart, drawn as SVG by templates/guide/result.html#chart.

Only layout happens here (where each bar goes and how long it is); the numbers come from the
stored snapshot, so the chart of a permalink never changes.
"""

from typing import Any

# Each criterion's label sits above its bars, so the drawing stays narrow enough to be
# legible when a phone scales it down.
WIDTH = 420
VALUE_WIDTH = 36
LABEL_HEIGHT = 16
BAR_HEIGHT = 12
ROW_GAP = 12
TOP = 26


def score_chart(snapshot: dict[str, Any]) -> dict[str, Any]:
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
            {"option": s["option"], "name": s["name"], "x": i * 90} for i, s in enumerate(scores)
        ],
    }
