from guide.wording.charts import MAX_BAR, score_chart


def snapshot(flask: dict, django: dict) -> dict:
    criteria = [{"id": c, "label": c.title(), "weight": 1} for c in ("speed", "batteries", "admin")]
    return {
        "criteria": criteria,
        "scores": [
            {
                "option": "flask",
                "name": "Flask",
                "points": sum(flask.values()),
                "by_criterion": flask,
            },
            {
                "option": "django",
                "name": "Django",
                "points": sum(django.values()),
                "by_criterion": django,
            },
        ],
    }


def test_flask_grows_left_and_django_right_scaled_to_the_largest_value():
    chart = score_chart(
        snapshot({"speed": 2, "batteries": 0, "admin": 0}, {"speed": 0, "batteries": 8, "admin": 0})
    )
    rows = {row["label"]: row for row in chart["rows"]}
    assert rows["Batteries"]["right_width"] == MAX_BAR
    assert rows["Speed"]["left_width"] == MAX_BAR / 4
    assert rows["Speed"]["left_x"] + rows["Speed"]["left_width"] == chart["half"]


def test_a_zero_is_drawn_as_nothing_not_a_sliver():
    chart = score_chart(snapshot({"speed": 2}, {"batteries": 8}))
    rows = {row["label"]: row for row in chart["rows"]}
    assert rows["Speed"]["right_width"] == 0 and rows["Batteries"]["left_width"] == 0


def test_criteria_nobody_scored_on_are_listed_not_drawn():
    chart = score_chart(snapshot({"speed": 2}, {"batteries": 8}))
    assert [row["label"] for row in chart["rows"]] == ["Speed", "Batteries"]
    assert chart["empty"] == ["Admin"]


def test_an_empty_result_draws_no_rows():
    chart = score_chart(snapshot({}, {}))
    assert chart["rows"] == []
    assert chart["empty"] == ["Speed", "Batteries", "Admin"]
