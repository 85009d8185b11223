#!/usr/bin/env python
"""Django's command line for this project: `python manage.py help` lists it."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starter.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
