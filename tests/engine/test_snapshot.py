"""The snapshot is the one result type every surface reads: what it holds is what it declares."""

import json
import random
import types
import typing

from guide.engine import FORMAT, UNSURE, Snapshot, load_rulebook, score
from tests.conftest import QUESTIONS


def declared(td: typing.Any) -> dict[str, typing.Any]:
    return typing.get_type_hints(td)


def assert_matches(value: typing.Any, hint: typing.Any, where: str) -> None:
    """``value`` has exactly the keys its TypedDict declares (optional ones aside), all the
    way down."""
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and typing.is_typeddict(hint):
        hints = declared(hint)
        required = hint.__required_keys__
        assert set(value) <= set(hints), f"{where}: undeclared {set(value) - set(hints)}"
        assert required <= set(value), f"{where}: missing {required - set(value)}"
        for key, sub in hints.items():
            if key in value:
                assert_matches(value[key], sub, f"{where}.{key}")
    elif origin is list:
        for i, item in enumerate(value):
            assert_matches(item, typing.get_args(hint)[0], f"{where}[{i}]")
    elif origin is dict:
        for key, item in value.items():
            assert_matches(item, typing.get_args(hint)[1], f"{where}.{key}")
    elif origin in (typing.Union, types.UnionType) and value is not None:
        non_none = [a for a in typing.get_args(hint) if a is not type(None)]
        assert_matches(value, non_none[0], where)


def test_real_results_hold_exactly_the_fields_the_snapshot_type_declares():
    rulebook = load_rulebook(QUESTIONS)
    rng = random.Random(7)
    for _ in range(200):
        answers = {q.id: rng.choice([*q.choice_ids, UNSURE]) for q in rulebook.questions}
        assert_matches(score(rulebook, answers), Snapshot, "snapshot")


def test_a_snapshot_survives_json_unchanged(rulebook):
    snapshot = score(rulebook, {"size": "large", "admin": "yes"})
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_new_snapshots_carry_every_field_of_the_current_format(rulebook):
    snapshot = score(rulebook, {})
    assert FORMAT == 5
    assert {"min_evidence", "state", "gap", "lean_points", "clear_points"} <= set(snapshot)
    assert {"settled", "questions_left_max", "sharpening"} <= set(snapshot["outlook"])
    assert snapshot["starting_point"] is None
    assert all({"asked", "assumed"} <= set(a) for a in snapshot["answers"])
