"""How many questions the interview asks, counted as a program using the JSON API meets it:
follow ``outlook.next_question`` from ``POST /api/recommend`` until ``outlook.holds`` or no
question is named, answering from a profile, every profile counted (those that never hold
included). The profiles are drawn afresh here, not the ones ``python -m bench interview``
prints: the targets hold for the kind of profile, not for one sample."""

import json
import random

import pytest

from bench.interview import play, quantiles, realistic_profile, uniform_profile
from guide.engine import UNSURE, score
from guide.services.rulebook import get_rulebook

PROFILES = 300


def ask_the_api(client):
    def ask(answers):
        response = client.post(
            "/api/recommend", json.dumps({"answers": answers}), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    return ask


def played(client, make, seed):
    """For each of PROFILES profiles drawn by ``make``: the questions asked, the verdict the
    interview stopped at, and the verdict every answer gives."""
    rulebook = get_rulebook()
    rng = random.Random(seed)
    ask = ask_the_api(client)
    games = []
    for _ in range(PROFILES):
        profile = make(rulebook, rng)
        asked, last = play(ask, profile)  # play() refuses a question named twice
        games.append((profile, asked, last, score(rulebook, profile)["recommendation"]))
    return games


@pytest.mark.parametrize(
    ("make", "median_at_most", "p90_at_most"),
    [(uniform_profile, 12, 16), (realistic_profile, 9, 14)],
    ids=["uniform profiles", "realistic projects"],
)
@pytest.mark.parametrize("seed", [7, 2027])
def test_the_interview_settles_in_few_questions_and_never_stops_on_the_wrong_framework(
    client, make, median_at_most, p90_at_most, seed
):
    games = played(client, make, seed)
    median, p90 = quantiles([len(asked) for _, asked, _, _ in games])
    assert median <= median_at_most and p90 <= p90_at_most, (median, p90)
    wrong = [
        (profile, asked) for profile, asked, last, truth in games if last["recommendation"] != truth
    ]
    assert not wrong, wrong[:3]


def test_a_question_answered_not_sure_is_never_named_again(client):
    ask = ask_the_api(client)
    rulebook = get_rulebook()
    rng = random.Random(11)
    unsure_answered = 0
    for _ in range(60):
        profile = {q.id: UNSURE for q in rulebook.questions}  # every answer "Not sure"...
        for q in rng.sample(rulebook.questions, 6):  # ...but six
            profile[q.id] = rng.choice(q.choice_ids)
        asked, last = play(ask, profile)
        unsure_answered += sum(profile[q] == UNSURE for q in asked)
        assert last["outlook"]["next_question"] not in asked
    assert unsure_answered > 0  # the walk met "Not sure" answers and moved on from each


def test_every_walk_ends_settled_and_only_not_sure_answers_keep_it_open(client):
    for profile, asked, last, _ in played(client, uniform_profile, 99):
        assert last["outlook"]["settled"]  # nothing left to ask could change the framework
        if not last["outlook"]["holds"]:  # so only a question answered "Not sure" could
            assert any(profile[question] == UNSURE for question in asked), asked


def gap_class(gap, rulebook):
    """How sure a gap makes the guide, as far as the gap alone decides it."""
    settings = rulebook.settings
    if gap >= settings.clear_points - 1e-9:
        return "clear"
    return "lean" if gap >= settings.lean_points - 1e-9 else "undecided"


@pytest.mark.parametrize("make", [uniform_profile, realistic_profile], ids=["uniform", "realistic"])
def test_at_a_settled_step_no_sharpening_means_no_answers_left_change_how_sure(client, make):
    """1,000 walks to the settled step: where ``sharpening`` is empty, both ends of the range
    every way of answering the rest reaches (lead_low, lead_high) are as sure as now. (The
    range also spans the questions answered "Not sure", which the interview does not ask
    again: walks with one are left to the engine's property test, which tries every
    combination of the questions left.)"""
    rulebook = get_rulebook()
    rng = random.Random(31)
    ask = ask_the_api(client)
    empty = checked = 0
    for _ in range(500):
        _, last = play(ask, make(rulebook, rng))
        outlook = last["outlook"]
        assert outlook["settled"]
        if any(a["asked"] and a["choice"] == UNSURE for a in last["answers"]):
            continue
        checked += 1
        now = gap_class(last["gap"], rulebook)
        ends = {gap_class(outlook["lead_low"], rulebook), gap_class(outlook["lead_high"], rulebook)}
        if not outlook["sharpening"]:
            empty += 1
            assert ends == {now}, (last["answers"], outlook)
        else:
            assert ends != {now} or now == "undecided", outlook
    assert empty > 0 and checked > 100
