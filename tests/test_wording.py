import random

from guide.engine import UNSURE, score
from guide.rules import get_rulebook
from guide.wording import percent, points, shares, too_little_to_go_on


def test_a_half_percent_goes_to_the_even_number_so_two_shares_add_up_to_100():
    assert (percent(0.605), percent(0.395)) == (60, 40)
    assert (percent(0.615), percent(0.385)) == (62, 38)
    assert percent(1.0) == 100 and percent(0.0) == 0


def test_the_shares_of_real_results_always_add_up_to_100_percent():
    rulebook = get_rulebook()
    rng = random.Random(20261121)
    for _ in range(500):
        answers = {q.id: rng.choice([*q.choice_ids, UNSURE]) for q in rulebook.questions}
        result = score(rulebook, answers).to_dict(rulebook)
        assert sum(percent(s["share"]) for s in result["scores"]) == 100, answers


def test_points_have_one_decimal_no_sign_and_halves_rounded_up():
    assert points(1.25) == "1.3"
    assert points(-3) == "3.0"
    assert points(4.5) == "4.5"


def test_shares_name_each_option_with_its_percentage():
    assert (
        shares([{"name": "Flask", "share": 0.4615}, {"name": "Django", "share": 0.5385}])
        == "Flask 46% · Django 54%"
    )


def test_too_little_to_go_on_is_what_the_engine_labelled_so():
    assert too_little_to_go_on({"confidence": "close", "confidence_label": "Too little to go on"})
    assert not too_little_to_go_on({"confidence": "close", "confidence_label": "Close call"})
    assert not too_little_to_go_on({"confidence": "clear", "confidence_label": "Clear"})
