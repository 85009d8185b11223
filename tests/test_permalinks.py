"""The service layer that pages, API and terminal share."""

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test import RequestFactory
from django_ratelimit.exceptions import Ratelimited

from guide.engine import score
from guide.models import Permalink
from guide.services import permalinks
from guide.services.rulebook import get_rulebook

DJANGO_ANSWERS = {"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}


def checked(answers):
    return permalinks.check(answers, strict=True)


def a_post():
    return RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")


def test_a_form_answering_one_question_twice_is_refused():
    checked = permalinks.check(QueryDict("auth=full&auth=none&admin=yes"), strict=False)
    assert checked.answers == {"admin": "yes"}
    assert [p.question for p in checked.problems] == ["auth"]


def test_the_result_is_scored_once_and_is_the_engines():
    first = permalinks.result_for(DJANGO_ANSWERS)
    assert permalinks.result_for(dict(reversed(DJANGO_ANSWERS.items()))) is first
    assert first == score(get_rulebook(), DJANGO_ANSWERS)


@pytest.mark.django_db
def test_saving_the_same_answers_twice_reuses_the_link():
    link, created = permalinks.save(a_post(), checked(DJANGO_ANSWERS))
    again, created_again = permalinks.save(
        a_post(), checked(dict(reversed(DJANGO_ANSWERS.items())))
    )
    assert created and not created_again and again.pk == link.pk


@pytest.mark.django_db
def test_a_hidden_follow_up_is_not_stored():
    link, _ = permalinks.save(
        a_post(), checked({"database": "relational", "nosql_store": "mongodb"})
    )
    assert link.answers == {"database": "relational"}


@pytest.mark.django_db
def test_saving_past_the_clients_limit_raises_and_stores_nothing(settings):
    cache.clear()
    settings.RATELIMIT_PERMALINKS = "1/m"
    try:
        permalinks.save(a_post(), checked({"auth": "full"}))
        with pytest.raises(Ratelimited):
            permalinks.save(a_post(), checked({"auth": "none"}))
        assert Permalink.objects.count() == 1
    finally:
        cache.clear()


@pytest.mark.django_db
def test_addresses_come_from_the_url_configuration():
    link, _ = permalinks.save(a_post(), checked(DJANGO_ANSWERS))
    assert permalinks.link_url(link) == f"/r/{link.slug}/"
    assert permalinks.pdf_url(link) == f"/r/{link.slug}/pdf"
    assert permalinks.edit_url(link) == "/?auth=full&forms=many&database=relational&admin=yes"
    assert permalinks.edit_url(link, page="all_questions").startswith("/all/?auth=full")
    assert permalinks.questionnaire_url({}) == "/"
    assert permalinks.questionnaire_url({"auth": "full"}, "blog") == "/?start=blog&auth=full"


@pytest.mark.django_db
def test_nothing_answered_is_not_stored():
    with pytest.raises(permalinks.NothingAnswered):
        permalinks.save(a_post(), checked({"auth": "unsure"}))
    assert Permalink.objects.count() == 0


@pytest.mark.django_db
def test_a_starting_point_is_kept_with_the_link_and_its_assumptions_count():
    link, _ = permalinks.save(a_post(), permalinks.check({}, strict=True, start="blog"))
    assert link.start == "blog" and link.answers == {}
    assert link.result["starting_point"]["id"] == "blog"
    assert permalinks.edit_url(link) == "/?start=blog"


@pytest.mark.django_db
def test_an_old_link_is_scored_again_and_answers_the_rules_dropped_are_named():
    link, _ = permalinks.save(a_post(), checked(DJANGO_ANSWERS))
    Permalink.objects.filter(pk=link.pk).update(
        answers={**DJANGO_ANSWERS, "hosting": "cloud", "admin": "maybe"},
        ruleset_version="000000000000",
    )
    link.refresh_from_db()
    again = permalinks.reevaluate(link)
    assert again.answers == {"auth": "full", "forms": "many", "database": "relational"}
    prompt = get_rulebook().question("admin").prompt
    assert set(again.dropped) == {"hosting", prompt}
    assert again.result == score(get_rulebook(), again.answers)


def test_a_process_keeps_at_most_score_cache_entries_results(settings):
    from guide.services import permalinks

    permalinks._scores.cache_clear()
    settings.SCORE_CACHE_ENTRIES = 5
    try:
        rulebook = get_rulebook()
        answers = [
            {question.id: choice}
            for question in rulebook.questions
            for choice in question.choice_ids
        ]
        for given in answers[:20]:
            permalinks.result_for(given)
        assert permalinks._scores().cache_info().currsize == 5
        # A result no longer kept is the same when scored again.
        assert permalinks.result_for(answers[0]) == score(rulebook, answers[0])
    finally:
        permalinks._scores.cache_clear()
