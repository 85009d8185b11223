# One way to run things. Each target builds the virtual environment it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test bench load lint clean

$(VENV)/.installed: pyproject.toml | .env
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# This checkout's own settings: a random SECRET_KEY, so manage.py works here. Never committed.
.env:
	printf 'SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

## run: install, migrate the SQLite default and serve the guide on http://127.0.0.1:8000
run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## serve: the production-like stack on plain-HTTP loopback: collectstatic, migrate, gunicorn.
## Uses SECRET_KEY from the environment, or a fresh random one for this run.
serve: $(VENV)/.installed
	export SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  SECURE_HTTPS="$${SECURE_HTTPS:-0}" PORT=$(PORT); \
	$(PY) manage.py collectstatic --noinput -v0 && \
	$(PY) manage.py migrate --noinput && \
	$(VENV)/bin/gunicorn -c gunicorn.conf.py guide.wsgi

## test: install with the dev extras, lint, and run the whole suite
test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py check
	$(PY) -m pytest

## bench: print timings and ratios (not a test: figures vary with the machine)
bench: $(VENV)/.installed
	$(PY) -m bench

## load: the load test against gunicorn on PostgreSQL and Redis (see docs/benchmarks.md)
load: $(VENV)/.installed
	$(PY) -m bench load

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
