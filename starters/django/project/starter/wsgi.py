"""The WSGI application a production server runs, e.g. `gunicorn starter.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starter.settings")
application = get_wsgi_application()
