"""Stored permalinks: one row per answers and ruleset, and a result that reads the same later."""

from unittest import mock

import pytest

from guide.engine import score
from guide.models import Permalink, PermalinkQuerySet, answers_key
from guide.services.rulebook import get_rulebook

DJANGO_ANSWERS = {"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}


def test_the_same_answers_in_any_order_have_the_same_key():
    reordered = dict(reversed(DJANGO_ANSWERS.items()))
    assert answers_key(DJANGO_ANSWERS) == answers_key(reordered)
    assert answers_key(DJANGO_ANSWERS) != answers_key({**DJANGO_ANSWERS, "admin": "no"})


@pytest.mark.django_db
def test_a_permalink_stores_the_verdict_beside_its_snapshot():
    snapshot = score(get_rulebook(), DJANGO_ANSWERS)
    link, created = Permalink.objects.for_answers(DJANGO_ANSWERS, snapshot)
    link.refresh_from_db()
    assert created and len(link.slug) == 16
    assert (link.recommendation, link.confidence) == ("django", snapshot["confidence"])
    assert link.ruleset_version == get_rulebook().version
    assert link.result == snapshot
    assert str(link) == f"{link.slug} (django)"


@pytest.mark.django_db
def test_the_same_answers_under_other_rules_get_a_link_of_their_own():
    snapshot = score(get_rulebook(), DJANGO_ANSWERS)
    first, _ = Permalink.objects.for_answers(DJANGO_ANSWERS, snapshot)
    older = {**snapshot, "ruleset_version": "000000000000"}
    second, created = Permalink.objects.for_answers(DJANGO_ANSWERS, older)
    assert created and second.slug != first.slug


@pytest.mark.django_db
def test_two_racing_identical_submissions_end_with_one_row():
    """The loser of the race finds no row, tries to insert, hits the unique constraint, and
    reads the winner's row back."""
    snapshot = score(get_rulebook(), DJANGO_ANSWERS)
    winner, created = Permalink.objects.for_answers(DJANGO_ANSWERS, snapshot)
    assert created
    real_first = PermalinkQuerySet.first
    calls = []

    def miss_once(qs):
        calls.append(1)
        return None if len(calls) == 1 else real_first(qs)

    with mock.patch.object(PermalinkQuerySet, "first", miss_once):
        loser, created = Permalink.objects.for_answers(DJANGO_ANSWERS, snapshot)
    assert not created
    assert loser.slug == winner.slug
    assert Permalink.objects.count() == 1
