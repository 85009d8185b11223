"""Moving one answer towards a framework never moves the verdict away from it: not its side,
not how sure it is. Searched on the real questions.yaml, every single-answer move of every
profile, with the verdict recomputed from scratch; and refused at load time where a rule or a
follow-up could make it so."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.engine import STRENGTH, UNSURE, RulebookError, load_rulebook, parse_rulebook, score
from guide.engine.tally import UNANSWERED, Tally, compile_rulebook
from tests.conftest import QUESTIONS

from .conftest import BASE, build

RULEBOOK = load_rulebook(QUESTIONS)
TALLY = Tally(RULEBOOK, compile_rulebook(RULEBOOK))
FIRST, SECOND = 0, 1  # Flask, Django in the file's order
PROFILES = 10_000


def net(question: int, choice: int) -> float:
    """What one answer gives Django over Flask by its own points ("not sure": nothing)."""
    if choice == UNANSWERED:
        return 0.0
    points = TALLY.c.choice_totals[question][choice]
    return points[SECOND] - points[FIRST]


def position(raw: list[int]) -> int:
    """The verdict on one line from clear Flask (-3) through a tie (0) to clear Django (+3)."""
    verdict = TALLY.verdict(TALLY.totals(TALLY.effective(raw)))
    if abs(verdict.gap) < 1e-9:
        return 0
    side = 1 if verdict.recommendation == SECOND else -1
    return side * (STRENGTH[verdict.state] + 1)


def wrong_way_moves(raw: list[int]) -> list[tuple[int, int, int, int, int]]:
    found = []
    before = position(raw)
    for q, question in enumerate(RULEBOOK.questions):
        for choice in (UNANSWERED, *range(len(question.choices))):
            moved = net(q, choice) - net(q, raw[q])
            if choice == raw[q] or abs(moved) < 1e-9:
                continue
            after = position([*raw[:q], choice, *raw[q + 1 :]])
            if (moved > 0 and after < before) or (moved < 0 and after > before):
                found.append((q, raw[q], choice, before, after))
    return found


def random_profile(rng: random.Random) -> list[int]:
    answered = rng.random()  # from nearly empty to nearly complete questionnaires
    return [
        rng.randrange(len(q.choices)) if rng.random() < answered else UNANSWERED
        for q in RULEBOOK.questions
    ]


def test_no_single_answer_moves_the_verdict_against_the_framework_it_favours():
    rng = random.Random(20261123)
    breaks = []
    for _ in range(PROFILES):
        raw = random_profile(rng)
        breaks += [(raw, move) for move in wrong_way_moves(raw)]
    assert breaks == [], f"{len(breaks)} wrong-way moves, e.g. {breaks[:3]}"


answers = st.fixed_dictionaries(
    {}, optional={q.id: st.sampled_from((UNSURE, *q.choice_ids)) for q in RULEBOOK.questions}
)


@settings(max_examples=200, deadline=None)
@given(answers, st.sampled_from(RULEBOOK.questions), st.data())
def test_through_the_public_engine_an_answer_for_django_never_helps_flask(given, question, data):
    choice = data.draw(st.sampled_from(question.choice_ids))
    totals = question.choice(choice).totals
    before, after = score(RULEBOOK, given), score(RULEBOOK, {**given, question.id: choice})
    was = given.get(question.id, UNSURE)
    was_net = (
        0.0
        if was == UNSURE
        else (question.choice(was).totals["django"] - question.choice(was).totals["flask"])
    )
    moved = totals["django"] - totals["flask"] - was_net

    def line(r):
        side = 1 if r["recommendation"] == "django" else -1
        return 0 if abs(r["gap"]) < 1e-9 else side * (STRENGTH[r["state"]] + 1)

    if moved > 1e-9:
        assert line(after) >= line(before)
    elif moved < -1e-9:
        assert line(after) <= line(before)


def test_a_rule_that_could_undo_the_answer_it_rests_on_is_refused(data):
    # NoSQL gives Flask 3 points; this rule would give Django 4 back whenever it is chosen.
    data["rules"].append(
        {
            "id": "undo",
            "when": {"store": "nosql"},
            "effects": {"batteries": {"django": 2}},
            "reason": "Takes it back.",
            "source": "docs",
        }
    )
    with pytest.raises(RulebookError, match="could move the verdict away from it") as caught:
        build(data)
    assert caught.value.path.startswith("questions[2]")


def test_a_follow_up_that_could_outweigh_the_answer_that_shows_it_is_refused(data):
    mongo = data["questions"][3]
    mongo["choices"][0]["effects"] = {"batteries": {"django": 3}}  # 6 points against 3
    with pytest.raises(RulebookError, match="could move the verdict away from it"):
        build(data)


def test_the_toy_rulebook_and_the_real_file_pass_the_check():
    assert parse_rulebook(QUESTIONS.read_text()).version == RULEBOOK.version
    assert build(BASE).options
