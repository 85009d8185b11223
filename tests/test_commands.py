import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guide.engine import score
from guide.services.rulebook import get_rulebook

ROOT = Path(__file__).resolve().parents[1]


def recommend(*args: str) -> str:
    out = StringIO()
    call_command("recommend", *args, stdout=out)
    return out.getvalue()


def test_recommend_prints_the_verdict_and_why():
    text = recommend(
        "project_size=prototype",
        "python_experience=beginner",
        "auth=none",
        "database=none",
        "ml_model=yes",
    )
    assert text.startswith("Recommendation: Flask (Clear choice; Flask 12 · Django 0 points)")
    assert "Why:" in text
    assert "Which is Better for Machine Learning: Flask vs Django?" in text
    assert "https://flask.palletsprojects.com/en/stable/quickstart/" in text


@pytest.mark.django_db
def test_recommend_writes_points_as_the_results_page_does(client):
    # 20.25 points and a 3.75-point reason: the roundings the page and the terminal once
    # did differently.
    answers = {"legacy_integration": "yes", "architecture": "microservice", "auth": "full"}
    text = recommend(*(f"{q}={c}" for q, c in answers.items()))
    page = client.get(client.post("/", answers)["Location"]).content.decode()
    assert "Flask 9.8 · Django 5.5 points" in text and "Flask 9.8 · Django 5.5 points" in page
    assert "+3.8 for Flask: Must it work with existing systems or legacy data?" in text
    assert '+3.8<span class="visually-hidden"> points</span> <span class="for">for Flask' in page


def test_recommend_says_when_there_is_too_little_to_go_on():
    text = recommend("legacy_integration=no")
    assert text.startswith(
        "Recommendation: Too little to go on, leaning Django (Too little to go on; "
        "Flask 0 · Django 1 points)"
    )
    assert (
        "the answers give 1 point in all, and the guide needs 6 before it calls it. "
        "Django is ahead by 1 point, so far."
    ) in text


def test_recommend_json_has_the_documented_fields():
    data = json.loads(
        recommend("--json", "admin=yes", "forms=many", "database=relational", "auth=full")
    )
    assert {
        "recommendation",
        "scores",
        "margin",
        "confidence",
        "reasons",
        "flips",
        "links",
        "ruleset_version",
    } <= data.keys()
    assert data["recommendation"] == "django"
    assert len(data["ruleset_version"]) == 12


def test_recommend_refuses_an_invalid_choice_naming_the_allowed_ones():
    with pytest.raises(
        CommandError,
        match=r"'maybe' is not a choice of 'auth' \(choose one "
        r"of: none, simple, full, tokens, unsure\)",
    ):
        recommend("auth=maybe")


def test_recommend_refuses_an_unknown_question_and_a_malformed_argument():
    with pytest.raises(CommandError, match="unknown question 'colour'"):
        recommend("colour=blue")
    with pytest.raises(CommandError, match="not of the form question=choice"):
        recommend("auth")


def test_an_invalid_answer_exits_non_zero_with_one_line():
    run = subprocess.run(
        [sys.executable, "manage.py", "recommend", "auth=maybe"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert run.stderr.strip().count("\n") == 0
    assert "Traceback" not in run.stderr
    assert "choose one of" in run.stderr


def test_recommend_with_a_broken_file_says_what_is_wrong(broken_questions):
    with pytest.raises(CommandError, match="warp_speed"):
        recommend("auth=full")


def test_interview_asks_one_question_at_a_time_until_it_cannot_change():
    stdin = StringIO(
        "4\n1\n2\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n"
    )  # an intranet, then the first choices
    out = StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", stdin)
        call_command("interview", stdout=out)
    text = out.getvalue()
    assert "What are you building?" in text and "4) An internal tool or intranet" in text
    assert "Question 1 · At most" in text
    assert "whatever you answer to the other" in text
    assert "Recommendation: Django" in text


def test_interview_json_prints_one_result_and_talks_on_stderr():
    out, err = StringIO(), StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", StringIO("1\n" * 30))
        call_command("interview", "--start", "ml_service", "--json", stdout=out, stderr=err)
    result = json.loads(out.getvalue())
    assert result["starting_point"]["id"] == "ml_service" and result["outlook"]["settled"]
    assert "Question 1" in err.getvalue()


def test_interview_then_asks_what_else_the_starter_needs_and_keeps_the_answers():
    """The intranet settles early; the "what else" questions follow, each may be skipped,
    and the answers given there reach the result."""
    rulebook = get_rulebook()
    needs = score(rulebook, {"team_knows": "neither", "project_size": "medium"}, start="intranet")
    wanted = needs["outlook"]["starter_questions"]
    legacy = rulebook.question("legacy_integration")
    lines = []
    for ident in wanted:
        question = rulebook.question(ident)
        skip = len(question.choices) + 2
        lines.append(str(question.choice_ids.index("yes") + 1) if question is legacy else str(skip))
    out, err = StringIO(), StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", StringIO("\n".join(lines) + "\n"))
        call_command(
            "interview",
            "team_knows=neither",
            "project_size=medium",
            "--start",
            "intranet",
            "--json",
            stdout=out,
            stderr=err,
        )
    said = err.getvalue()
    assert "What else does your project need?" in said and legacy.prompt in said
    assert "none of them can change the framework" in said
    result = json.loads(out.getvalue())
    answers = {a["question"]: a["choice"] for a in result["answers"]}
    assert answers["legacy_integration"] == "yes" and result["recommendation"] == "django"
