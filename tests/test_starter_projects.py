"""The starters as their users meet them: written out, installed into a fresh virtual
environment as their README says, tested with their own suite, checked by their own CI
workflow's linters and type checker, started and asked for their home page; and the
projects with every feature rehearsed for production as their Dockerfile and compose.yaml
say, under gunicorn, with the settings .env.example documents.

Slow (minutes, most of it pip; a warm pip cache helps) and it needs the package index:
marked ``starter_projects``. Anything that cannot run fails; nothing here skips.
"""

import io
import itertools
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml

from guide.starters.generator import FEATURES, LOCK_NAME, STARTERS, StarterSpec, write_tree

pytestmark = pytest.mark.starter_projects

EVERY_FEATURE = frozenset(FEATURES)  # orm wins over nosql
ON_MONGODB = EVERY_FEATURE - {"orm"}
CASES = {
    f"{framework}-{name}": StarterSpec(framework, features)
    for framework in ("flask", "django")
    for name, features in [("all", EVERY_FEATURE), ("all-on-mongodb", ON_MONGODB), ("none", ())]
}
#: What the projects may see of this process's environment: the guide's own settings
#: (DJANGO_SETTINGS_MODULE, DATABASE_URL, SECRET_KEY, ...) must not leak into them.
PASSED_ON = {"HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR"}
PROXIES = {"http_proxy", "https_proxy", "no_proxy"}
#: "Run it" commands that ask for a password: making an account is the tests' job.
ASKS = ("createsuperuser", "create-user")
#: The address the client connects from, as a proxy in front of the app would report it.
CLIENT = "203.0.113.9"


