"""The starters' template published as a read-only git repository: one tag per version of
starters/CHANGELOG.md, the same commits on every server, served at /starters.git for git's
dumb HTTP protocol, and every starter naming the repository and the version it came from, so
that `copier update` brings a downloaded project the template's later fixes."""

import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import requests
import yaml
from django.core.management import CommandError, call_command

from guide.starters.publish import (
    RELEASES,
    PublishError,
    Release,
    publish,
    release,
    releases,
    template_files,
)
from guide.starters.render import render_files
from guide.starters.spec import STARTERS, StarterSpec
from tests.servers import Server, Stack, migrate, production_env

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.com",
    "GIT_COMMITTER_NAME": "Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def template_copy(tmp_path: Path) -> Path:
    source = tmp_path / "template"
    shutil.copytree(STARTERS, source, ignore=shutil.ignore_patterns("__pycache__"))
    return source


def new_version(source: Path, version: str, date: str, note: str) -> None:
    changelog = source / "CHANGELOG.md"
    head, _, rest = changelog.read_text().partition("\n## ")
    changelog.write_text(f"{head}\n## {version} ({date})\n\n- {note}\n\n## {rest}")


def test_every_version_of_the_changelog_is_released_and_the_newest_is_the_template_as_it_is():
    """A template changed without a new version, or a version not in deploy/starters.bundle,
    fails here (`make starters-release`), not on a server."""
    with tempfile.TemporaryDirectory() as folder:
        published = publish(Path(folder) / "starters.git")
        tags = git("--git-dir", f"{folder}/starters.git", "tag", "--list", cwd=Path(folder))
    assert not published.new, "the newest version is not released: run `make starters-release`"
    assert tags.split() == sorted(release.version for release in releases())


def test_publishing_the_same_template_again_or_from_a_copy_changes_nothing(tmp_path):
    first = publish(tmp_path / "one.git")
    second = publish(tmp_path / "two.git", template_copy(tmp_path))
    assert first.commit == second.commit
    assert first.version == releases()[0].version
    again = publish(tmp_path / "one.git")
    assert not again.new and again.commit == first.commit


def test_a_new_server_publishes_the_history_of_one_that_published_each_version_in_turn(tmp_path):
    """The server that was there all along made the new version's commit itself; once
    released, a server set up afterwards gets every tag with the same commits."""
    source = template_copy(tmp_path)
    old = tmp_path / "old.git"
    publish(old, source)
    dockerfile = source / "shared" / "Dockerfile.jinja"
    dockerfile.write_text(dockerfile.read_text() + "# a later fix\n")
    new_version(source, "v2099.1.1", "2099-01-01", "A later fix.")
    made = publish(old, source)
    assert made.new
    bundle = Path(shutil.copy(RELEASES, tmp_path / "starters.bundle"))  # as committed
    assert release(bundle, source).commit == made.commit
    fresh = publish(tmp_path / "fresh.git", source, released=bundle)
    assert not fresh.new and fresh.commit == made.commit
    refs = [
        git("--git-dir", str(repo), "show-ref", cwd=tmp_path)
        for repo in (old, tmp_path / "fresh.git")
    ]
    assert refs[0] == refs[1]


def test_a_version_that_was_never_released_is_refused(tmp_path):
    source = template_copy(tmp_path)
    dockerfile = source / "shared" / "Dockerfile.jinja"
    dockerfile.write_text(dockerfile.read_text() + "# a later fix\n")
    new_version(source, "v2099.1.1", "2099-01-01", "A later fix.")
    new_version(source, "v2099.2.1", "2099-02-01", "Another.")
    with pytest.raises(PublishError, match="v2099.1.1 .* never released"):
        publish(tmp_path / "starters.git", source)


def test_a_new_version_is_a_new_tag_on_top_of_the_last_and_no_tag_moves(tmp_path):
    source = template_copy(tmp_path)
    repository = tmp_path / "starters.git"
    first = publish(repository, source)
    before = git("--git-dir", str(repository), "tag", "--list", cwd=tmp_path).split()
    dockerfile = source / "shared" / "Dockerfile.jinja"
    dockerfile.write_text(dockerfile.read_text() + "# a later fix\n")
    with pytest.raises(PublishError, match="add a version"):
        publish(repository, source)  # a change under the same version is refused
    new_version(source, "v2099.1.1", "2099-01-01", "A later fix.")
    second = publish(repository, source)
    assert second.new and second.version == "v2099.1.1"
    tags = git("--git-dir", str(repository), "tag", "--list", cwd=tmp_path).split()
    assert tags == [*before, "v2099.1.1"] and before[-1] == first.version
    parent = git("--git-dir", str(repository), "rev-parse", "v2099.1.1^", cwd=tmp_path)
    assert parent == first.commit  # the earlier tag still names its own commit
    log = git("--git-dir", str(repository), "log", "-1", "--format=%an|%aI|%B", cwd=tmp_path)
    assert log.startswith("Flask or Django? starters|2099-01-01T00:00:00+00:00|v2099.1.1")
    assert "A later fix." in log


