"""What a client's mistake writes to the log: one short line, no traceback, and at most
PER_MINUTE such lines a minute for each kind (a bad Host header, too many parameters, a 404 or
a 405 ...), so no client can fill the log or bury the site's own errors in it. The site's own
failures (5xx) are left as they are, traceback and all."""

from __future__ import annotations

import logging
import re
import threading
import time

#: Lines one kind of client error may write in a minute; the rest are counted, and the next
#: line that is written says how many there were.
PER_MINUTE = 10
#: The longest message such a line keeps.
LONGEST = 200


class Throttle:
    """At most ``per_minute`` lines of each kind a minute; the others are counted, and the
    next line let through learns how many there were. At most ``kinds`` kinds are told apart
    (past that, every new one counts as one), so no client can grow it without bound."""

    def __init__(self, per_minute: int = PER_MINUTE, kinds: int = 100) -> None:
        self.per_minute, self.kinds = per_minute, kinds
        self._lock = threading.Lock()
        self._window: dict[str, tuple[float, int, int]] = {}  # kind -> (start, written, dropped)

    def admit(self, kind: str, now: float) -> int | None:
        """None if a line of ``kind`` is to be left out now; else how many were left out
        before it."""
        with self._lock:
            if kind not in self._window and len(self._window) >= self.kinds:
                # Kinds whose minute is over and which left nothing out are forgotten first.
                self._window = {k: w for k, w in self._window.items() if now - w[0] < 60 or w[2]}
            if kind not in self._window and len(self._window) >= self.kinds:
                kind = "\0other"
            start, written, dropped = self._window.get(kind, (now, 0, 0))
            if now - start >= 60:
                start, written = now, 0
            if written >= self.per_minute:
                self._window[kind] = (start, written, dropped + 1)
                return None
            self._window[kind] = (start, written + 1, 0)
            return dropped

    def line(self, kind: str, text: str, now: float) -> str | None:
        """``text`` as it is to be written for a line of ``kind`` (saying how many like it
        were left out before it), or None to leave it out."""
        dropped = self.admit(kind, now)
        if dropped is None:
            return None
        return f"{text} (and {dropped} more like it, not logged)" if dropped else text


class ClientErrors(logging.Filter):
    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._throttle = Throttle()

    def filter(self, record: logging.LogRecord) -> bool:
        if not _by_client(record):
            return True
        request = getattr(record, "request", None)
        if request is not None:
            # Django says a refused request twice (django.security, then django.request's
            # "Bad Request"): once is enough.
            if getattr(request, "_refusal_logged", False):
                return False
            request._refusal_logged = True
        message = " ".join(record.getMessage().split())[:LONGEST]
        said = self._throttle.line(record.name, message, time.monotonic())
        if said is None:
            return False
        record.msg, record.args = said, ()
        record.exc_info = record.exc_text = record.stack_info = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        if request is not None:  # the JSON formatter would write it out whole
            record.request = f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}"[
                :LONGEST
            ]
        return True


class GunicornRefusals(logging.Filter):
    """gunicorn's warning for each request it refuses itself ("Invalid request from ip=...:
    Invalid HTTP Header ..."), on its error log: at most PER_MINUTE lines a minute of each
    kind, then how many were left out, as for the guide's own refusals (gunicorn.conf.py)."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._throttle = Throttle()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith("Invalid request from"):
            return True
        kind = re.sub(r"'[^']*'|\d+", "_", message.partition(": ")[2])[:LONGEST]
        said = self._throttle.line(kind, " ".join(message.split())[:LONGEST], time.monotonic())
        if said is None:
            return False
        record.msg, record.args = said, ()
        return True


def _by_client(record: logging.LogRecord) -> bool:
    """A refusal of what a client sent: Django's security warnings (a bad Host header, too
    many fields, a suspicious file name ...) and 4xx answers."""
    if record.name.startswith("django.security"):
        return True
    status = getattr(record, "status_code", None)
    return record.name == "django.request" and isinstance(status, int) and status < 500
