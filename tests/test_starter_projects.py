"""The starters as their users meet them: written out, installed into a fresh virtual
environment from their own requirements.txt, tested with their own suite, each command
exactly as their README gives it, then started and asked for their home page.

Slow (minutes, most of it pip; a warm pip cache helps) and it needs the package index:
marked ``starter_projects``. Anything that cannot run fails; nothing here skips.
"""

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from guide.starters.generator import FEATURES, StarterSpec, write_tree

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


def run(command: str, project: Path, environment: dict[str, str]) -> None:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"$ {command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serves_its_pages(command: str, project: Path, environment: dict[str, str]) -> None:
    """Start the dev server as the README says (on a free port) and ask it for pages."""
    port = free_port()
    if "flask" in command:
        command += f" --port {port}"
    else:
        command += f" 127.0.0.1:{port} --noreload"
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the reloader's child stops too
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                assert server.poll() is None, f"$ {command}\n{server.communicate()[0]}"
                assert time.monotonic() < deadline, f"$ {command} never answered"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as home:
            assert home.status == 200
            assert b"-starter</h1>" in home.read()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)


@pytest.mark.parametrize("case", CASES)
def test_the_starter_installs_and_passes_its_own_tests_as_its_readme_says(case, tmp_path):
    spec = CASES[case]
    project = tmp_path / spec.name
    write_tree(spec, project)
    print(f"\n{case}: {follow_the_readme(project, spec.framework)}")


@pytest.mark.django_db
def test_a_starter_downloaded_from_a_result_page_works_as_its_readme_says(client, tmp_path):
    """The whole way a person takes: answer, open the result, download its starter, unzip
    it, run the two commands."""
    answers = {"ml_model": "yes", "auth": "simple", "api": "full", "rate_limiting": "yes"}
    result = client.get(client.post("/", answers)["Location"])
    download = re.search(r'href="([^"]+/starter\.zip)">Download the (\w+) starter', result.text)
    assert download, "the result page offers no starter"
    archive = client.get(download[1])
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as unzipped:
        unzipped.extractall(tmp_path)
    (project,) = tmp_path.iterdir()
    print(f"\n{project.name}: {follow_the_readme(project, download[2].lower())}")


def follow_the_readme(project: Path, framework: str) -> str:
    """Install, test and run the project exactly as its README says; how long each took."""
    readme = (project / "README.md").read_text()
    environment = clean_environment()
    started = time.monotonic()

    install, test = commands(readme, "Get going")
    run(install, project, environment)
    installed = time.monotonic()
    run(test, project, environment)
    if framework == "django":
        run(".venv/bin/python manage.py check --fail-level WARNING", project, environment)
        run(".venv/bin/python manage.py makemigrations --check --dry-run", project, environment)
    tested = time.monotonic()

    # "Run it": the database commands, then the dev server.
    run_it = commands(readme, "Run it")
    *setup, serve = [line for line in run_it if not any(word in line for word in ASKS)]
    for command in setup:
        run(command, project, environment)
    serves_its_pages(serve.split("#")[0].strip(), project, environment)
    return (
        f"install {installed - started:.0f} s, tests {tested - installed:.0f} s, "
        f"run {time.monotonic() - tested:.0f} s"
    )
