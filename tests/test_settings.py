"""Production configuration: settings from the environment, the deploy check, headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from weasyprint.text import ffi as weasyprint_ffi

from guide.pdf import check_font_subsetter, has_font_subsetter

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "SECURE_HTTPS",
            "STATICFILES_BACKEND",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SITE_URL",
            "RELEASE",
        }
    }
    environment["ENV_FILE"] = "/nonexistent/.env"  # this checkout's .env must not help
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_secret_key_start_up_fails_with_a_clear_message():
    run = manage("check")
    assert run.returncode != 0
    assert "SECRET_KEY is not set" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_short_secret_key_is_refused():
    run = manage("check", SECRET_KEY="short")
    assert run.returncode != 0
    assert "too short" in run.stderr


def test_the_deploy_check_passes_with_production_settings():
    run = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="guide.example",
        RELEASE="0123abc",  # with CACHE_URL set (CI's Redis run), W003 asks for it
    )
    if not has_font_subsetter() and not os.environ.get("CI"):
        # A machine without libharfbuzz-subset: the only issue is the slow PDF renders.
        assert "guide.W001" in run.stderr and "System check identified 1 issue" in run.stderr
        return
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout


def test_the_deploy_check_asks_for_a_release_when_the_cache_is_shared():
    run = manage(
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="guide.example",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert "guide.W003" in run.stderr
    assert "RELEASE=$(git rev-parse --short HEAD)" in run.stderr


@pytest.mark.parametrize(
    "site_url, hosts",
    [
        ("http://guide.example", "guide.example"),
        ("https://elsewhere.example", "guide.example"),
        ("https://evil.example:8443", "guide.example"),
        ("", ".guide.example"),  # the default, from a wildcard: https://.guide.example
        ("", "*"),
    ],
)
def test_the_deploy_check_warns_when_share_links_would_point_elsewhere(site_url, hosts):
    env = {"SITE_URL": site_url} if site_url else {}
    run = manage(
        "check", "--deploy", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=hosts, **env
    )
    assert "guide.W002" in run.stderr and (site_url or hosts) in run.stderr


def test_the_deploy_check_warns_when_pdf_renders_would_be_slow(monkeypatch):
    monkeypatch.setattr(weasyprint_ffi, "harfbuzz_subset", None)
    (warning,) = check_font_subsetter(None)
    assert warning.id == "guide.W001"
    assert "twice as slow" in warning.msg and "libharfbuzz-subset0" in warning.hint


@pytest.fixture
def production(settings):
    """The security settings production runs with (HTTPS behind a TLS-terminating proxy)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    return Client()


def test_plain_http_is_redirected_to_https(production):
    response = production.get("/?auth=full")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/?auth=full"


def test_the_proxys_forwarded_proto_is_trusted(production):
    response = production.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_security_headers_are_sent(production):
    response = production.get("/all/", HTTP_X_FORWARDED_PROTO="https")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"]


def test_pages_use_no_inline_script_or_style(client):
    page = client.get("/all/").content.decode()
    assert "<script>" not in page and " style=" not in page and "<style" not in page


@pytest.mark.django_db
def test_the_load_balancer_probe_is_not_redirected(production):
    assert production.get("/healthz").status_code == 200
