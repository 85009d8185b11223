"""Properties of scoring on the real questions.yaml, over generated answers."""

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.engine import (
    CLEAR,
    LEAN,
    STATES,
    TOO_LITTLE,
    TOSS_UP,
    UNSURE,
    load_rulebook,
    score,
)

from .conftest import score_of

RULEBOOK = load_rulebook(Path(__file__).resolve().parents[2] / "questions.yaml")
OPTIONS = set(RULEBOOK.option_ids)

answers = st.fixed_dictionaries(
    {}, optional={q.id: st.sampled_from((UNSURE, *q.choice_ids)) for q in RULEBOOK.questions}
)


@given(answers)
def test_scoring_is_deterministic(given_answers):
    assert score(RULEBOOK, given_answers) == score(RULEBOOK, dict(reversed(given_answers.items())))


@given(answers)
def test_every_combination_of_answers_gives_a_valid_result(given_answers):
    result = score(RULEBOOK, given_answers)
    assert result["recommendation"] in OPTIONS
    assert result["state"] in STATES
    assert sum(s["share"] for s in result["scores"]) == pytest.approx(1)
    assert 0 <= result["margin"] <= 1
    contributions = [abs(r["contribution"]) for r in result["reasons"]]
    assert contributions == sorted(contributions, reverse=True)
    outlook = result["outlook"]
    assert outlook["lead_low"] - 1e-9 <= result["gap"] <= outlook["lead_high"] + 1e-9
    assert all(f["recommendation"] != result["recommendation"] for f in result["flips"])


@given(answers)
def test_the_recommendation_never_names_the_side_with_fewer_points(given_answers):
    result = score(RULEBOOK, given_answers)
    named, other = (
        score_of(result, result["recommendation"]),
        [s for s in result["scores"] if s["option"] != result["recommendation"]][0],
    )
    assert named["points"] >= other["points"] - 1e-9
    assert result["recommendation"] == result["leaning"]
    assert result["gap"] == pytest.approx(named["points"] - other["points"], abs=1e-6)
    if named["points"] == pytest.approx(other["points"]):
        assert result["recommendation"] == RULEBOOK.settings.tie_break


@given(answers)
def test_how_sure_it_is_follows_the_lead_in_points(given_answers):
    result = score(RULEBOOK, given_answers)
    settings_ = RULEBOOK.settings
    if result["gap"] >= settings_.clear_points:
        assert result["state"] == CLEAR
    elif result["gap"] >= settings_.lean_points:
        assert result["state"] == LEAN
    else:
        assert result["state"] in (TOSS_UP, TOO_LITTLE)
        assert (result["state"] == TOO_LITTLE) == (result["evidence"] < settings_.min_evidence)


def test_no_single_answer_is_shown_as_certain():
    """The strongest single answer leans; only answers that agree make a verdict clear."""
    strongest = max(
        abs(c.totals["django"] - c.totals["flask"]) for q in RULEBOOK.questions for c in q.choices
    )
    assert strongest < RULEBOOK.settings.clear_points
    for question in RULEBOOK.questions:
        for choice in question.choice_ids:
            assert score(RULEBOOK, {question.id: choice})["state"] != CLEAR, (question.id, choice)


@settings(max_examples=40, deadline=None)
@given(
    given_answers=answers,
    keep_open=st.sets(st.sampled_from([q.id for q in RULEBOOK.questions]), min_size=1, max_size=3),
)
def test_the_not_sure_range_matches_every_way_of_answering_the_rest(given_answers, keep_open):
    """The range the engine finds by search equals the one found by trying every answer."""
    # Every question but the ones kept open gets a real answer, so trying all is cheap.
    fixed = {
        q.id: (
            given_answers.get(q.id, UNSURE)
            if given_answers.get(q.id, UNSURE) != UNSURE
            else q.choice_ids[0]
        )
        for q in RULEBOOK.questions
        if q.id not in keep_open
    }
    result = score(RULEBOOK, fixed)
    rec = result["recommendation"]
    open_questions = [q for q in RULEBOOK.questions if q.id not in fixed]
    leads, verdicts = [], set()
    for combo in itertools.product(*[(UNSURE, *q.choice_ids) for q in open_questions]):
        other = score(
            RULEBOOK, {**fixed, **{q.id: c for q, c in zip(open_questions, combo, strict=True)}}
        )
        points = {s["option"]: s["points"] for s in other["scores"]}
        leads.append(points[rec] - max(p for o, p in points.items() if o != rec))
        verdicts.add(other["recommendation"])
    assert result["outlook"]["lead_low"] == pytest.approx(min(leads))
    assert result["outlook"]["lead_high"] == pytest.approx(max(leads))
    assert result["outlook"]["holds"] == (verdicts == {rec})


@settings(max_examples=60, deadline=None)
@given(
    given_answers=answers,
    keep_open=st.sets(st.sampled_from([q.id for q in RULEBOOK.questions]), min_size=1, max_size=4),
)
def test_once_settled_how_sure_can_change_exactly_when_some_way_of_answering_the_rest_changes_it(
    given_answers, keep_open
):
    """``sharpening`` is empty exactly when no combination of answers to the questions left
    gives the verdict another state, checked by trying every combination; and each question it
    names takes part in one that does."""
    fixed = {
        q.id: (
            given_answers.get(q.id, UNSURE)
            if given_answers.get(q.id, UNSURE) != UNSURE
            else q.choice_ids[0]
        )
        for q in RULEBOOK.questions
        if q.id not in keep_open
    }
    result = score(RULEBOOK, fixed)
    if not result["outlook"]["settled"]:
        return
    open_questions = [q for q in RULEBOOK.questions if q.id not in fixed]
    changers: set[str] = set()
    for combo in itertools.product(*[(UNSURE, *q.choice_ids) for q in open_questions]):
        given = {q.id: c for q, c in zip(open_questions, combo, strict=True)}
        other = score(RULEBOOK, {**fixed, **given})
        assert other["recommendation"] == result["recommendation"]
        if other["state"] != result["state"]:
            changers |= {q for q, c in given.items() if c != UNSURE}
    sharpening = result["outlook"]["sharpening"]
    assert bool(sharpening) == bool(changers), (fixed, sharpening)
    assert set(sharpening) <= changers
