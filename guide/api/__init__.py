"""The guide as a JSON API for programs (django-ninja), mounted at /api/.

    GET  /api/guide                      the questions, options and criteria
    POST /api/recommend                  score answers; stores nothing
    POST /api/recommendations            score answers and store (or reuse) a permalink
    GET  /api/recommendations/{slug}     a stored permalink
    POST /api/teams                      a team room (and the organizer's secret)
         /api/teams/{slug}/...           its members, settling, recording (guide/api/teams.py)
    GET  /api/openapi.json               the OpenAPI document

``routes`` holds the operations (thin, like the HTML views: the service in guide.services.permalinks
does the work), ``schemas`` the request and response types (a result's is the engine's
Snapshot itself), ``teams`` the team rooms' operations, ``errors`` the handlers that make
every refusal JSON.
"""

from . import teams  # noqa: F401 (registers the team rooms' operations)
from .routes import api, install_fallbacks

install_fallbacks()

__all__ = ["api"]