def clean_environment() -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name in PASSED_ON or name.lower() in PROXIES or name.startswith(("PIP_", "XDG_"))
    }
    # `python3` in the README is the interpreter running these tests.
    environment["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.defpath])
    return environment


def commands(readme: str, section: str) -> list[str]:
    """The shell lines of the first ```sh block under ``## section``."""
    block = re.search(rf"## {section}\n.*?```sh\n(.*?)```", readme, re.DOTALL)
    assert block, f"the README has no commands under '{section}'"
    return block[1].splitlines()


def run(command: str, project: Path, environment: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"$ {command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: str, project: Path, environment: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["bash", "-c", command],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: reloaders and workers stop too
    )


def stop(server: subprocess.Popen[str]) -> str:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    return server.communicate(timeout=30)[0]


def wait_until_healthy(server: subprocess.Popen[str], port: int, command: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                assert r.status == 200
                return
        except OSError:
            assert server.poll() is None, f"$ {command}\n{server.communicate()[0][-4000:]}"
            assert time.monotonic() < deadline, f"$ {command} never answered"
            time.sleep(0.2)


def serves_its_pages(command: str, project: Path, environment: dict[str, str]) -> None:
    """Start the dev server as the README says (on a free port) and ask it for pages."""
    port = free_port()
    if "flask" in command:
        command += f" --port {port}"
    else:
        command += f" 127.0.0.1:{port} --noreload"
    server = start(command, project, environment)
    try:
        wait_until_healthy(server, port, command)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as home:
            assert home.status == 200
            assert b"-starter</h1>" in home.read()
    finally:
        stop(server)


@pytest.mark.parametrize("case", CASES)
def test_the_starter_installs_and_passes_its_own_tests_as_its_readme_says(case, tmp_path):
    spec = CASES[case]
    project = tmp_path / spec.name
    write_tree(spec, project)
    print(f"\n{case}: {follow_the_readme(project)}")
    if spec.features == EVERY_FEATURE:
        print(f"{case}: {rehearse_production(project, spec.framework)}")


@pytest.mark.django_db
def test_a_starter_downloaded_from_a_result_page_works_as_its_readme_says(client, tmp_path):
    """The whole way a person takes: answer, open the result, download its starter, unzip
    it, run the two commands; the decision record names the framework and the result."""
    answers = {"ml_model": "yes", "auth": "simple", "api": "full", "rate_limiting": "yes"}
    result_url = client.post("/", answers)["Location"]
    result = client.get(result_url)
    download = re.search(r'href="([^"]+/starter\.zip)">Download the (\w+) starter', result.text)
    assert download, "the result page offers no starter"
    archive = client.get(download[1])
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as unzipped:
        unzipped.extractall(tmp_path)
    (project,) = tmp_path.iterdir()
    for layer in ["Dockerfile", "compose.yaml", ".github/workflows/ci.yml", ".env.example"]:
        assert (project / layer).is_file(), layer
    assert (project / ".pre-commit-config.yaml").is_file()
    framework = download[2].lower()
    record = (project / f"docs/decisions/0001-use-{framework}.md").read_text()
    assert f"# Use {download[2]}\n" in record
    assert f"<http://testserver{result_url}>" in record
    print(f"\n{project.name}: {follow_the_readme(project)}")


def follow_the_readme(project: Path) -> str:
    """Install, test, check and run the project exactly as its README and its CI workflow
    say; how long each took."""
    readme = (project / "README.md").read_text()
    environment = clean_environment()
    started = time.monotonic()

    install, test = commands(readme, "Get going")
    run(install, project, environment)
    installed = time.monotonic()
    run(test, project, environment)
    tested = time.monotonic()

    # The CI workflow's checks (format, lint, types) with the project's own settings; its
    # install and test steps are the README's, above.
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    for step in next(iter(workflow["jobs"].values()))["steps"]:
        command = step.get("run", "")
        if command.startswith("python -m ") and not command.endswith(("pytest", ".txt")):
            run(".venv/bin/" + command, project, environment)
    checked = time.monotonic()

    # "Run it": development settings (its `export` line), the setup commands, then the
    # development server.
    setup: list[str] = []
    for line in commands(readme, "Run it"):
        if line.startswith("export "):
            for assignment in shlex.split(line.split("#")[0])[1:]:
                name, _, value = assignment.partition("=")
                environment[name] = value
        elif not any(word in line for word in ASKS):
            setup.append(line.split("  #")[0].strip())
    *setup, serve = setup
    for command in setup:
        run(command, project, environment)
    serves_its_pages(serve, project, environment)
    return (
        f"install {installed - started:.0f} s, tests {tested - installed:.0f} s, "
        f"checks {checked - tested:.0f} s, run {time.monotonic() - checked:.0f} s"
    )


# -- production, rehearsed without Docker -------------------------------------------------


def production_environment(project: Path) -> dict[str, str]:
    """What the web container runs with: .env.example filled in as its comments say (a
    new secret for each empty value), and what compose.yaml adds to it."""
    environment = clean_environment() | {"PATH": f"{project / '.venv/bin'}:{os.defpath}"}
    for line in (project / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            environment[name] = value or secrets.token_urlsafe(50)
    services = yaml.safe_load((project / "compose.yaml").read_text())["services"]
    for name, value in services["web"]["environment"].items():
        # ${NAME:?message} and ${NAME:-default}, as compose fills them in.
        environment[name] = re.sub(
            r"\$\{(\w+)(?::[?-][^}]*)?\}", lambda m: environment[m[1]], value
        )
    return environment


def dockerfile_steps(project: Path) -> list[str]:
    """The RUN steps that follow `COPY . .` in the Dockerfile: what the image does to the
    code (the steps before prepare the system, which is not this machine's to change)."""
    text = re.sub(r"\\\n\s*", " ", (project / "Dockerfile").read_text())
    code = text.split("\nCOPY . .\n")[1]
    return [line.removeprefix("RUN ") for line in code.splitlines() if line.startswith("RUN ")]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the test reads the redirect itself


def request(
    port: int, path: str, headers: dict[str, str], body: object = None
) -> tuple[int, bytes]:
    """GET ``path`` (or POST ``body`` as JSON) from the server on ``port``: its status
    and body, redirects not followed."""
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers = headers | {"Content-Type": "application/json"}
    call = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data, headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(call, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def rehearse_production(project: Path, framework: str) -> str:
    """The image's build steps, the migrations compose runs, Django's deploy checks, then
    gunicorn as the image starts it, asked what a proxy in front of it would ask."""
    started = time.monotonic()
    environment = production_environment(project)
    assert "gunicorn" in run(".venv/bin/gunicorn --version", project, environment)
    if framework == "django":
        # With the database compose.yaml names: the checks do not connect to it.
        checked = ".venv/bin/python manage.py check --deploy --fail-level WARNING"
        run(checked, project, environment)
    # No PostgreSQL here: the same code on a SQLite file. MongoDB is reached lazily.
    environment["DATABASE_URL"] = f"sqlite:///{project / 'production.sqlite3'}"
    for step in dockerfile_steps(project):
        run(step, project, environment)
    services = yaml.safe_load((project / "compose.yaml").read_text())["services"]
    if "migrate" in services:
        run(shlex.join(services["migrate"]["command"]), project, environment)

    # Without its secret, the server refuses to start, and says what is missing.
    port = free_port()
    command = f"gunicorn --bind 127.0.0.1:{port} --workers 1"
    unset = {name: value for name, value in environment.items() if name != "SECRET_KEY"}
    refused = start(command, project, unset)
    try:
        refused.wait(timeout=60)
    finally:
        output = stop(refused)
    assert refused.returncode != 0, output[-3000:]
    assert "SECRET_KEY" in output, output[-3000:]

    limits = {"RATELIMIT_DEFAULT": "3 per minute", "THROTTLE_ANON": "3/minute"}
    server = start(command, project, environment | limits)
    try:
        wait_until_healthy(server, port, command)

        def via_proxy(path: str, client: str, written: str = "", body: object = None) -> int:
            """As Caddy would ask: for the site's host, over HTTPS, with the client's
            address appended to any X-Forwarded-For the client wrote itself."""
            forwarded = f"{written}, {client}" if written else client
            headers = {"Host": "localhost", "X-Forwarded-Proto": "https"}
            return request(port, path, headers | {"X-Forwarded-For": forwarded}, body)[0]

        status, _ = request(port, "/", {"Host": "localhost"})
        assert status in {301, 308}, f"plain HTTP is sent on to HTTPS, not {status}"
        posted = via_proxy("/api/v1/notes/", "203.0.113.10", body={"title": "Anonymous"})
        assert posted == 401, "anonymous writes through the API are refused"
        # A client that writes a new X-Forwarded-For each time is still one client.
        codes = [via_proxy("/api/v1/notes/", CLIENT, f"198.51.100.{n}") for n in range(4)]
        assert codes == [200, 200, 200, 429], codes
        # The model the Dockerfile trained, loaded when the server started.
        answer = {"features": [5.1, 3.5, 1.4, 0.2]}
        assert via_proxy("/predict", "203.0.113.11", body=answer) == 200
        if framework == "django":
            headers = {"Host": "localhost", "X-Forwarded-Proto": "https"}
            static = request(port, "/static/admin/css/base.css", headers)
            assert static[0] == 200 and b"body" in static[1], static[0]
    finally:
        log = stop(server)
    # Each request is logged as a JSON object on a line of its own, as the app logs.
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any("GET /healthz" in entry["message"] for entry in entries), log[-3000:]
    return f"production rehearsal {time.monotonic() - started:.0f} s"


# -- every combination, type-checked ------------------------------------------------------


@pytest.mark.parametrize("framework", ["flask", "django"])
def test_every_combination_is_mypy_clean_with_its_shipped_config(framework, tmp_path):
    """One environment with every package the framework's lock holds, and each of the
    framework's projects checked in it, as `python -m mypy .` in the project does."""
    environment = clean_environment()
    run(f"python3 -m venv {tmp_path / 'venv'}", tmp_path, environment)
    lock = STARTERS / framework / LOCK_NAME
    run(f"{tmp_path / 'venv/bin/pip'} install -q -r {lock}", tmp_path, environment)
    specs = {
        StarterSpec(framework, frozenset(combination))
        for size in range(len(FEATURES) + 1)
        for combination in itertools.combinations(FEATURES, size)
    }
    if framework == "flask":
        # One cache for all: mypy's incremental mode rechecks what changed from one project
        # to the next, as it would after an edit. Not for Django: django-stubs' plugin adds
        # dependencies from the settings that the cache does not record.
        environment["MYPY_CACHE_DIR"] = str(tmp_path / "mypy-cache")
    for index, spec in enumerate(sorted(specs, key=lambda spec: sorted(spec.features))):
        project = tmp_path / f"project-{index:02}"
        write_tree(spec, project)
        run(f"{tmp_path / 'venv/bin/python'} -m mypy .", project, environment)
