"""The interview as a person meets it: what are you building, then one question at a time,
until asking more cannot change the answer (guide/web/interview.py and its template)."""

import io
import random
import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from pypdf import PdfReader

from guide.engine import score
from guide.models import Permalink
from guide.services.rulebook import get_rulebook


def page_of(response) -> str:
    return unescape(response.content.decode())


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def hidden_inputs(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def test_the_first_step_asks_what_is_being_built(client):
    page = page_of(client.get("/"))
    assert "What are you building?" in page
    for start in get_rulebook().starting_points:
        assert f'name="start" value="{start.id}"' in page and start.label in page
    assert 'value="" id="start_none"' in page and "Something else" in page
    assert '<a href="/all/">See all questions at once</a>' in page  # for those who prefer it


def test_a_starting_point_shows_its_assumptions_and_asks_one_question(client):
    page = page_of(client.get("/?start=intranet"))
    assert page.count('<fieldset class="question"') == 1
    assert "Question 1 · At most" in page and "of 21" not in page
    assumptions = page[page.index('class="said"') :]
    assert "An internal tool or intranet: your answers" in assumptions
    assert "Accounts with roles, groups and permissions (assumed)" in text_of(assumptions)
    change = re.search(r'href="([^"]+)" class="said-change">Change<span[^>]*> “Do users', page)
    assert change and "ask=auth" in change[1]


def test_a_step_carries_the_answers_so_far_and_the_next_one_is_the_engines_pick(client):
    first = page_of(client.get("/?start=&project_size=small"))
    carried = hidden_inputs(first)
    assert carried == {"start": "", "project_size": "small"}
    asked = re.search(r'<input type="radio" name="([a-z_]+)"', first)[1]
    assert asked == "existing_code"  # the question most likely to settle it
    second = page_of(client.get(f"/?start=&project_size=small&{asked}=none"))
    assert "Question 3 · At most" in second
    assert hidden_inputs(second) == {"start": "", "project_size": "small", asked: "none"}


def test_not_sure_is_an_answer_and_that_question_is_not_asked_again(client):
    page = page_of(client.get("/?start=&existing_code=unsure"))
    assert 'name="existing_code" value="' not in page.split('class="step-side"')[0].replace(
        'type="hidden" name="existing_code"', ""
    )
    assert "Not sure" in page[page.index('class="said"') :]


def test_asking_for_a_question_shows_it_with_the_answer_given_checked(client):
    page = page_of(client.get("/?start=&auth=full&admin=yes&ask=auth"))
    assert 'value="full" id="id_auth_full" required checked' in page
    assert hidden_inputs(page) == {"start": "", "admin": "yes"}


def test_back_goes_to_the_step_before_the_last_answer(client):
    page = page_of(client.get("/?start=&auth=full&admin=yes"))
    back = re.search(r'<a class="step-back" href="([^"]+)">Back</a>', page)[1]
    assert dict(parse_qsl(urlsplit(back).query)) == {"auth": "full", "ask": "admin", "was": "yes"}


def test_htmx_gets_the_step_alone_with_its_title(client):
    response = client.get("/?start=blog", HTTP_HX_REQUEST="true")
    page = page_of(response)
    assert "<html" not in page and page.startswith("<title>")
    assert '<section class="step card"' in page


def test_htmx_steps_bring_the_language_switcher_with_the_answers_so_far(client):
    page = client.get("/?start=blog&project_size=small", HTTP_HX_REQUEST="true").content
    switcher = re.search(
        r'<nav class="languages" id="languages"[^>]*>.*?</nav>', page.decode(), re.S
    )
    assert switcher and 'hx-swap-oob="true"' in switcher[0]  # it replaces the page's own
    assert "/language/es/?next=/es/%3Fstart%3Dblog%26project_size%3Dsmall" in switcher[0]


@pytest.mark.django_db
def test_once_settled_it_says_so_in_one_line_and_offers_the_recommendation(client):
    answers = "start=intranet&existing_code=none&team_knows=django&architecture=monolith"
    page = page_of(client.get(f"/?{answers}"))
    assert re.search(r"Django, whatever you answer to the other \d+ questions\.", page)
    assert "No more questions needed." in page
    assert "<button" in page and "see my recommendation" in page
    saved = hidden_inputs(page)
    assert saved["start"] == "intranet" and saved["team_knows"] == "django"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post("/", {**saved, "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    link = Permalink.objects.get()
    assert link.start == "intranet" and link.result["recommendation"] == "django"
    result = page_of(client.get(response["Location"]))
    assert (
        "(assumed)" in text_of(result) and "started from “An internal tool or intranet”" in result
    )


#: A SaaS whose size and architecture are "Not sure": nothing left to ask can move it off
#: Django while those stay open, yet answering them, with questions not asked, could.
SETTLED_ON_NOT_SURE = {
    "start": "saas",
    "project_size": "unsure",
    "team_knows": "flask",
    "existing_code": "none",
    "content": "no",
    "api": "none",
    "architecture": "unsure",
}


@pytest.mark.django_db
def test_settled_on_not_sure_answers_says_a_change_needs_one_of_them_answered(client):
    answers = {q: c for q, c in SETTLED_ON_NOT_SURE.items() if q != "start"}
    result = score(get_rulebook(), answers, start="saas")
    assert result["outlook"]["settled"] and not result["outlook"]["holds"]
    page = text_of(page_of(client.get("/?" + urlencode(SETTLED_ON_NOT_SURE))))
    assert "Only an answer to a question you were not sure of could change the framework" in page
    assert "Django, unless you answer a question you were not sure of: then it could change." in (
        page
    )
    assert "whatever you answer" not in page and "The framework is settled" not in page
    link = client.post("/", SETTLED_ON_NOT_SURE)["Location"]
    pdf = PdfReader(io.BytesIO(client.get(link + "pdf").content))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert (
        "Not answered, since no answer to them could change the framework while the questions "
        "answered “Not sure” stay open:" in text
    )
    assert "could still change it" in text  # the open questions together


@pytest.mark.django_db
def test_submitting_nothing_stores_nothing_and_says_what_is_needed(client):
    for data in ({}, {"auth": "unsure", "admin": "unsure"}):
        response = client.post("/", data)
        assert response.status_code == 400
        assert "Answer at least one question" in page_of(response)
    assert Permalink.objects.count() == 0


def test_the_panel_names_no_side_before_there_is_evidence(client):
    page = page_of(client.get("/?start=&legacy_integration=no"))  # 1 point
    panel = page[page.index('id="panel"') :]
    assert "Too early to say" in panel and "Django" not in panel.split("</div>")[0]


def test_lean_and_clear_look_different_at_a_glance(client):
    lean = page_of(client.get("/?start=spa_api"))
    clear = page_of(client.get("/?start=intranet"))
    assert "badge badge-lean" in lean and "badge badge-clear" in clear


def test_a_tampered_step_falls_back_to_the_one_page_form_with_the_problem(client):
    response = client.get("/?auth=root&admin=yes")
    assert response.status_code == 400
    assert "Some answers could not be used" in page_of(response)


def test_a_step_is_made_once_for_everyone_who_asks_for_it(client, monkeypatch):
    from guide.web import views

    made = []
    real = views.interview_context
    monkeypatch.setattr(views, "interview_context", lambda *a, **k: made.append(1) or real(*a, **k))
    first = client.get("/?start=blog")
    again = Client().get("/?start=blog")  # another visitor
    assert again.content == first.content and len(made) == 1
    extra = Client().get("/?start=blog&utm_source=x")  # names no other step
    assert extra.content == first.content and len(made) == 1
    step = client.get("/?start=blog", HTTP_HX_REQUEST="true")  # the step alone: kept apart
    assert step.content != first.content and len(made) == 2
    assert "HX-Request" in first["Vary"] and "HX-Request" in again["Vary"]
    assert "Set-Cookie" not in again and "csrftoken" not in again.cookies


@pytest.mark.django_db
def test_a_step_with_a_form_to_send_is_made_for_each_visitor(client):
    answers = "start=intranet&existing_code=none&team_knows=django&architecture=monolith"
    tokens = set()
    for visitor in (Client(), Client()):
        page = page_of(visitor.get(f"/?{answers}"))
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1])
    assert len(tokens) == 2  # each visitor's own token, never another's


INTRANET = "start=intranet&team_knows=neither&project_size=medium"


def needs_screen(client, address):
    """The settled step at ``address``, and the "what else" screen its first action opens."""
    step = page_of(client.get(f"/?{address}"))
    first = re.search(r'<a class="button primary" href="([^"]+)">Next: what else it needs', step)
    assert first, "the settled step's first action is the 'what else' screen"
    return step, page_of(client.get(unescape(first[1])))


@pytest.mark.django_db
def test_once_settled_the_first_action_asks_every_need_left_on_one_screen(client):
    step, screen = needs_screen(client, INTRANET)
    result = score(
        get_rulebook(), {"team_knows": "neither", "project_size": "medium"}, start="intranet"
    )
    wanted = result["outlook"]["starter_questions"]
    assert wanted and "legacy_integration" in wanted and "api" in wanted
    assert re.findall(r'<fieldset class="question need"', screen).__len__() == len(wanted)
    for question in wanted:
        assert f'name="{question}"' in screen
    assert " checked" not in screen  # nothing picked for the person
    assert "nothing you answer here can change that" in screen
    # The starting point's assumptions are not asked again: they are listed, marked, each with
    # a way to change it (where the guide can say what that does to the framework).
    assert "(assumed)" in screen and "assumed some answers" in screen
    assert "Skip these: see my recommendation" in screen


@pytest.mark.django_db
def test_an_intranet_with_a_legacy_database_gets_the_existing_database_advice(client):
    _, screen = needs_screen(client, INTRANET)
    saved = hidden_inputs(screen)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', screen)[1]
    sent = {**saved, "csrfmiddlewaretoken": token, "legacy_integration": "yes"}
    response = client.post("/", sent)
    assert response.status_code == 303
    result = page_of(client.get(response["Location"]))
    assert "inspectdb" in result
    assert Permalink.objects.get().answers["legacy_integration"] == "yes"


def test_no_answer_on_the_needs_screen_can_change_the_framework():
    """Each question the screen asks, answered any way, alone and all together at random."""
    rulebook = get_rulebook()
    rng = random.Random(5)
    for start in [None, *[s.id for s in rulebook.starting_points]]:
        for _ in range(20):
            given = {}
            while True:
                result = score(rulebook, given, start=start)
                question = result["outlook"]["next_question"]
                if question is None:
                    break
                given[question] = rng.choice(rulebook.question(question).choice_ids)
            needs = result["outlook"]["starter_questions"]
            for question in needs:
                for choice in rulebook.question(question).choice_ids:
                    other = score(rulebook, {**given, question: choice}, start=start)
                    assert (
                        other["recommendation"] == result["recommendation"]
                        or not result["outlook"]["holds"]
                    )
            together = {q: rng.choice(rulebook.question(q).choice_ids) for q in needs}
            other = score(rulebook, {**given, **together}, start=start)
            if result["outlook"]["holds"]:
                assert other["recommendation"] == result["recommendation"]


def checked_radios(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'<input type="radio" name="([^"]+)" value="([^"]*)"[^>]* checked>', page)
    )