def test_the_repository_holds_the_template_and_nothing_else(tmp_path):
    repository = tmp_path / "starters.git"
    publish(repository)
    assert not (repository / "hooks").exists() and not (repository / "description").exists()
    clone = tmp_path / "clone"
    git("clone", "-q", str(repository), str(clone), cwd=tmp_path)
    files = sorted(
        p.relative_to(clone).as_posix()
        for p in clone.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(clone).parts
    )
    assert files == template_files()
    assert "copier.yml" in files and not any("__pycache__" in f for f in files)


def test_a_changelog_without_versions_in_order_is_refused(tmp_path):
    source = template_copy(tmp_path)
    (source / "CHANGELOG.md").write_text(
        "# Changes\n\n## v2026.1.1 (2026-01-01)\n\n## v2026.2.1 (2026-02-01)\n"
    )
    with pytest.raises(PublishError, match="newest first"):
        publish(tmp_path / "starters.git", source)


@pytest.mark.django_db
def test_every_starter_names_the_published_template_and_its_version(client, settings):
    settings.SITE_URL = "https://guide.example"
    slug = client.post(
        "/api/recommendations", {"answers": {"auth": "full"}}, "application/json"
    ).json()["slug"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/r/{slug}/starter.zip").content))
    name = next(n for n in archive.namelist() if n.endswith("/.copier-answers.yml"))
    answers = yaml.safe_load(archive.read(name))
    assert answers["_src_path"] == "https://guide.example/starters.git"
    assert answers["_commit"] == releases()[0].version
    assert answers["framework"] == "django" and answers["auth"] is True


@pytest.fixture(params=[Server, Stack], ids=["make run's WhiteNoise", "make serve's nginx"])
def site(request, tmp_path):
    """The guide with its template published: under gunicorn (WhiteNoise serves
    /starters.git) and behind nginx (which serves it itself, as its unprivileged workers: the
    folder must be readable by anyone, as a deployed site's is)."""
    published = Path(tempfile.mkdtemp(prefix="guide-published-"))
    published.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(published, ignore_errors=True))
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PUBLISHED_ROOT=str(published)
    )
    env.pop("CACHE_URL", None)
    migrate(env)
    publish(published / "starters.git")
    server = request.param(env).start()
    yield server
    server.stop()


@pytest.mark.services
def test_git_clones_the_template_from_the_site_and_nothing_else_is_served(site, tmp_path):
    clone = tmp_path / "clone"
    git("clone", "-q", f"{site.url}/starters.git", str(clone), cwd=tmp_path)
    assert (clone / "copier.yml").is_file()
    assert git("tag", "--list", cwd=clone).split() == sorted(r.version for r in releases())
    elsewhere = ["config.py", "hooks/pre-receive", "../manage.py", "objects/nothing", "FETCH_HEAD"]
    if isinstance(site, Stack):  # nginx serves only what git's dumb protocol reads
        elsewhere += ["config", "packed-refs", "refs/tags/" + releases()[0].version]
    for path in elsewhere:
        response = requests.get(f"{site.url}/starters.git/{path}", timeout=10)
        assert response.status_code == 404, path
    assert requests.post(f"{site.url}/starters.git/info/refs", timeout=10).status_code in (
        403,
        404,
        405,
    )


def copier_update(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--quiet"],
        cwd=project,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.starter_projects
def test_copier_update_brings_a_downloaded_starter_the_templates_next_version(tmp_path):
    """A project from the zip at version N is unchanged by `copier update` right after download;
    committed and edited, it takes version N+1 (a changed Dockerfile line) with `copier
    update`: the change arrives, the project's own edit stays, and its answers file moves to
    N+1."""
    source = template_copy(tmp_path)
    published = tmp_path / "published"
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PUBLISHED_ROOT=str(published)
    )
    env.pop("CACHE_URL", None)
    migrate(env)
    first = publish(published / "starters.git", source)
    server = Server(env)
    server.env["SITE_URL"] = server.url  # the starters name the template at this address
    server.start()
    try:
        slug = requests.post(
            f"{server.url}/api/recommendations",
            json={"answers": {"auth": "full", "admin": "yes"}},
            timeout=30,
        ).json()["slug"]
        zipped = requests.get(f"{server.url}/r/{slug}/starter.zip", timeout=60).content
        zipfile.ZipFile(io.BytesIO(zipped)).extractall(tmp_path / "unzipped")
        project = next((tmp_path / "unzipped").iterdir())
        git("init", "-q", cwd=project)
        git("add", "-A", cwd=project)
        git("commit", "-q", "-m", "start", cwd=project)
        # Right after download the project is its version as the template makes it.
        assert copier_update(project).returncode == 0
        assert git("status", "--porcelain", cwd=project) == ""
    finally:
        server.stop()
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOur own notes on this project.\n")
    git("commit", "-q", "-am", "our notes", cwd=project)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == first.version

    dockerfile = source / "shared" / "Dockerfile.jinja"
    dockerfile.write_text(dockerfile.read_text() + "# A fix from the template's next version\n")
    new_version(source, "v2099.1.1", "2099-01-01", "A Dockerfile fix.")
    publish(published / "starters.git", source)
    # The site serves the new tag once restarted at its address, as after a deploy.
    server = Server(server.env, port=server.port).start()
    try:
        done = copier_update(project)
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    assert "# A fix from the template's next version" in (project / "Dockerfile").read_text()
    assert "Our own notes on this project." in readme.read_text()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2099.1.1"


