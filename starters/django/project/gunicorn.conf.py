"""gunicorn's settings, read when `gunicorn` starts in this folder (as the Dockerfile's
CMD does).

It serves starter.wsgi on port PORT (8000 unless set) with WEB_CONCURRENCY worker
processes (2 unless set), and logs each request, as the site logs, in JSON lines on
standard output. Options given on the command line win over these.
"""

import os

from starter.settings import LOGGING

wsgi_app = "starter.wsgi:application"
bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# No control socket (gunicornc): a container is managed from outside, and its user has
# no home folder to keep one in.
control_socket_disable = True
# The site's logging, up to which gunicorn's own loggers (errors, one line a request)
# pass their records: gunicorn has them keep to themselves unless told.
logconfig_dict = LOGGING | {
    "loggers": {
        "gunicorn.error": {"level": "INFO", "propagate": True},
        "gunicorn.access": {"level": "INFO", "propagate": True},
    }
}