def back_link(page: str) -> str:
    return unescape(re.search(r'<a class="step-back" href="([^"]+)">Back</a>', page)[1])


def test_back_asks_the_last_question_again_with_its_answer_selected_and_not_counted(client):
    page = page_of(client.get("/?start=&project_size=small&existing_code=none"))
    back = back_link(page)
    assert dict(parse_qsl(urlsplit(back).query)) == {
        "project_size": "small",
        "ask": "existing_code",
        "was": "none",
    }
    again = page_of(client.get(back))
    assert checked_radios(again) == {"existing_code": "none"}
    assert hidden_inputs(again) == {"start": "", "project_size": "small"}
    assert "Question 2 · At most" in again
    assert "Does it extend an existing codebase?" not in again[again.index('class="said"') :]
    # Beside the selected answer, the step is the one first asked: the same panel, count,
    # answers carried and listed (the engine's state is the one the person sees).
    first_asked = page_of(client.get("/?start=&project_size=small"))
    assert again.replace(" required checked>", " required>") == first_asked


def test_back_from_the_first_question_selects_the_starting_point(client):
    for start, radio in (("intranet", "start_intranet"), ("", "start_none")):
        back = back_link(page_of(client.get(f"/?start={start}")))
        assert dict(parse_qsl(urlsplit(back).query, keep_blank_values=True)) == {"was": start}
        first = page_of(client.get(back))
        assert "What are you building?" in first
        assert re.findall(r'id="(start_[a-z_]+)" required checked', first) == [radio]


