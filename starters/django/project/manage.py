#!/usr/bin/env python
"""Django's command line for this project: `python manage.py help` lists it."""

import importlib
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starter.settings")
    # The settings first: then a variable production needs and lacks stops every command
    # with its own message. (Django's command line sets that error aside, and may fail
    # later on something else, such as "Models aren't loaded yet".)
    importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
