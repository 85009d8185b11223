"""The starters' template as a read-only git repository, so that a project made from it can
take its later changes with `copier update`.

Each version of the template named in ``starters/CHANGELOG.md`` (newest first, ``## v2026.12.1
(2026-12-07)``) is one commit of the template's files, tagged with the version; each commit's
parent is the version before it. Author, committer and dates are fixed by the version, so the
same template tree under the same versions gives the same commits on every server. The
repository is bare, with no hooks, and `git update-server-info` lets git clone it over plain
HTTP from static files (git's "dumb" protocol): WhiteNoise serves it under `make run`, nginx
under `make serve`.

The versions released so far travel with the guide's code, as a git bundle
(``deploy/starters.bundle``, which `make starters-release` writes): a server publishes from
it, so a new server has every earlier tag too, with the same commits, and a project made from
any released version can still be updated. Only the newest version may be missing from it: a
server then makes that commit itself, the same as anywhere.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .spec import STARTERS

CHANGELOG = "CHANGELOG.md"
#: A version's heading in the changelog: ``## v2026.12.1 (2026-12-07)``.
HEADING = re.compile(r"^## (?P<version>v\d{4}\.\d{1,2}\.\d+) \((?P<date>\d{4}-\d{2}-\d{2})\)$")
#: Who makes every commit: the template, not a person.
AUTHOR = ("Flask or Django? starters", "starters@flask-or-django.invalid")
#: Every released version, as `make starters-release` writes them (a git bundle of the tags).
RELEASES = STARTERS.parent / "deploy" / "starters.bundle"
#: Every git run here ignores the user's and the system's configuration.
NO_GIT_CONFIG = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
#: What is never part of the template, wherever it turns up under starters/.
LEFT_OUT = re.compile(
    r"(^|/)(__pycache__|\.pytest_cache|\.ruff_cache|\.mypy_cache|\.git)(/|$)|\.pyc$"
)


class PublishError(Exception):
    """The template cannot be published as it is (its changelog, or a version's tree)."""


@dataclass(frozen=True, slots=True)
class Release:
    version: str  # "v2026.12.1"
    date: str  # "2026-12-07"
    notes: str  # the changelog's text for it, without the heading


def releases(source: Path = STARTERS) -> list[Release]:
    """The template's versions, newest first, from its changelog. Raises PublishError for a
    changelog with no version, a version given twice or versions out of order."""
    path = source / CHANGELOG
    if not path.is_file():
        raise PublishError(f"{path} is missing: it names the template's versions")
    found: list[Release] = []
    heading: re.Match[str] | None = None
    lines: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), "## end"]:
        if line.startswith("## "):
            if heading:
                found.append(Release(heading["version"], heading["date"], "\n".join(lines).strip()))
            heading, lines = HEADING.match(line), []
            if heading is None and line != "## end":
                raise PublishError(f"{CHANGELOG}: not a version heading: {line!r}")
        elif heading:
            lines.append(line)
    if not found:
        raise PublishError(f"{CHANGELOG} names no version")
    keys = [(r.date, _numbers(r.version)) for r in found]
    if len({r.version for r in found}) != len(found) or keys != sorted(keys, reverse=True):
        raise PublishError(f"{CHANGELOG}: versions must be unique and listed newest first")
    return found


@functools.cache
def current_version(source: Path = STARTERS) -> str:
    """The template's newest version, which the guide publishes and makes starters from."""
    return releases(source)[0].version


@functools.lru_cache(maxsize=4)
def published_commits(repository: Path) -> Mapping[str, str]:
    """Each published version -> its commit, from the repository's ``info/refs`` (what git's
    dumb protocol reads); {} where nothing is published. Read once per process: the site
    publishes before it starts (`make run`, `make serve`, the systemd unit), and WhiteNoise
    too serves the files that were there when it started."""
    try:
        refs = (repository / "info" / "refs").read_text()
    except OSError:
        return MappingProxyType({})
    return MappingProxyType(_tags_in(refs))


def _tags_in(refs: str) -> dict[str, str]:
    """Each version tag -> its commit, from git's lines of refs (``<commit> refs/tags/v…``,
    split by a tab in ``info/refs``, by a space from ``git bundle list-heads``)."""
    found = {}
    for line in refs.splitlines():
        commit, _, ref = line.replace("\t", " ").partition(" ")
        if ref.startswith("refs/tags/v") and not ref.endswith("^{}"):
            found[ref.removeprefix("refs/tags/")] = commit
    return found


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version[1:].split("."))


def template_files(source: Path = STARTERS) -> list[str]:
    """The template's files, relative POSIX paths, sorted: everything under ``source`` but
    caches."""
    return sorted(
        path.relative_to(source).as_posix()
        for path in source.rglob("*")
        if path.is_file() and not LEFT_OUT.search(path.relative_to(source).as_posix())
    )


@dataclass(frozen=True, slots=True)
class Published:
    version: str
    commit: str
    new: bool  # made by this call (else it was there already, with the same tree)


