"""Geometry for the score chart, drawn as SVG by templates/guide/result.html#chart.

Only layout happens here (where each bar goes and how long it is); the numbers come from the
stored snapshot, so the chart of a permalink never changes.
"""

from typing import Any

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 44
BAR_HEIGHT = 12
ROW_GAP = 14
TOP = 28


def score_chart(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Rows of per-criterion bars, one bar per option, scaled to the largest value."""
    criteria = snapshot["criteria"]
    scores = snapshot["scores"]
    largest = max((s["by_criterion"].get(c["id"], 0) for s in scores for c in criteria),
                  default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    y = TOP
    for criterion in criteria:
        bars = []
        for index, option in enumerate(scores):
            points = option["by_criterion"].get(criterion["id"], 0)
            bars.append({"option": option["option"], "name": option["name"], "points": points,
                         "y": y + index * (BAR_HEIGHT + 2),
                         "width": round(span * points / largest, 1),
                         "text_x": LABEL_WIDTH + round(span * points / largest, 1) + 6})
        rows.append({"label": criterion["label"], "y": y + BAR_HEIGHT, "bars": bars})
        y += len(scores) * (BAR_HEIGHT + 2) + ROW_GAP
    return {"width": WIDTH, "height": y, "label_width": LABEL_WIDTH, "rows": rows,
            "options": [{"option": s["option"], "name": s["name"], "x": LABEL_WIDTH + i * 110}
                        for i, s in enumerate(scores)]}
