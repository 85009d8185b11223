"""The rules explained: each question and rule with its points, sources and quotes, the
changelog, and what a change does to stored results (guide/web/rules.py,
guide/services/impact.py, manage.py rules_impact)."""

import json
from datetime import timedelta
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from guide.models import Permalink
from guide.services.impact import count_decisions, decides
from guide.services.rulebook import get_rulebook

FIXTURE = Path(__file__).with_name("fixtures") / "permalinks.json"
QUESTIONS = Path(__file__).resolve().parents[1] / "questions.yaml"


def page_of(response) -> str:
    return unescape(response.content.decode())


@pytest.mark.django_db
def test_a_question_page_shows_each_answers_points_per_criterion_and_its_quoted_sources(client):
    page = page_of(client.get("/rules/q/admin/"))
    assert "<h1>Do staff need an admin back office to manage the data?</h1>" in page
    assert "6 points for Django" in page
    assert "Built-in features" in page and "Time to market for CRUD apps" in page
    quote = get_rulebook().sources["django_admin_docs"].quotes["admin.yes"]
    assert f"“{quote}”" in page and "Read and checked 2026-12-04." in page


@pytest.mark.django_db
def test_a_question_page_counts_what_it_decided_in_stored_results(client):
    for _ in range(2):
        client.post("/", {"admin": "yes", "auth": "full"})
    client.post("/", {"admin": "no", "architecture": "microservice"})
    assert "Not counted yet" in page_of(client.get("/rules/q/admin/"))
    call_command("count_decisions", settle=0, stdout=StringIO())
    page = page_of(client.get("/rules/q/admin/"))
    assert "Of the 2 results stored under today's rules, it moved 1 (1 for Django)" in page


@pytest.mark.django_db
def test_counting_again_reads_only_the_results_stored_since(client):
    client.post("/", {"admin": "yes", "auth": "full"})
    assert count_decisions(settle=0) == 1 and count_decisions(settle=0) == 0
    client.post("/", {"admin": "yes", "auth": "none"})
    assert count_decisions(settle=0) == 1
    assert "Of the 2 results stored under today's rules, it moved 2" in page_of(
        client.get("/rules/q/admin/")
    )


@pytest.mark.django_db
def test_a_result_stamped_later_than_the_next_one_is_counted_all_the_same(client):
    """Two saves at once can take their ids in the other order than their stamps: a count
    waits for the earlier id rather than passing over it for good."""
    client.post("/", {"admin": "yes", "auth": "full"})
    client.post("/", {"admin": "yes", "auth": "none"})
    first, second = Permalink.objects.order_by("id")
    now = timezone.now()
    Permalink.objects.filter(pk=first.pk).update(created=now - timedelta(seconds=5))
    Permalink.objects.filter(pk=second.pk).update(created=now - timedelta(seconds=15))
    assert count_decisions(settle=10) == 0  # the first id is not settled yet
    Permalink.objects.filter(pk=first.pk).update(created=now - timedelta(seconds=11))
    assert count_decisions(settle=10) == 2
    assert "Of the 2 results stored under today's rules, it moved 2" in page_of(
        client.get("/rules/q/admin/")
    )


@pytest.mark.django_db
def test_counts_agree_with_a_count_over_every_stored_result(client):
    """Counted in batches of 2, the counts are what one pass over every result gives."""
    for answers in (
        {"admin": "yes", "auth": "full"},
        {"admin": "no", "architecture": "microservice"},
        {"admin": "yes", "performance": "critical", "team_knows": "flask"},
        {"api": "full", "frontend": "spa"},
        {"database": "nosql", "admin": "no"},
    ):
        client.post("/", answers)
    while count_decisions(batch=2, settle=0):
        pass
    version = get_rulebook().version
    snapshots = list(
        Permalink.objects.filter(ruleset_version=version).values_list("snapshot", flat=True)
    )
    for kind, ident in [("answer", "admin"), ("answer", "auth"), ("rule", "crud_greenfield")]:
        counted = decides(kind, ident)
        mine = [
            [r for r in s["reasons"] if (r["kind"], r["id"]) == (kind, ident)] for s in snapshots
        ]
        assert counted.results == len(snapshots)
        assert counted.moved == sum(1 for m in mine if m)
        assert counted.strongest == sum(
            1
            for s in snapshots
            if (s["reasons"][0]["kind"], s["reasons"][0]["id"]) == (kind, ident)
        )
        flips = sum(1 for s in snapshots if any(f["question"] == ident for f in s["flips"]))
        assert counted.would_flip == (flips if kind == "answer" else 0)


@pytest.mark.django_db
def test_a_rules_page_reads_no_stored_result_and_works_with_the_cache_down(
    client, django_assert_max_num_queries, settings
):
    for _ in range(3):
        client.post("/", {"admin": "yes", "auth": "full"})
    count_decisions(settle=0)
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    with django_assert_max_num_queries(1):
        page = page_of(client.get("/rules/q/admin/"))
    assert "Of the 1 result stored under today's rules" in page


@pytest.mark.django_db
def test_a_rule_page_says_when_it_applies_and_quotes_its_sources(client):
    page = page_of(client.get("/rules/r/long_lived/"))
    assert "How long must it be maintained?" in page and "6.2 LTS" in page
    assert "Support for the previous LTS, Django 5.2, will end in April 2028." in page


def test_unknown_questions_and_rules_are_404s(client):
    assert client.get("/rules/q/colour/").status_code == 404
    assert client.get("/rules/r/colour/").status_code == 404


def test_the_changelog_lists_each_version_newest_first_with_why(client):
    page = page_of(client.get("/rules/changes"))
    rulebook = get_rulebook()
    assert page.index(rulebook.version) < page.index("95f4789e77b1")
    assert f'id="v-{rulebook.version}"' in page and "today's rules" in page
    assert "Why:" in page and "Excella" in page


@pytest.mark.django_db
def test_each_reason_on_a_result_links_to_its_explanation(client):
    url = client.post("/", {"admin": "yes", "auth": "full", "database": "relational"})["Location"]
    page = page_of(client.get(url))
    assert 'href="/rules/q/admin/"' in page and 'href="/rules/r/crud_greenfield/"' not in page
    assert "In their words" in page


def test_rules_impact_reports_what_a_change_does_to_stored_results(tmp_path):
    heavier = tmp_path / "questions.yaml"
    heavier.write_text(
        QUESTIONS.read_text().replace(
            "effects: {lightness: {flask: 4}}", "effects: {lightness: {flask: 9}}"
        )
    )
    out = StringIO()
    call_command("rules_impact", str(QUESTIONS), str(heavier), fixture=str(FIXTURE), stdout=out)
    report = out.getvalue()
    entries = len(json.loads(FIXTURE.read_text()))
    assert f"replayed on {entries} permalinks" in report
    changed = int(report.split("framework changed: ", 1)[1].split(" ", 1)[0])
    assert changed > 0
    assert "architecture=microservice" in report.split("same framework", 1)[0]


def test_rules_impact_with_the_same_rules_changes_nothing():
    out = StringIO()
    call_command("rules_impact", str(QUESTIONS), str(QUESTIONS), fixture=FIXTURE, stdout=out)
    assert "framework changed: 0 (0.0%)" in out.getvalue()
