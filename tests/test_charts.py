from guide.charts import score_chart


def snapshot(flask: dict, django: dict) -> dict:
    criteria = [{"id": c, "label": c.title(), "weight": 1} for c in ("speed", "batteries", "admin")]
    return {
        "criteria": criteria,
        "scores": [
            {"option": "flask", "name": "Flask", "by_criterion": flask},
            {"option": "django", "name": "Django", "by_criterion": django},
        ],
    }


def test_bars_are_scaled_to_the_largest_value():
    chart = score_chart(
        snapshot({"speed": 2, "batteries": 0, "admin": 0}, {"speed": 0, "batteries": 8, "admin": 0})
    )
    bars = {
        (row["label"], bar["option"]): bar["width"] for row in chart["rows"] for bar in row["bars"]
    }
    assert bars[("Batteries", "django")] == chart["width"] - 36
    assert bars[("Speed", "flask")] == (chart["width"] - 36) / 4


def test_criteria_nobody_scored_on_are_listed_not_drawn():
    chart = score_chart(snapshot({"speed": 2}, {"batteries": 8}))
    assert [row["label"] for row in chart["rows"]] == ["Speed", "Batteries"]
    assert chart["empty"] == ["Admin"]


def test_an_empty_result_draws_no_rows():
    chart = score_chart(snapshot({}, {}))
    assert chart["rows"] == []
    assert chart["empty"] == ["Speed", "Batteries", "Admin"]
