import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from guide.services.rulebook import get_rulebook


def test_the_rulebook_is_loaded_once_per_process():
    assert get_rulebook() is get_rulebook()


def test_check_passes_with_the_real_questions_file():
    call_command("check")


def test_check_fails_with_the_loaders_message_on_a_broken_file(broken_questions):
    with pytest.raises(SystemCheckError) as caught:
        call_command("check")
    message = str(caught.value)
    assert "guide.E001" in message
    assert f"{broken_questions}:" in message
    assert "unknown key 'warp_speed'" in message
    assert "questions[" in message and ".effects.warp_speed" in message
