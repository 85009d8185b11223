import itertools
import json

import pytest

from guide.engine import (
    CLEAR,
    CLOSE,
    LEAN,
    TOO_LITTLE,
    TOSS_UP,
    UNSURE,
    AnswerError,
    score,
)

from .conftest import build, score_of


def test_a_large_app_with_an_admin_is_a_clear_django(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert result["recommendation"] == "django"
    assert result["confidence"] == CLEAR
    assert score_of(result, "django")["share"] == 1.0
    assert score_of(result, "django")["points"] == 8.0  # 2*2 + 2*1 + the rule's 2*1


def test_no_answers_is_too_little_to_go_on_and_only_then_the_tie_break_names_flask(rulebook):
    result = score(rulebook, {})
    assert result["recommendation"] == "flask"
    assert (result["state"], result["confidence"]) == (TOO_LITTLE, CLOSE)
    assert result["evidence"] == 0 and result["gap"] == 0


def test_an_undecided_result_still_names_the_side_with_more_points(rulebook):
    result = score(rulebook, {"size": "large", "store": "nosql", "mongo": "no"})  # 4 to 3
    assert (result["leaning"], result["recommendation"]) == ("django", "django")
    assert (result["state"], result["gap"]) == (TOSS_UP, 1.0)


def test_a_thin_lead_on_few_points_is_too_little_to_go_on_not_the_other_side(data):
    data["settings"]["lean_points"] = 3
    data["settings"]["min_evidence"] = 5
    result = score(build(data), {"admin": "yes"})
    assert (result["recommendation"], result["state"], result["confidence"]) == (
        "django",
        TOO_LITTLE,
        CLOSE,
    )


def test_states_are_labelled_once_and_the_snapshot_keeps_the_thresholds(data):
    data["settings"]["lean_points"] = 3
    data["settings"]["min_evidence"] = 5
    rulebook = build(data)
    thin = score(rulebook, {"admin": "yes"})
    assert (thin["state"], thin["confidence_label"]) == (TOO_LITTLE, "Too little to go on")
    assert (thin["min_evidence"], thin["lean_points"], thin["clear_points"]) == (5, 3, 6)
    level = score(rulebook, {"size": "large", "store": "nosql", "mongo": "no"})
    assert (level["state"], level["confidence_label"]) == (TOSS_UP, "Toss-up")


def test_a_lead_between_the_two_thresholds_is_a_lean(rulebook):
    result = score(rulebook, {"size": "large"})
    assert (result["recommendation"], result["state"], result["gap"]) == ("django", LEAN, 4.0)


def test_reasons_are_signed_towards_the_recommendation_and_largest_first(rulebook):
    result = score(rulebook, {"size": "large", "store": "nosql", "mongo": "no"})
    assert [(r["id"], r["contribution"], r["favours"]) for r in result["reasons"]] == [
        ("size", 4.0, "django"),
        ("store", -3.0, "flask"),
    ]
    assert result["reasons"][0]["text"] == "Large favours Django."
    assert [s["title"] for s in result["reasons"][0]["sources"]] == ["Docs"]


def test_a_rule_that_fires_adds_its_points_reason_and_note(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert ("rule", "crud", 2.0) in [
        (r["kind"], r["id"], r["contribution"]) for r in result["reasons"]
    ]
    assert [n["text"] for n in result["notes"]] == ["Django was made for this."]


def test_a_rule_can_suggest_an_alternative(rulebook):
    result = score(rulebook, {"size": "small", "store": "nosql"})
    assert [a["name"] for a in result["alternatives"]] == ["Falcon"]


def test_an_answer_to_a_hidden_follow_up_counts_for_nothing(rulebook):
    result = score(rulebook, {"store": "sql", "mongo": "yes"})
    assert result["evidence"] == 0
    assert "mongo" not in [a["question"] for a in result["answers"]]


def test_a_follow_up_counts_when_its_condition_holds(rulebook):
    result = score(rulebook, {"store": "nosql", "mongo": "yes"})
    assert score_of(result, "django")["points"] == 2.0
    assert "mongo" in [a["question"] for a in result["answers"]]


def test_the_outlook_holds_when_no_answer_to_the_rest_can_flip_it(rulebook):
    result = score(rulebook, {"size": "large"})
    assert result["outlook"]["holds"]
    assert result["outlook"]["share_low"] == pytest.approx(4 / 7, abs=1e-4)  # NoSQL, no Mongo
    assert result["outlook"]["share_high"] == 1.0
    assert set(result["outlook"]["unanswered"]) == {"admin", "store"}


def test_the_outlook_could_still_flip_and_names_the_question_to_ask_next(rulebook):
    result = score(rulebook, {})
    assert not result["outlook"]["holds"]
    assert result["outlook"]["worst_case"] == "django"
    assert result["outlook"]["next_question"] == "size"


def test_flips_are_the_single_answer_changes_that_change_the_verdict(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert [(f["question"], f["to_choice"], f["recommendation"]) for f in result["flips"]] == [
        ("size", "small", "flask")
    ]


def test_links_are_the_options_starters_and_the_features_the_answers_call_for(rulebook):
    result = score(rulebook, {"size": "large", "admin": "yes"})
    assert [link["title"] for link in result["links"]["framework"]] == ["Django tutorial"]
    features = result["links"]["features"]
    assert [(f["feature"], [link["title"] for link in f["links"]["django"]]) for f in features] == [
        ("admin", ["Django admin"])
    ]


def test_not_sure_gives_the_points_of_a_question_left_out_but_counts_as_asked(rulebook):
    unsure = score(rulebook, {"size": "large", "admin": UNSURE})
    left_out = score(rulebook, {"size": "large"})
    for key in ("recommendation", "state", "gap", "scores", "reasons", "flips"):
        assert unsure[key] == left_out[key]
    admin = [a for a in unsure["answers"] if a["question"] == "admin"]
    assert admin == [
        {
            "question": "admin",
            "prompt": "Admin?",
            "choice": UNSURE,
            "label": "Not sure",
            "asked": True,
            "assumed": False,
        }
    ]
    assert [a["label"] for a in left_out["answers"] if a["question"] == "admin"] == ["Not asked"]


def test_an_unknown_question_is_refused(rulebook):
    with pytest.raises(AnswerError, match="unknown question 'colour'"):
        score(rulebook, {"colour": "blue"})


def test_an_unknown_choice_is_refused_with_the_allowed_choices(rulebook):
    with pytest.raises(AnswerError) as caught:
        score(rulebook, {"size": "huge"})
    assert caught.value.problems[0].allowed == ("small", "large", "unsure")
    assert "choose one of: small, large, unsure" in str(caught.value)


def test_the_snapshot_is_json_and_carries_its_own_labels(rulebook):
    snapshot = score(rulebook, {"size": "large", "admin": "yes"})
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["recommendation_name"] == "Django"
    assert snapshot["answers"][0] == {
        "question": "size",
        "prompt": "How big?",
        "choice": "large",
        "label": "Large",
        "asked": True,
        "assumed": False,
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
    rec = result["recommendation"]
    shares = []
    verdicts = set()
    for completion in all_completions(rulebook, answers):
        other = score(rulebook, completion)
        shares.append(score_of(other, rec)["share"])
        verdicts.add(other["recommendation"])
    assert result["outlook"]["share_low"] == pytest.approx(min(shares))
    assert result["outlook"]["share_high"] == pytest.approx(max(shares))
    assert result["outlook"]["holds"] == (verdicts == {rec})
