# One way to run things. Each target builds the virtual environment it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: messages run serve test test-starters rules-impact check typecheck format lint lock starter-locks starters-release bench load load-attack clean

# Everything comes from the lock file (exact versions and hashes of the whole tree), then the
# project itself without touching its dependencies.
$(VENV)/.installed: pyproject.toml requirements-dev.lock | .env
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# This checkout's own settings: a random SECRET_KEY, so manage.py works here. Never committed.
.env:
	printf 'SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

# The interface's translations (locale/<language>/LC_MESSAGES/django.po), compiled for
# gettext with GNU msgfmt (Debian's gettext); the .mo files are built, never committed.
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
%.mo: %.po
	msgfmt --check -o $@ $<
messages: $(MESSAGES)

## run: install, migrate the SQLite default and serve the guide on http://127.0.0.1:8000
run: $(VENV)/.installed messages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py count_decisions
	DEBUG=1 $(PY) manage.py publish_starters
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## serve: the production-like stack on plain-HTTP loopback: collectstatic, migrate, then nginx
## (Debian's nginx-light) in front of gunicorn on a Unix socket (deploy/serve.py).
## Uses SECRET_KEY from the environment, or a fresh random one for this run; RELEASE is the commit.
serve: $(VENV)/.installed messages
	export SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  RELEASE="$${RELEASE:-$$(git describe --always --dirty 2>/dev/null || echo dev)}" \
	  SECURE_HTTPS="$${SECURE_HTTPS:-0}" PORT=$(PORT); \
	$(PY) manage.py collectstatic --noinput -v0 && \
	$(PY) manage.py publish_starters && \
	DATABASE_QUERY_TIMEOUT=600 $(PY) manage.py migrate --noinput && \
	$(PY) deploy/serve.py

## test: the habits (format, lint, types, migrations, system checks), then the whole suite
test: check messages
	$(PY) -m pytest

## test-starters: generate the starter projects (both frameworks, all features and none),
## install each in a fresh venv and run its own tests, as a person following its README would
test-starters: $(VENV)/.installed
	$(PY) -m pytest -m starter_projects

## rules-impact: replay the permalink fixtures under the previous and the current questions.yaml
## (the last two versions git has) and print how many verdicts change, with examples
rules-impact: $(VENV)/.installed
	@previous=$$(git log -n 2 --format=%H -- questions.yaml | sed -n 2p); \
	if [ -z "$$previous" ]; then echo "questions.yaml has no earlier version"; exit 0; fi; \
	git show "$$previous:questions.yaml" > .rules-before.yaml && \
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py rules_impact .rules-before.yaml \
	  questions.yaml --fixture tests/fixtures/permalinks.json; status=$$?; \
	rm -f .rules-before.yaml; exit $$status

## check: everything but the suite: quick, and what a pre-commit hook runs
check: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py check

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

## format: rewrite the code in ruff format's style and apply ruff's safe fixes
format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## lock: resolve pyproject.toml's pins into the two lock files (run after changing a pin)
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 \
	  -q --custom-compile-command "make lock" -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
	  --python-version 3.11 -q --custom-compile-command "make lock" -o requirements-dev.lock

## starter-locks: resolve the starter templates' pins (starters/*/project/requirements*.txt.jinja)
## into starters/<framework>/requirements.lock, with uv, and write them as the template's table
## (starters/shared/locks.jinja); run after changing a starter's pin
starter-locks: $(VENV)/.installed
	$(PY) -m guide.starters.locks

## starters-release: after adding a version at the top of starters/CHANGELOG.md, put it into
## deploy/starters.bundle (every released version of the template) and commit the bundle
starters-release: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py publish_starters --release

## bench: print timings and ratios (not a test: figures vary with the machine)
bench: $(VENV)/.installed messages
	$(PY) -m bench

## load: the load test against gunicorn on PostgreSQL and Redis (see docs/benchmarks.md)
load: $(VENV)/.installed
	$(PY) -m bench load

## load-attack: `make serve`'s stack under a flood of uncached renders from many addresses,
## each within its limits; prints a visitor's p95 with and without it (docs/benchmarks.md)
load-attack: $(VENV)/.installed
	$(PY) -m bench load-attack

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
