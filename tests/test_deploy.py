"""What deploy/ ships: the nginx configuration `make serve` fills in, and the systemd unit."""

import configparser
import contextlib
import importlib.util
import ipaddress
import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from guide.services.rulebook import get_rulebook

from .servers import free_port, require

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
    main, made = serve.nginx_conf(
        tmp_path, "127.0.0.1:8000", tmp_path / "a.sock", tmp_path / "b.sock"
    )
    return main + "\n" + made


def test_the_cache_fits_its_filesystem_and_leaves_room_free(tmp_path):
    serve = serve_module()
    stats = os.statvfs(tmp_path)
    free = stats.f_bavail * stats.f_frsize
    size, min_free = serve.cache_sizes(tmp_path, 10**15)  # more than any disk here
    assert 0 < size + min_free <= free
    assert serve.cache_sizes(tmp_path, 64 * serve.MIB)[0] == 64 * serve.MIB


def test_a_filesystem_with_no_room_gets_no_cache(tmp_path, monkeypatch):
    serve = serve_module()
    full = os.statvfs_result(
        (4096, 4096, 25_600, 100, 100, 0, 0, 0, 0, 255)
    )  # 100 MiB, 400 KiB free
    monkeypatch.setattr(serve.os, "statvfs", lambda _: full)
    assert serve.cache_sizes(tmp_path, 256 * serve.MIB)[0] == 0
    main, made = serve.nginx_conf(tmp_path, "127.0.0.1:8000", tmp_path / "a", tmp_path / "b")
    assert "proxy_cache off;" in made


def test_a_cache_size_must_be_a_size(tmp_path):
    serve = serve_module()
    assert serve.parse_size("256m") == 256 * serve.MIB and serve.parse_size("1g") == 1024**3
    with pytest.raises(SystemExit, match="SERVE_CACHE_SIZE"):
        serve.parse_size("lots")


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


def test_the_per_address_limit_of_renders_is_set_from_the_environment(monkeypatch, tmp_path):
    conf = nginx_conf(monkeypatch, tmp_path, SERVE_RENDER_RATE="5r/s", SERVE_RENDER_BURST="7")
    assert "rate=5r/s;" in conf and "burst=7 nodelay;" in conf
    with pytest.raises(SystemExit, match="SERVE_RENDER_RATE"):
        nginx_conf(monkeypatch, tmp_path, SERVE_RENDER_RATE="5r/s; evil")


def test_the_per_address_limit_of_everything_else_is_set_from_the_environment(
    monkeypatch, tmp_path
):
    conf = nginx_conf(monkeypatch, tmp_path, SERVE_CLIENT_RATE="50r/s", SERVE_CLIENT_BURST="120")
    assert "zone=app:10m rate=50r/s;" in conf and "zone=app burst=120 nodelay;" in conf
    with pytest.raises(SystemExit, match="SERVE_CLIENT_BURST"):
        nginx_conf(monkeypatch, tmp_path, SERVE_CLIENT_BURST="9 nodelay; evil")


def test_a_systemd_timer_deletes_idle_team_rooms_daily():
    units = {}
    for name in ("guide-rooms.service", "guide-rooms.timer"):
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str
        unit.read(ROOT / "deploy" / name)
        units[name] = unit
    command = units["guide-rooms.service"]["Service"]["ExecStart"].split()
    assert command[1:3] == ["manage.py", "delete_idle_rooms"]
    assert command[-2:] == ["--days", "90"]
    assert units["guide-rooms.timer"]["Timer"]["OnCalendar"] == "daily"
    assert units["guide-rooms.timer"]["Timer"]["Persistent"] == "true"


def nginx_line(message: str, client: str = "203.0.113.7") -> str:
    return (
        f"2026/12/07 19:00:00 [warn] 12#12: *{len(message)} {message}, client: {client}, "
        'server: , request: "GET /r/x/ HTTP/1.1", host: "guide.example"'
    )


def test_nginx_lines_about_clients_are_ten_a_minute_of_each_kind_and_say_what_they_left_out():
    lines = serve_module().ClientLines()
    limited = [
        lines.admit(nginx_line(f'limiting requests, excess: {n}.5 by zone "renders"'), 5.0)
        for n in range(300)
    ]
    assert sum(line is not None for line in limited) == 10
    too_large = lines.admit(nginx_line("client intended to send too large body: 70000 bytes"), 6.0)
    assert too_large is not None  # another kind has its own ten
    later = lines.admit(nginx_line('limiting requests, excess: 1.5 by zone "renders"'), 65.0)
    assert later is not None and later.endswith("(and 290 more like it, not logged)")


