"""The test settings: the real settings, read with a test environment.

Set through os.environ (not assigned here) so that subprocesses the tests start (manage.py,
gunicorn) see the same environment.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 50)
os.environ.setdefault("SECURE_HTTPS", "0")  # the live server and test client speak plain HTTP
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)  # no manifest
os.environ.setdefault("RATELIMIT_PERMALINKS", "1000/m")  # rate-limit tests set their own
os.environ.setdefault("RATELIMIT_PDF", "1000/m")
os.environ.setdefault("RATELIMIT_STARTER", "1000/m")
os.environ.setdefault("RATELIMIT_PAGES", "1000/m")
os.environ.setdefault("RATELIMIT_TEAMS", "1000/m")
os.environ.setdefault("RATELIMIT_TEAM_ANSWERS", "1000/m")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SITE_URL", "http://testserver")  # the test client's host
# One process, nothing kept between runs (the PostgreSQL run sets CACHE_URL to Redis).
os.environ.setdefault("CACHE_URL", "locmemcache://")

from config.settings import *  # noqa: E402, F403

# Serve static files through the finders: tests never run collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
