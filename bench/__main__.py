"""Run every benchmark section, or the ones named: `python -m bench engine`."""

import os
import sys

import django

from . import engine, http, pdf

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guide.settings")

SECTIONS = {"engine": engine.run, "http": http.run, "pdf": pdf.run}


def main(names: list[str]) -> None:
    django.setup()
    for name in names or list(SECTIONS):
        if name not in SECTIONS:
            sys.exit(f"unknown section '{name}' (sections: {', '.join(SECTIONS)})")
        SECTIONS[name]()
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
