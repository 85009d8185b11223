from pathlib import Path

import pytest

from guide.rules import get_rulebook

QUESTIONS = Path(__file__).resolve().parents[1] / "questions.yaml"


@pytest.fixture
def broken_questions(tmp_path, settings):
    """Point the guide at a questions.yaml with an unknown criterion in it."""
    text = QUESTIONS.read_text().replace("effects: {raw_speed: {flask: 3}}",
                                         "effects: {warp_speed: {flask: 3}}")
    assert "warp_speed" in text
    path = tmp_path / "questions.yaml"
    path.write_text(text)
    settings.GUIDE_QUESTIONS_FILE = path
    get_rulebook.cache_clear()
    yield path
    get_rulebook.cache_clear()
