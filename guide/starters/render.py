"""Rendering a starter: Copier makes the project for a :class:`StarterSpec` once per process,
the result's decision record is added to it, and it is handed out as files, a zip, a folder
or a `tree` listing."""

import functools
import io
import re
import secrets
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from .decision import decision_path, decision_record
from .spec import FEATURES, STARTERS, StarterSpec

ANSWERS_FILE = ".copier-answers.yml"


def answers(spec: StarterSpec) -> dict[str, Any]:
    """The template's answers for ``spec``: its data contract (starters/README.md)."""
    data: dict[str, Any] = {"framework": spec.framework}
    data |= {feature: feature in spec.features for feature in FEATURES}
    data["next_steps"] = [
        {
            "feature": step.feature,
            "label": step.label,
            "links": [{"title": link.title, "url": link.url} for link in step.links],
        }
        for step in spec.next_steps
    ]
    data["decision"] = spec.decision is not None
    return data


# Copier and plumbum keep process-wide state (plumbum's environment below): one at a time.
_copier_lock = threading.Lock()


def generate(spec: StarterSpec) -> dict[str, bytes]:
    """Render ``spec`` with Copier into a temporary folder and read it back, uncached:
    relative POSIX path -> content, sorted by path. :func:`render_files` caches this."""
    project = _copier_render(spec, recorded=spec.decision is not None)
    return _with_decision(project, spec)


def _copier_render(spec: StarterSpec, *, recorded: bool) -> dict[str, bytes]:
    """The project Copier makes for ``spec``'s framework and features. Of the decision it
    knows only whether there is one (``recorded``: its README then links to the record);
    the record, which every result has its own of, is made apart (:func:`decision_record`),
    so that results asking for the same features share one render."""
    # Imported here: Copier takes a third of a second to import, which only the first
    # render should pay, not every process that imports this module.
    from copier._settings import SettingsModel
    from plumbum import local

    # An empty PATH hides git from Copier. For a template that is no repository's root,
    # rendered into a new folder, its git calls (`rev-parse` on the template, `git config`
    # for every file it writes) find nothing, and cost more than the rendering itself.
    with _copier_lock, tempfile.TemporaryDirectory() as folder, local.env(PATH=""):
        # What copier.run_copy does, with a Worker that keeps its Jinja work (below).
        with _worker_class()(
            src_path=str(STARTERS),
            dst_path=Path(folder),
            data=answers(spec) | {"decision": recorded},
            settings=SettingsModel(),  # not the user's settings: the same project anywhere
            defaults=True,
            overwrite=True,
            quiet=True,
        ) as worker:
            worker.run_copy()
        root = Path(folder)
        files = {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file()
        }
    # Copier records the template's place on this disk; the project gets its place in
    # the guide's repository instead, the same on every server.
    files[ANSWERS_FILE] = re.sub(
        rb"(?m)^_src_path: .*$", b"_src_path: starters", files[ANSWERS_FILE]
    )
    return files


@functools.cache
def _worker_class() -> type:
    """Copier's Worker, with one Jinja environment for every render in this process.

    Copier makes a new environment for each project, and compiles every templated path,
    each file's name and every template anew: two thirds of a render. Here the
    environment, with Jinja's own cache of file templates (which it checks against the
    files), lives as long as the process, and a string template is compiled once. That is
    sound for this template only: the same folder and settings every time, and no Jinja
    extension that keeps state between renders. Worker is Copier's internal class (pinned
    Copier; tests/test_starters.py renders every spec through it, and bench/starter.py
    times it)."""
    from copier._main import Worker

    environment: list[Any] = []

    class KeepingWorker(Worker):
        @functools.cached_property
        def jinja_env(self) -> Any:
            if not environment:
                made = Worker.jinja_env.func(self)  # type: ignore[attr-defined]
                made.from_string = functools.lru_cache(maxsize=2048)(made.from_string)
                environment.append(made)
            return environment[0]

    return KeepingWorker


