"""A message translated where it is shown, typed as the text it stands for."""

from typing import cast

from django.utils.translation import gettext_lazy as django_gettext_lazy


def gettext_lazy(message: str) -> str:
    """Django's ``gettext_lazy``, typed as ``str``: a module's constant (a refusal, a
    message) is worded in the language active where it is read. makemessages finds the
    messages by this name."""
    return cast(str, django_gettext_lazy(message))
