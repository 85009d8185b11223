"""Static files in production: WhiteNoise serves compressed files under content-hashed names."""

import re
import subprocess
import sys

import requests

from .servers import ROOT, Server, production_env


def test_static_files_are_served_hashed_compressed_and_cached_for_good(tmp_path):
    env = production_env(STATIC_ROOT=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db")
    del env["STATICFILES_BACKEND"]  # the production default: WhiteNoise's manifest storage
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    server = Server(env).start()
    try:
        page = requests.get(server.url + "/", timeout=10).text
        css = re.search(r'href="(/static/guide/guide\.[0-9a-f]{12}\.css)"', page)
        assert css, "the stylesheet is not linked under a hashed name"
        script = re.search(
            r'src="(/static/vendor/htmx-2\.0\.11/htmx\.min\.[0-9a-f]{12}\.js)"', page
        )
        assert script
        response = requests.get(
            server.url + css.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10
        )
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
    finally:
        server.stop()
