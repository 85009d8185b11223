"""What deploy/ ships: the nginx configuration `make serve` fills in, and the systemd unit."""

import configparser
import importlib.util
from pathlib import Path

import pytest

from guide.services.rulebook import get_rulebook

ROOT = Path(__file__).resolve().parents[1]


def serve_module():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "deploy" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nginx_conf(monkeypatch, tmp_path, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    serve = serve_module()
    return serve.nginx_conf(tmp_path, "127.0.0.1:8000", tmp_path / "a.sock", tmp_path / "b.sock")


def test_nginx_keys_what_it_keeps_by_the_rules_and_the_release(monkeypatch, tmp_path):
    conf = nginx_conf(monkeypatch, tmp_path, RELEASE="1a2b3c4")
    key = next(line for line in conf.splitlines() if "proxy_cache_key" in line)
    assert get_rulebook().version in key and "1a2b3c4" in key


def test_new_rules_change_nginx_s_key(monkeypatch, tmp_path):
    changed = tmp_path / "questions.yaml"
    changed.write_bytes((ROOT / "questions.yaml").read_bytes() + b"\n# a change\n")
    conf = nginx_conf(monkeypatch, tmp_path, GUIDE_QUESTIONS_FILE=str(changed))
    key = next(line for line in conf.splitlines() if "proxy_cache_key" in line)
    assert get_rulebook().version not in key


def test_a_release_name_cannot_break_the_nginx_configuration(monkeypatch, tmp_path):
    conf = nginx_conf(monkeypatch, tmp_path, RELEASE='v1"; evil on; #')
    key = next(line for line in conf.splitlines() if "proxy_cache_key" in line)
    assert key.count('"') == 2 and key.count(";") == 1 and key.rstrip().endswith('";')


def test_an_address_that_is_not_one_word_is_refused(monkeypatch, tmp_path):
    serve = serve_module()
    with pytest.raises(SystemExit, match="BIND"):
        serve.nginx_conf(tmp_path, "127.0.0.1:80; evil", tmp_path / "a", tmp_path / "b")


def test_the_systemd_unit_stops_serve_py_alone_and_then_kills_what_is_left():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "deploy" / "guide.service")
    service = unit["Service"]
    assert service["ExecStart"].endswith("deploy/serve.py")
    assert service["KillMode"] == "mixed"
    assert int(service["TimeoutStopSec"]) > 15 + 10  # serve.py's wait, gunicorn's grace
