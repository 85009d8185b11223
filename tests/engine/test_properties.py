"""Properties of scoring on the real questions.yaml, over generated answers."""

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.engine import CLEAR, CLOSE, LEAN, UNSURE, evaluate, load_rulebook, score

RULEBOOK = load_rulebook(Path(__file__).resolve().parents[2] / "questions.yaml")
OPTIONS = set(RULEBOOK.option_ids)

answers = st.fixed_dictionaries(
    {}, optional={q.id: st.sampled_from((UNSURE, *q.choice_ids)) for q in RULEBOOK.questions}
)


@given(answers)
def test_scoring_is_deterministic(given_answers):
    assert evaluate(RULEBOOK, given_answers) == evaluate(
        RULEBOOK, dict(reversed(given_answers.items()))
    )


@given(answers)
def test_every_combination_of_answers_gives_a_valid_result(given_answers):
    result = score(RULEBOOK, given_answers)
    assert result.recommendation in OPTIONS
    assert result.confidence in (CLEAR, LEAN, CLOSE)
    assert sum(s.share for s in result.scores) == pytest.approx(1)
    assert 0 <= result.margin <= 1
    contributions = [abs(r.contribution) for r in result.reasons]
    assert contributions == sorted(contributions, reverse=True)
    outlook = result.outlook
    assert outlook.share_low - 1e-9 <= outlook.share_now <= outlook.share_high + 1e-9
    assert all(f.recommendation != result.recommendation for f in result.flips)
    if result.confidence == CLOSE:
        assert result.recommendation == RULEBOOK.settings.tie_break
    else:
        assert result.recommendation == result.leaning


DJANGO_FEATURES = [
    ("auth", "full"),
    ("forms", "many"),
    ("admin", "yes"),
    ("api", "full"),
    ("project_size", "large"),
]
FLASK_FEATURES = [
    ("database", "nosql"),
    ("legacy_integration", "yes"),
    ("architecture", "microservice"),
    ("performance", "critical"),
    ("project_size", "prototype"),
]


@pytest.mark.parametrize(
    "option, question, choice",
    [("django", q, c) for q, c in DJANGO_FEATURES] + [("flask", q, c) for q, c in FLASK_FEATURES],
)
@given(given_answers=answers)
def test_choosing_a_feature_an_option_is_credited_with_never_lowers_its_share(
    option, question, choice, given_answers
):
    before = score(RULEBOOK, given_answers).score_of(option).share
    after = score(RULEBOOK, {**given_answers, question: choice}).score_of(option).share
    assert after >= before - 1e-9


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
    rec = result.recommendation
    open_questions = [q for q in RULEBOOK.questions if q.id not in fixed]
    shares, verdicts = [], set()
    for combo in itertools.product(*[(UNSURE, *q.choice_ids) for q in open_questions]):
        other = score(
            RULEBOOK, {**fixed, **{q.id: c for q, c in zip(open_questions, combo, strict=True)}}
        )
        shares.append(other.score_of(rec).share)
        verdicts.add(other.recommendation)
    assert result.outlook.share_low == pytest.approx(min(shares))
    assert result.outlook.share_high == pytest.approx(max(shares))
    assert result.outlook.holds == (verdicts == {rec})