def _with_decision(files: Mapping[str, bytes], spec: StarterSpec) -> dict[str, bytes]:
    """The project rendered for the features, made this result's: its decision record, and
    where its template comes from (``spec.source``)."""
    if spec.decision is not None:
        files = {**files, decision_path(spec): decision_record(spec).encode()}
    if spec.source:
        files = {**files, ANSWERS_FILE: with_source(files[ANSWERS_FILE], *spec.source)}
    return dict(sorted(files.items()))


def with_source(answers_file: bytes, url: str, version: str) -> bytes:
    """A project's answers file naming the published template ``url`` and the ``version``
    (its tag) the project was made from, as Copier writes them after its own copy."""
    text = answers_file.decode()
    text = re.sub(r"(?m)^_src_path: .*$", f"_commit: {version}\n_src_path: {url}", text, count=1)
    return text.encode()


@functools.lru_cache(maxsize=256)
def _rendered(spec: StarterSpec, recorded: bool) -> tuple[tuple[str, bytes], ...]:
    return tuple(_copier_render(spec, recorded=recorded).items())


def render_files(spec: StarterSpec) -> dict[str, bytes]:
    """The starter's files, relative POSIX path -> content, sorted; the project rendered
    once per process for its framework and features (the decision record, which every
    result has its own of, is added to it), and a fresh dict each call, so callers may
    change it."""
    project = replace(spec, decision=None, source=())
    return _with_decision(dict(_rendered(project, spec.decision is not None)), spec)


def _mode(path: str) -> int:
    return 0o755 if path == "manage.py" else 0o644  # ./manage.py runs, as in any Django


def zip_bytes(spec: StarterSpec) -> bytes:
    """The starter as a zip, the same bytes for the same spec: every entry under one top
    folder (``spec.name``), sorted, dated 1980-01-01, with fixed permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in render_files(spec).items():
            entry = zipfile.ZipInfo(f"{spec.name}/{path}", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, so that the permissions below are read
            entry.external_attr = (0o100000 | _mode(path)) << 16
            archive.writestr(entry, content, compresslevel=9)
    return buffer.getvalue()


def write_tree(spec: StarterSpec, dest: Path) -> None:
    """Write the starter's files into ``dest``, which must be missing or empty: every file, or
    none. A missing ``dest`` is written as a hidden folder beside it, renamed ``dest`` at the
    end; an empty one (perhaps a mount point, or a folder with its own owner) is written in
    place and emptied again if the write fails. So a write that fails (no space, no
    permission, a file where a folder should be) leaves nothing behind, not even the folders
    it made on the way, and nothing that was there before is touched.

    Raises FileExistsError if ``dest`` holds anything (a starter never overwrites), OSError
    if it cannot be written."""
    dest = Path(dest).absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder")
    if dest.is_dir():
        try:
            _write_files(spec, dest)
        except BaseException:
            for written in dest.iterdir():
                if written.is_dir():
                    shutil.rmtree(written)
                else:
                    written.unlink()
            raise
        return
    made = [folder for folder in dest.parents if not folder.exists()]  # the nearest first
    staging = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.partial"
    try:
        staging.mkdir(parents=True)
        _write_files(spec, staging)
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in made:
            try:
                folder.rmdir()  # only while empty: another run may be writing beside it
            except OSError:
                break
        raise


def _write_files(spec: StarterSpec, folder: Path) -> None:
    for path, content in render_files(spec).items():
        target = folder.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        target.chmod(_mode(path))


def tree(spec: StarterSpec) -> list[str]:
    """The starter's files as the lines of a `tree` listing, folders first, e.g.
    ``["flask-starter/", "├── starter/", "│   ├── __init__.py", ...]``."""
    nested: dict[str, Any] = {}
    for path in render_files(spec):
        *folders, name = path.split("/")
        level = nested
        for folder in folders:
            level = level.setdefault(folder + "/", {})
        level[name] = {}
    lines = [spec.name + "/"]

    def walk(level: dict[str, Any], indent: str) -> None:
        names = sorted(level, key=lambda name: (not name.endswith("/"), name))
        for index, name in enumerate(names):
            last = index == len(names) - 1
            lines.append(indent + ("└── " if last else "├── ") + name)
            walk(level[name], indent + ("    " if last else "│   "))

    walk(nested, "")
    return lines