@pytest.mark.django_db
def test_the_versions_page_lists_each_version_its_commit_and_how_to_update(
    client, settings, tmp_path
):
    settings.STARTERS_REPOSITORY = tmp_path / "starters.git"
    published = publish(settings.STARTERS_REPOSITORY)
    page = client.get("/starters/changes").content.decode()
    newest = releases()[0]
    assert f'id="{newest.version}"' in page and newest.date in page
    assert published.commit in page
    assert "copier update --defaults" in page and "/starters.git" in page
    slug = client.post(
        "/api/recommendations", {"answers": {"auth": "full"}}, "application/json"
    ).json()["slug"]
    result = client.get(f"/r/{slug}/").content.decode()
    assert published.commit in result and newest.version in result  # the offer names both
    assert 'href="/starters/changes"' in result


@pytest.mark.django_db
def test_the_versions_page_says_so_when_nothing_is_published_yet(client, settings, tmp_path):
    settings.STARTERS_REPOSITORY = tmp_path / "nowhere.git"
    page = client.get("/starters/changes")
    assert page.status_code == 200 and "Commit <code>" not in page.content.decode()


def copier_copy_matches_the_guide(source: str, framework: str, features: set[str], tmp_path: Path):
    """Run `copier copy` from ``source`` with the answers of the guide's starter for
    ``framework`` and ``features``, and check it wrote that starter, file for file."""
    files = dict(render_files(StarterSpec(framework, features)))
    recorded = yaml.safe_load(files.pop(".copier-answers.yml"))
    answers = {key: value for key, value in recorded.items() if not key.startswith("_")}
    (tmp_path / "answers.yml").write_text(yaml.safe_dump(answers))
    made_in = tmp_path / "made"
    done = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--quiet"]
        + ["--data-file", str(tmp_path / "answers.yml"), source, str(made_in)],
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    made = {
        path.relative_to(made_in).as_posix(): path.read_bytes()
        for path in made_in.rglob("*")
        if path.is_file()
    }
    made_answers = yaml.safe_load(made.pop(".copier-answers.yml"))
    assert made_answers["_commit"] == releases()[0].version
    assert {key: made_answers[key] for key in answers} == answers
    assert made.keys() == files.keys()
    assert [path for path in made if made[path] != files[path]] == []


@pytest.mark.parametrize(
    ("framework", "features"),
    [
        ("flask", {"admin", "forms", "rate_limit"}),
        ("django", {"predict", "nosql", "rest"}),
        ("flask", set()),
    ],
    ids=["flask with admin, forms and rate limits", "django serving a model", "bare flask"],
)
def test_copier_copy_of_the_published_template_writes_the_guides_starter(
    framework, features, tmp_path
):
    """`copier copy` of the published template with a starter's answers writes that starter,
    file for file, requirements too (a download from a result adds its decision record)."""
    repository = tmp_path / "starters.git"
    publish(repository)
    copier_copy_matches_the_guide(f"git+file://{repository}", framework, features, tmp_path)


@pytest.mark.services
def test_copier_copy_from_the_site_writes_the_guides_starter(site, tmp_path):
    copier_copy_matches_the_guide(f"{site.url}/starters.git", "django", {"auth", "rest"}, tmp_path)


@pytest.mark.django_db
def test_the_versions_page_shows_the_changelogs_markdown_and_no_html_from_it(client, monkeypatch):
    notes = "A fix in `Dockerfile`:\n\n- one <script>alert(1)</script>\n- two"
    monkeypatch.setattr(
        "guide.web.starter_versions.releases", lambda: [Release("v2099.1.1", "2099-01-01", notes)]
    )
    page = client.get("/starters/changes").content.decode()
    assert "A fix in <code>Dockerfile</code>:" in page and "`" not in page
    assert (
        "<li>one &lt;script&gt;alert(1)&lt;/script&gt;</li>" in page and "<script>alert" not in page
    )