def test_every_kind_of_nginx_line_is_bounded_and_none_is_dropped_unsaid():
    serve = serve_module()
    lines = serve.ClientLines()
    own = "2026/12/07 19:00:00 [alert] 12#12: 65536 worker_connections are not enough"
    assert sum(lines.admit(own, 1.0) == own for _ in range(50)) == 10
    started = 'nginx: [warn] the "user" directive makes sense only if the master runs as root'
    assert lines.admit(started, 1.0) == started  # not a line of the error log's own shape
    paths = [lines.admit(nginx_line(f'open() "/x/{n}" failed'), 1.0) for n in range(500)]
    assert sum(line is not None for line in paths) == 10  # one kind, whatever the path
    letters = ["".join(chr(97 + int(d)) for d in str(n)) for n in range(5000)]  # no digits
    invented = [lines.admit(nginx_line(f"made-up kind {w}"), 2.0) for w in letters]
    assert sum(line is not None for line in invented) <= 10 + lines.throttle.kinds
    huge = [lines.admit(nginx_line("b" * 10_000, client="198.51.100.9"), 3.0) for _ in range(50)]
    assert sum(line is not None for line in huge) <= 10
    assert all(len(line) <= serve.LONGEST_LINE + 60 for line in huge if line)
    lines = serve.ClientLines()  # (the kinds above fill the one before)
    upstream = nginx_line("connect() failed (111: refused) while connecting to upstream")
    said = [lines.admit(upstream, 4.0) for _ in range(30)]
    assert said[:10] == [upstream] * 10 and said[10:] == [None] * 20
    again = lines.admit(upstream, 65.0)
    assert again is not None and again.endswith("(and 20 more like it, not logged)")


@pytest.fixture
def client_key(tmp_path):
    """nginx with deploy/clients.conf, taking the client's address from a header (as its
    realip module does behind a balancer) and answering the key its limits count it by."""
    nginx = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin")
    require("nginx", nginx is not None)
    port = free_port()
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""
        pid {tmp_path}/nginx.pid;
        error_log stderr;
        events {{}}
        http {{
            access_log off;
            client_body_temp_path {tmp_path}/body;
            proxy_temp_path {tmp_path}/proxy;
            fastcgi_temp_path {tmp_path}/fastcgi;
            uwsgi_temp_path {tmp_path}/uwsgi;
            scgi_temp_path {tmp_path}/scgi;
            include "{ROOT}/deploy/clients.conf";
            server {{
                listen 127.0.0.1:{port};
                set_real_ip_from 127.0.0.1;
                real_ip_header X-Client-Address;
                location / {{ return 200 "$client"; }}
            }}
        }}
        """
    )
    process = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    session = requests.Session()

    def key(address: str) -> str:
        return session.get(
            f"http://127.0.0.1:{port}/", headers={"X-Client-Address": address}, timeout=5
        ).text

    try:
        for _ in range(100):
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            with contextlib.suppress(requests.ConnectionError):
                key("2001:db8::1")
                break
            time.sleep(0.05)
        yield key
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_nginx_counts_an_ipv6_client_by_its_64_whichever_address_of_it_asks(client_key):
    """Checked against Python's own reading of 2,000 addresses whose groups are zero half the
    time, so that "::" stands in every place it can."""
    rng = random.Random(64)
    for _ in range(2000):
        groups = [rng.choice((0, 1, 0xFFFF, rng.randrange(1, 0x10000))) for _ in range(8)]
        groups = [g if rng.random() < 0.5 else 0 for g in groups]
        address = ipaddress.IPv6Address(sum(g << (16 * (7 - i)) for i, g in enumerate(groups)))
        if address.ipv4_mapped:  # an IPv4 client on a socket that takes both is that client
            expected = str(address.ipv4_mapped)
        else:
            expected = ":".join(f"{g:x}" for g in groups[:4])
        assert client_key(str(address)) == expected, (str(address), groups)


def test_nginx_tells_the_64s_apart_and_counts_an_ipv4_client_by_its_address(client_key):
    assert client_key("2001:db8:1::1") != client_key("2001:db8:2::1")
    assert client_key("2001:db8::1:0:0:1") == client_key("2001:db8::ffff:ffff:ffff:ffff")
    assert client_key("203.0.113.7") != client_key("203.0.113.8")
    assert client_key("::ffff:203.0.113.7") == "203.0.113.7"
