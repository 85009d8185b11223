import io
import random
import re
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from guide.services import permalinks
from guide.services.rulebook import get_rulebook
from guide.wording.numbers import points
from guide.wording.sentences import tell


def test_points_have_one_decimal_no_sign_and_halves_rounded_up():
    assert points(1.25) == "1.3"
    assert points(-3) == "3.0"
    assert points(4.5) == "4.5"


# -- one story on every surface -----------------------------------------------------------


def plain(text: str) -> str:
    """Text as a person reads it: tags gone, entities decoded, white space folded."""
    text = re.sub(r"(?s)<(script|style|title|desc)[^>]*>.*?</\1>", " ", text)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def surfaces(client, answers: dict[str, str]) -> dict[str, str]:
    """What the results page, the PDF summary, the terminal and the live panel say."""
    url = client.post("/", answers)["Location"]
    out = StringIO()
    call_command("recommend", *(f"{q}={c}" for q, c in answers.items()), stdout=out)
    pdf = PdfReader(io.BytesIO(client.get(url + "pdf").content))
    return {
        "page": plain(client.get(url).content.decode()),
        # A word broken at its hyphen at the end of a line ("toss- up") is read whole.
        "pdf": re.sub(
            r"(\w)- (\w)", r"\1-\2", " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
        ),
        "terminal": " ".join(out.getvalue().split()),
        "panel": plain(client.get("/all/", answers, HTTP_HX_REQUEST="true").content.decode()),
    }


@pytest.mark.django_db
def test_page_pdf_and_terminal_tell_each_result_in_the_same_sentences(client):
    rulebook = get_rulebook()
    rng = random.Random(20261123)
    profiles = [
        {"admin": "yes"},  # too little to go on
        {"database": "relational", "admin": "no", "legacy_integration": "no"},  # a close call
    ]
    for _ in range(10):
        profiles.append(
            {q.id: rng.choice(q.choice_ids) for q in rulebook.questions if rng.random() < 0.6}
        )
    for answers in profiles:
        told = tell(permalinks.result_for(answers))
        sentences = [
            told.standing,
            told.headline,
            told.outlook_status,
            told.outlook_range,
            *told.flips,
        ]
        sentences += [told.close_note] if told.close_note else []
        seen = surfaces(client, answers)
        for sentence in filter(None, sentences):
            for surface in ("page", "pdf", "terminal"):
                assert sentence in seen[surface], (surface, sentence, answers)
        for _, given, credit in told.reasons:  # the page adds "points" for screen readers
            assert f"{given} points {credit}" in seen["page"], (given, credit)
            assert f"{given} {credit}" in seen["pdf"] and f"{given} {credit}" in seen["terminal"]
        for sentence in (told.panel_outlook, told.panel_status):
            assert sentence in seen["panel"], (sentence, answers)
