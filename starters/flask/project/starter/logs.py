"""Logs on standard output, one JSON object a line in production (python-json-logger),
for whatever collects a container's output; plain lines in debug, to read them yourself.
gunicorn.conf.py sends gunicorn's own logs (one a request) the same way."""

import logging.config
from typing import Any

FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def settings(*, debug: bool) -> dict[str, Any]:
    """The logging configuration, for logging.config.dictConfig."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": FIELDS},
            "plain": {"format": FIELDS},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "plain" if debug else "json",
            }
        },
        "root": {"level": "INFO", "handlers": ["stdout"]},
    }


def configure(*, debug: bool) -> None:
    logging.config.dictConfig(settings(debug=debug))
