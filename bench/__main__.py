"""Run every benchmark section, or the ones named: `python -m bench engine`."""

import os
import sys

import django

from . import attack, engine, http, interview, languages, load, pdf, rules, starter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The in-process sections (engine, pdf) run with production settings but need a key.
os.environ.setdefault("SECRET_KEY", "bench-" + "b" * 50)
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

SECTIONS = {
    "engine": engine.run,
    "interview": interview.run,
    "http": http.run,
    "languages": languages.run,
    "pdf": pdf.run,
    "rules": rules.run,
    "starter": starter.run,
}
#: Run only when named: `make load` needs PostgreSQL, Redis and wrk; `make load-attack` floods
#: `make serve`'s stack for 20 s.
EXTRA = {"load": load.run, "load-attack": attack.run}


def main(names: list[str]) -> None:
    django.setup()
    known = SECTIONS | EXTRA
    for name in names or list(SECTIONS):
        if name not in known:
            sys.exit(f"unknown section '{name}' (sections: {', '.join(known)})")
        known[name]()
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
