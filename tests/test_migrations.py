"""Stored results are brought up to today's format once, by a data migration, and keep saying
what they said (guide/migrations/0002_snapshot_format_3.py)."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from guide.engine import Snapshot, score
from guide.services.rulebook import get_rulebook
from tests.engine.test_snapshot import assert_matches

upgrade = importlib.import_module("guide.migrations.0002_snapshot_format_3").upgrade
relabel = importlib.import_module("guide.migrations.0007_confidence_labels").upgrade
ADDED = ("min_evidence", "state", "gap", "lean_points", "clear_points", "rules_updated")


def as_format_1(snapshot, **changes):
    """A result as the first format stored it: no state, gap, thresholds or leads, one source
    per reason, no 'because', no flip states."""
    old = {k: v for k, v in snapshot.items() if k not in ADDED}
    old["reasons"] = [
        {k: v for k, v in r.items() if k not in ("sources", "because")} for r in old["reasons"]
    ]
    old["notes"] = [{k: v for k, v in n.items() if k != "sources"} for n in old["notes"]]
    old["flips"] = [{k: v for k, v in f.items() if k != "state"} for f in old["flips"]]
    old["outlook"] = {k: v for k, v in old["outlook"].items() if k not in ("lead_low", "lead_high")}
    old["ruleset_version"] = "95f4789e77b1"
    # The words the first format used (guide/migrations/0007_confidence_labels.py).
    old["confidence_label"] = {"Likely": "Lean", "Clear choice": "Clear"}.get(
        old["confidence_label"], old["confidence_label"]
    )
    return old | changes


def test_a_close_call_that_named_the_tie_break_keeps_its_verdict_and_gains_every_field():
    snapshot = score(get_rulebook(), {"legacy_integration": "no"})  # 1 point for Django
    old = as_format_1(
        snapshot, recommendation="flask", recommendation_name="Flask", confidence="close"
    )
    old["confidence_label"] = "Close call"
    upgraded = upgrade(old)
    assert_matches(upgraded, Snapshot, "upgraded")
    assert set(Snapshot.__annotations__) <= set(upgraded)
    assert (upgraded["recommendation"], upgraded["leaning"]) == ("flask", "django")
    # 1 point in all, under the 6 its rules needed: too little to go on, in today's words.
    assert (upgraded["state"], upgraded["confidence_label"]) == (
        "too_little",
        "Too little to go on",
    )
    assert upgraded["gap"] < 0 and upgraded["min_evidence"] == 6
    assert all(r["sources"] == [r["source"]] for r in upgraded["reasons"])


def test_a_lean_under_the_first_rules_gets_the_lead_its_margin_took_at_its_points():
    snapshot = score(get_rulebook(), {"admin": "yes", "forms": "many"})
    upgraded = upgrade(as_format_1(snapshot))
    assert upgraded["state"] == snapshot["state"]
    assert upgraded["lean_points"] == pytest.approx(0.1 * snapshot["evidence"], abs=1e-4)
    assert upgraded["clear_points"] == pytest.approx(0.3 * snapshot["evidence"], abs=1e-4)
    assert [f["state"] for f in upgraded["flips"]] == [
        {"close": "toss_up"}.get(f["confidence"], f["confidence"]) for f in snapshot["flips"]
    ]


def test_with_nothing_left_open_the_leads_are_exact():
    rulebook = get_rulebook()
    answers = {q.id: q.choice_ids[0] for q in rulebook.questions}
    snapshot = score(rulebook, answers)
    assert not snapshot["outlook"]["unanswered"]
    upgraded = upgrade(as_format_1(snapshot))
    assert upgraded["outlook"]["lead_low"] == pytest.approx(
        snapshot["outlook"]["lead_low"], abs=1e-3
    )
    assert upgraded["outlook"]["lead_high"] == pytest.approx(snapshot["gap"], abs=1e-3)


def test_a_result_in_todays_format_is_left_as_it_is():
    snapshot = score(get_rulebook(), {"auth": "full", "admin": "yes"})
    assert upgrade(snapshot) == snapshot


@pytest.mark.django_db(transaction=True)
def test_the_migration_upgrades_stored_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([("guide", "0001_permalink")])
    old_apps = executor.loader.project_state([("guide", "0001_permalink")]).apps
    snapshot = score(get_rulebook(), {"auth": "full", "admin": "yes"})
    old = as_format_1(snapshot)
    old_apps.get_model("guide", "Permalink").objects.create(
        slug="A" * 16,
        answers={"auth": "full", "admin": "yes"},
        answers_key="k",
        ruleset_version=old["ruleset_version"],
        recommendation="django",
        confidence=old["confidence"],
        snapshot=old,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from guide.models import Permalink

    stored = Permalink.objects.get(slug="A" * 16).result
    assert stored == relabel(upgrade(old)) and stored["state"] == snapshot["state"]
    assert stored["confidence_label"] == snapshot["confidence_label"]  # in today's words