#: What v2026.12.1 wrote above the pins of a Django project's requirements.txt.
V2026_12_1_HEADER = """\
# What the site imports, pinned. Installed with the versions tested together on Python
# 3.11+: the list below it, made by the guide from one resolution of every starter's
# packages. To upgrade a package, see "Upgrade a package" in the README.
"""


def test_a_project_downloaded_at_the_first_version_updates_to_the_current_one_cleanly(tmp_path):
    """v2026.12.1's download had today's files but for requirements.txt's comment: `copier
    update` changes that comment and the answers' version, and nothing else, with no
    conflict."""
    repository = tmp_path / "starters.git"
    current = publish(repository).version
    files = dict(render_files(StarterSpec("django", {"auth", "rest"})))
    project = tmp_path / "project"
    for path, content in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_bytes(content)
    requirements = files["requirements.txt"].decode()
    header = requirements[: requirements.index("\n\n") + 1]
    (project / "requirements.txt").write_text(requirements.replace(header, V2026_12_1_HEADER))
    answers = yaml.safe_load(files[".copier-answers.yml"])
    answers |= {"_commit": "v2026.12.1", "_src_path": f"git+file://{repository}"}
    (project / ".copier-answers.yml").write_text(yaml.safe_dump(answers))
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "start", cwd=project)

    done = copier_update(project)
    assert done.returncode == 0, done.stderr[-2000:]
    changed = git("status", "--porcelain", cwd=project).splitlines()
    assert sorted(line.split()[-1] for line in changed) == [
        ".copier-answers.yml",
        "requirements.txt",
    ]
    assert (project / "requirements.txt").read_bytes() == files["requirements.txt"]
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == current


def test_a_release_refuses_files_git_does_not_track(tmp_path):
    """They would be released, and missing from every checkout that publishes the bundle."""
    source = template_copy(tmp_path)
    git("init", "-q", cwd=source)
    git("add", "-A", cwd=source)
    (source / "shared" / "notes.swp").write_text("an editor's scratch file")
    bundle = Path(shutil.copy(RELEASES, tmp_path / "starters.bundle"))
    with pytest.raises(PublishError, match=r"git does not track .*shared/notes\.swp"):
        release(bundle, source)
    assert bundle.read_bytes() == RELEASES.read_bytes()


def test_the_command_publishes_and_a_release_writes_the_bundle(settings, tmp_path, monkeypatch):
    settings.STARTERS_REPOSITORY = tmp_path / "starters.git"
    out = io.StringIO()
    call_command("publish_starters", stdout=out)
    assert f"{releases()[0].version} already published" in out.getvalue()  # from the bundle
    source = template_copy(tmp_path)
    new_version(source, "v2099.1.1", "2099-01-01", "A later fix.")
    (source / "shared" / "Dockerfile.jinja").write_text("# changed\n")
    bundle = Path(shutil.copy(RELEASES, tmp_path / "starters.bundle"))
    monkeypatch.setattr("guide.management.commands.publish_starters.RELEASES", bundle)
    call_command("publish_starters", "--release", "--source", str(source), stdout=out)
    assert "v2099.1.1 released" in out.getvalue()
    assert "v2099.1.1" in git("bundle", "list-heads", str(bundle), cwd=tmp_path)


def test_a_template_changed_without_a_version_stops_a_deploy_but_not_make_run(settings, tmp_path):
    settings.STARTERS_REPOSITORY = tmp_path / "starters.git"
    source = template_copy(tmp_path)
    (source / "shared" / "Dockerfile.jinja").write_text("# changed\n")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="add a version"):
        call_command("publish_starters", "--source", str(source))
    settings.DEBUG = True
    err = io.StringIO()
    call_command("publish_starters", "--source", str(source), stderr=err)
    assert "warning: the starters' template was not published" in err.getvalue()


def test_a_published_version_that_differs_from_the_released_one_is_named(tmp_path):
    """A server (or a developer's copy) that published a version before it was released as it
    is now keeps its commit; publishing says which version differs instead of moving it."""
    full = tmp_path / "full.git"
    publish(full)
    earlier = tmp_path / "earlier.bundle"  # every version released before the newest
    older = [release.version for release in releases()[1:]]
    git("--git-dir", str(full), "bundle", "create", "-q", str(earlier), *older, cwd=tmp_path)
    changed = template_copy(tmp_path)
    dockerfile = changed / "shared" / "Dockerfile.jinja"
    dockerfile.write_text(dockerfile.read_text() + "# published before its release\n")
    early = tmp_path / "early.git"
    publish(early, changed, released=earlier)
    with pytest.raises(PublishError, match=rf"{releases()[0].version} was published in .* as"):
        publish(early)