def test_an_address_that_was_not_given_by_back_selects_nothing(client):
    assert " checked" not in page_of(client.get("/?start=&was=none"))  # no question named
    assert checked_radios(page_of(client.get("/?start=&ask=auth&was=root"))) == {}


def change_link(page: str, prompt: str) -> str:
    """The address of the "Change" link beside the answer to the question ``prompt`` starts."""
    found = re.search(rf'href="([^"]+)" class="said-change">Change<span[^>]*> “{prompt}', page)
    return unescape(found[1])


def test_change_shows_an_assumed_answer_selected(client):
    page = page_of(client.get("/?start=intranet"))
    asked = page_of(client.get(change_link(page, "Do users")))
    assert checked_radios(asked) == {"auth": "full"}
    assert "Question 1 · At most" in asked


def test_change_shows_a_given_answer_selected_and_says_it_is_a_change(client):
    page = page_of(client.get("/?start=&project_size=small&existing_code=none"))
    asked = page_of(client.get(change_link(page, "How big")))
    assert checked_radios(asked) == {"project_size": "small"}
    assert "Changing an answer · At most" in asked
    assert "How big will the project get?" not in asked[asked.index('class="said"') :]


def review_form(page: str) -> list[tuple[str, str]]:
    """The review form's fields as the browser sends them: each select's selected value."""
    form = page[page.index('class="review-form"') : page.index("</form>")]
    fields = []
    for name, options in re.findall(
        r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', form, re.S
    ):
        fields.append((name, re.search(r'<option value="([^"]*)" selected>', options)[1]))
    return fields