def publish(
    repository: Path, source: Path = STARTERS, released: Path | None = RELEASES
) -> Published:
    """Publish ``source``'s template into the bare ``repository`` (made if missing): first every
    version in the ``released`` bundle, then the changelog's newest version if the bundle does
    not hold it, on top of the version before it. A version already there must hold the same
    tree: a template that changed without a new version is refused (PublishError), so no tag
    ever moves; so is a changelog whose earlier versions were never released."""
    versions = releases(source)
    release = versions[0]
    git = _Git(repository)
    if not (repository / "HEAD").exists():
        repository.mkdir(parents=True, exist_ok=True)
        # No template: no sample hooks, no description, nothing but the repository.
        git("init", "--quiet", "--bare", "--template=", "--initial-branch=main")
    if released is not None and released.is_file():
        for tag, commit in _tags_in(git("bundle", "list-heads", str(released))).items():
            here = git.commit_of(tag)
            if here and here != commit:
                raise PublishError(
                    f"{tag} was published in {repository} as {here[:12]}, but {released.name} "
                    f"has it as {commit[:12]}: a released version never changes (a copy made "
                    "while the template was being worked on can be deleted)"
                )
        # No FETCH_HEAD: it would name the bundle's place on this server, in a folder the
        # site serves.
        fetch = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", str(released)]
        git(*fetch, "refs/tags/*:refs/tags/*")
    missing = [earlier.version for earlier in versions[1:] if not git.commit_of(earlier.version)]
    if missing:
        raise PublishError(
            f"{', '.join(missing)} of starters/{CHANGELOG} never released ({released} lacks "
            "them): release each version with `make starters-release` before the next"
        )
    tree = git.tree_of(source)
    tagged = git.commit_of(release.version)
    if tagged:
        if git("rev-parse", f"{tagged}^{{tree}}") != tree:
            raise PublishError(
                f"starters/ has changed since {release.version} was published: add a version "
                f"to starters/{CHANGELOG} for the change, then run `make starters-release`"
            )
        git("update-ref", "refs/heads/main", tagged)
        git.update_server_info()
        return Published(release.version, tagged, new=False)
    parent = versions[1].version if len(versions) > 1 else ""
    if parent and git("rev-parse", f"{parent}^{{tree}}") == tree:
        raise PublishError(f"{release.version} has the same files as {parent}: nothing to publish")
    when = f"{release.date}T00:00:00+0000"
    message = f"{release.version}\n\n{release.notes}\n" if release.notes else release.version
    commit = git(
        "commit-tree",
        tree,
        *(("-p", git.commit_of(parent) or "") if parent else ()),
        "-m",
        message,
        env={
            "GIT_AUTHOR_NAME": AUTHOR[0],
            "GIT_AUTHOR_EMAIL": AUTHOR[1],
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": AUTHOR[0],
            "GIT_COMMITTER_EMAIL": AUTHOR[1],
            "GIT_COMMITTER_DATE": when,
        },
    )
    git("update-ref", f"refs/tags/{release.version}", commit, "")
    git("update-ref", "refs/heads/main", commit)
    git.update_server_info()
    return Published(release.version, commit, new=True)


class _Git:
    """git on one bare repository, with no user or system configuration."""

    def __init__(self, repository: Path) -> None:
        self.repository = repository

    def __call__(self, *args: str, env: dict[str, str] | None = None, input: str = "") -> str:
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.repository),
            "GIT_DIR": str(self.repository),
            "LC_ALL": "C",
            **NO_GIT_CONFIG,
        }
        done = subprocess.run(
            ["git", *args],
            env=base | (env or {}),
            input=input,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise PublishError(f"git {args[0]} failed: {done.stderr.strip()[:500]}")
        return done.stdout.strip()

    def tree_of(self, source: Path) -> str:
        """The tree of ``source``'s template files, written into the repository."""
        with tempfile.TemporaryDirectory() as scratch:
            index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            files = template_files(source)
            add = ("--work-tree", str(source), "add", "--force", "--pathspec-from-file=-")
            self(*add, env=index, input="\n".join(files) + "\n")
            return self("write-tree", env=index)

    def commit_of(self, tag: str) -> str:
        try:
            return self("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}")
        except PublishError:
            return ""

    def update_server_info(self) -> None:
        """What git's dumb HTTP protocol reads: info/refs and objects/info/packs."""
        self("repack", "-a", "-d", "-q")
        self("update-server-info")

    def bundle(self, path: Path) -> None:
        """Every tag, and what it needs, as the git bundle at ``path`` (all or nothing)."""
        written = path.with_name(f".{path.name}.new")
        try:
            self("bundle", "create", "--quiet", str(written), "--tags")
            os.replace(written, path)
        finally:
            written.unlink(missing_ok=True)


def release(bundle: Path = RELEASES, source: Path = STARTERS) -> Published:
    """`make starters-release`: the ``bundle`` of every version so far, with the changelog's
    newest made from ``source`` if it is new. Run when the template gets a new version, and
    commit the bundle with it, so that every server publishes that version as it is now.
    Refuses a template with files git does not track (they would be released, and missing
    from every checkout); leaves the bundle as it is when it holds the version already."""
    untracked = _untracked(source)
    if untracked:
        raise PublishError(
            f"files under {source.name}/ that git does not track would be released: "
            f"{', '.join(untracked[:5])}; add them to git, or remove them"
        )
    with tempfile.TemporaryDirectory() as scratch:
        repository = Path(scratch) / "starters.git"
        published = publish(repository, source, bundle)
        if published.new or not bundle.is_file():
            _Git(repository).bundle(bundle)
    return published


def _untracked(source: Path) -> list[str]:
    """The template's files that the git work tree ``source`` is in does not track; [] when
    it is in none (a copy of the template)."""
    done = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-z", "--cached", "--", "."],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | NO_GIT_CONFIG,
    )
    if done.returncode:
        return []
    tracked = set(done.stdout.split("\0"))
    return [path for path in template_files(source) if path not in tracked]
