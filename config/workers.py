"""gunicorn's workers (gunicorn.conf.py's worker_class), which answer the requests gunicorn
refuses itself (a header value with a control character, a request line past its limit...) the
way nginx answers its own refusals (deploy/nginx.conf): one short sentence, as JSON under /api/
or wherever gunicorn did not keep the address (a request line too long to read, a control
character in a header, a transfer coding it does not take), as plain text elsewhere.
gunicorn's own answer is an HTML page, which no client of the API can read.

gunicorn has no setting for that page: its workers' handle_error() logs the refusal and writes
the page with gunicorn.util.write_error(). The workers here note which address was asked for
while their handle_error() runs, and write_refusal() takes the place of write_error()."""

from __future__ import annotations

import json
import threading
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker as _ThreadWorker
from gunicorn.workers.sync import SyncWorker as _SyncWorker

#: What each status gunicorn refuses with says (nginx's words for the same refusals).
SAYS = {
    400: "The request is malformed: its request line or a header cannot be read.",
    403: "Not allowed.",
    414: "The address is too long.",
    417: "The guide does not take that Expect header.",
    431: "The request's headers are too large.",
    501: "The request uses an HTTP feature the guide does not take.",
}
#: What a failure of gunicorn's own (a 500 outside Django's handling) says.
FAILED = "The guide could not answer this request."

_asked = threading.local()


def as_json(path: str | None) -> bool:
    """Whether a refusal of a request for ``path`` is JSON: under /api/, or when gunicorn
    did not keep the address (None)."""
    return path is None or path == "/api" or path.startswith("/api/")


def refusal(status: int, reason: str, path: str | None, method: str | None = None) -> bytes:
    """The whole answer (status line, headers, body) to a request gunicorn refused; a HEAD's
    without its body."""
    says = SAYS.get(status, FAILED if status >= 500 else SAYS[400])
    if as_json(path):
        body, content_type = json.dumps({"detail": says}) + "\n", "application/json"
    else:
        body, content_type = says + "\n", "text/plain; charset=utf-8"
    head = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body.encode())}",
        "Cache-Control: no-store",
        "X-Content-Type-Options: nosniff",
    ]
    return ("\r\n".join(head) + "\r\n\r\n" + ("" if method == "HEAD" else body)).encode()


def write_refusal(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's place: ``mesg`` (gunicorn's reason, which may quote what
    the client sent) is logged by gunicorn, never sent back."""
    path, method = getattr(_asked, "request", (None, None))
    util.write_nonblock(sock, refusal(status_int, reason, path, method))


class _Refusals:
    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        # A header gunicorn cannot take comes with the request as far as it was read.
        asked = req if req is not None else getattr(exc, "req", None)
        path, method = getattr(asked, "path", None), getattr(asked, "method", None)
        _asked.request = (path, method) if isinstance(path, str) else (None, None)
        try:
            super().handle_error(req, client, addr, exc)  # type: ignore[misc]
        finally:
            _asked.request = (None, None)


class ThreadWorker(_Refusals, _ThreadWorker):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn's gthread worker, refusing in the guide's words."""


class SyncWorker(_Refusals, _SyncWorker):  # type: ignore[misc]
    """gunicorn's sync worker, refusing in the guide's words."""


util.write_error = write_refusal
