import itertools
import json

import pytest

from guide.engine import (
    CLEAR,
    CLOSE,
    LEAN,
    UNSURE,
    AnswerError,
    complete_snapshot,
    evaluate,
    score,
)

from .conftest import build


def test_a_large_app_with_an_admin_is_a_clear_django(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert result.recommendation == "django"
    assert result.confidence == CLEAR
    assert result.score_of("django").share == 1.0
    assert result.score_of("django").points == 8.0  # 2*2 + 2*1 + the rule's 2*1


def test_no_answers_is_a_close_call_that_falls_back_to_the_tie_break(rulebook):
    result = score(rulebook, {})
    assert result.recommendation == "flask"
    assert result.confidence == CLOSE
    assert result.evidence == 0


def test_a_close_call_recommends_the_tie_break_even_when_the_other_option_leads(data):
    data["settings"]["close_margin"] = 0.2
    result = score(build(data), {"size": "large", "store": "nosql", "mongo": "no"})
    assert result.leaning == "django"
    assert result.recommendation == "flask"
    assert result.confidence == CLOSE


def test_too_little_evidence_is_a_close_call(data):
    data["settings"]["min_evidence"] = 5
    result = score(build(data), {"admin": "yes"})
    assert result.leaning == "django"
    assert (result.recommendation, result.confidence) == ("flask", CLOSE)


def test_a_close_call_on_too_little_evidence_is_labelled_so_and_keeps_the_threshold(data):
    data["settings"]["min_evidence"] = 5
    rulebook = build(data)
    thin = evaluate(rulebook, {"admin": "yes"})
    assert thin["confidence_label"] == "Too little to go on"
    assert thin["min_evidence"] == 5
    assert thin["evidence"] < 5
    level = evaluate(rulebook, {})  # nothing answered: also too little
    assert level["confidence_label"] == "Too little to go on"


def test_an_older_snapshot_is_completed_only_under_the_ruleset_it_was_made_with(data):
    data["settings"]["min_evidence"] = 5
    rulebook = build(data)
    stored = evaluate(rulebook, {"admin": "yes"})
    del stored["min_evidence"]
    stored["confidence_label"] = "Close call"  # as snapshots were written before
    completed = complete_snapshot(stored, rulebook)
    assert completed["min_evidence"] == 5
    assert completed["confidence_label"] == "Too little to go on"
    assert completed["recommendation"] == stored["recommendation"]
    older = {**stored, "ruleset_version": "000000000000"}
    assert complete_snapshot(older, rulebook) is older


def test_a_margin_between_the_two_thresholds_is_a_lean(rulebook):
    result = score(rulebook, {"size": "large", "store": "nosql", "mongo": "no"})
    assert (result.recommendation, result.confidence) == ("django", LEAN)
    assert result.margin == pytest.approx(1 / 7)


def test_reasons_are_signed_towards_the_recommendation_and_largest_first(rulebook):
    result = score(rulebook, {"size": "large", "store": "nosql", "mongo": "no"})
    assert [(r.id, r.contribution, r.favours) for r in result.reasons] == [
        ("size", 4.0, "django"),
        ("store", -3.0, "flask"),
    ]
    assert result.reasons[0].text == "Large favours Django."
    assert result.reasons[0].source.title == "Docs"


def test_a_rule_that_fires_adds_its_points_reason_and_note(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert ("rule", "crud", 2.0) in [(r.kind, r.id, r.contribution) for r in result.reasons]
    assert [n.text for n in result.notes] == ["Django was made for this."]


def test_a_rule_can_suggest_an_alternative(rulebook):
    result = score(rulebook, {"size": "small", "store": "nosql"})
    assert [a.name for a in result.alternatives] == ["Falcon"]


def test_an_answer_to_a_hidden_follow_up_counts_for_nothing(rulebook):
    result = score(rulebook, {"store": "sql", "mongo": "yes"})
    assert result.evidence == 0
    assert "mongo" not in [a.question for a in result.answers]


def test_a_follow_up_counts_when_its_condition_holds(rulebook):
    result = score(rulebook, {"store": "nosql", "mongo": "yes"})
    assert result.score_of("django").points == 2.0
    assert "mongo" in [a.question for a in result.answers]


def test_the_outlook_holds_when_no_answer_to_the_rest_can_flip_it(rulebook):
    result = score(rulebook, {"size": "large"})
    assert result.outlook.holds
    assert result.outlook.share_low == pytest.approx(4 / 7)  # NoSQL with no Mongo
    assert result.outlook.share_high == 1.0
    assert set(result.outlook.unanswered) == {"admin", "store"}


def test_the_outlook_could_still_flip_and_names_the_question_to_ask_next(rulebook):
    result = score(rulebook, {})
    assert not result.outlook.holds
    assert result.outlook.worst_case == "django"
    assert result.outlook.next_question == "size"


def test_flips_are_the_single_answer_changes_that_change_the_verdict(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert [(f.question, f.to_choice, f.recommendation) for f in result.flips] == [
        ("size", "small", "flask")
    ]


def test_links_are_the_options_starters_and_the_features_the_answers_call_for(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert [link.title for link in result.links] == ["Django tutorial"]
    assert [(f.feature, [link.title for link in f.links["django"]]) for f in result.features] == [
        ("admin", ["Django admin"])
    ]


def test_unsure_and_left_out_answers_are_the_same(rulebook):
    assert evaluate(rulebook, {"size": "large", "admin": UNSURE}) == evaluate(
        rulebook, {"size": "large"}
    )


def test_an_unknown_question_is_refused(rulebook):
    with pytest.raises(AnswerError, match="unknown question 'colour'"):
        score(rulebook, {"colour": "blue"})


def test_an_unknown_choice_is_refused_with_the_allowed_choices(rulebook):
    with pytest.raises(AnswerError) as caught:
        score(rulebook, {"size": "huge"})
    assert caught.value.problems[0].allowed == ("small", "large", "unsure")
    assert "choose one of: small, large, unsure" in str(caught.value)


def test_the_snapshot_is_json_and_carries_its_own_labels(rulebook):
    snapshot = evaluate(rulebook, {"size": "large", "admin": "yes"})
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["recommendation_name"] == "Django"
    assert snapshot["answers"][0] == {
        "question": "size",
        "prompt": "How big?",
        "choice": "large",
        "label": "Large",
    }
    assert snapshot["reasons"][0]["source"]["title"] == "Docs"


def all_completions(rulebook, answers):
    open_ = [q for q in rulebook.questions if answers.get(q.id, UNSURE) == UNSURE]
    for combo in itertools.product(*[(UNSURE, *q.choice_ids) for q in open_]):
        yield {**answers, **{q.id: c for q, c in zip(open_, combo, strict=True)}}


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"size": "small"},
        {"size": "large"},
        {"store": "nosql"},
        {"admin": "yes", "store": "sql"},
    ],
)
def test_the_outlook_range_matches_every_way_of_answering_the_rest(rulebook, answers):
    result = score(rulebook, answers)
    rec = result.recommendation
    shares = []
    verdicts = set()
    for completion in all_completions(rulebook, answers):
        other = score(rulebook, completion)
        shares.append(other.score_of(rec).share)
        verdicts.add(other.recommendation)
    assert result.outlook.share_low == pytest.approx(min(shares))
    assert result.outlook.share_high == pytest.approx(max(shares))
    assert result.outlook.holds == (verdicts == {rec})