def test_the_step_links_to_the_review_page_with_the_same_answers(client):
    page = page_of(client.get("/?start=intranet&team_knows=neither"))
    assert '<a href="/review/?start=intranet&team_knows=neither">Edit my answers</a>' in page


def test_the_review_page_lists_every_answer_given_or_assumed(client):
    page = page_of(client.get("/review/?start=intranet&team_knows=neither&project_size=unsure"))
    fields = dict(review_form(page))
    assert fields.pop("start") == "intranet"
    assert fields.pop("team_knows") == "neither" and fields.pop("project_size") == "unsure"
    intranet = next(s for s in get_rulebook().starting_points if s.id == "intranet")
    assert set(fields) == set(intranet.answers)  # the rest are the starting point's
    assert set(fields.values()) == {""}  # sent empty: an assumption left as it is stays one
    row = re.search(r'<li class="assumed">\s*<label for="review-auth">(.*?)</li>', page, re.S)
    assert row and "assumed" in text_of(row[1])
    assert "Accounts with roles, groups and permissions (assumed)" in row[1]
    assert "Not sure" in row[1]
    assert (
        '<a class="step-back" href="/?start=intranet&team_knows=neither&project_size=unsure">'
        in page
    )


def test_the_review_form_goes_back_to_the_interview_with_the_changes(client):
    page = page_of(client.get("/review/?start=intranet&team_knows=neither"))
    fields = [(k, "flask" if k == "team_knows" else v) for k, v in review_form(page)]
    sent = client.get(f"/?{urlencode(fields)}")  # as the browser sends the form
    assert sent.status_code == 302  # the address without the assumptions left empty
    assert sent["Location"] == "/?start=intranet&team_knows=flask"
    step = page_of(client.get(sent["Location"]))
    assert hidden_inputs(step)["team_knows"] == "flask"
    assert "auth" not in hidden_inputs(step)
    assert "Accounts with roles, groups and permissions (assumed)" in text_of(step)


def test_a_change_on_the_review_page_changes_the_result(client):
    before = page_of(client.get("/?start=intranet&team_knows=neither"))
    page = page_of(client.get("/review/?start=intranet&team_knows=neither"))
    fields = [(k, "ml_service" if k == "start" else v) for k, v in review_form(page)]
    sent = client.get(f"/?{urlencode(fields)}")
    after = page_of(client.get(sent["Location"]))
    leaning = re.compile(r'<p class="panel-leaning"><strong>([^<]+)</strong>')
    assert leaning.search(before)[1] == "Django" and leaning.search(after)[1] == "Flask"
    assert "A service around a machine-learning model: your answers" in after


def test_a_tampered_review_address_falls_back_to_the_one_page_form(client):
    response = client.get("/review/?auth=root")
    assert response.status_code == 400
    assert "Some answers could not be used" in page_of(response)
