"""Requirements: each project's share of its framework's lock.

A template pins only what its code imports and the tools it runs; each framework's lock
(``starters/<framework>/requirements.lock``, made by :mod:`guide.starters.locks`) resolves
every pin it has together. A project's requirements files get the closure of their own pins in
that lock, so every file is complete and the versions are those of one resolution. The template
does that itself (``starters/shared/requirements.jinja``), from the locks written as a Jinja
table (:func:`locks_table`), so a project made by Copier alone from the published template
has the same files as one made by the guide."""

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .spec import FRAMEWORKS, STARTERS

#: Each framework's resolution of every pin its template has (guide/starters/locks.py makes
#: it), and the name its input goes by there.
LOCK_NAME = "requirements.lock"
LOCK_INPUT = "requirements.in"
#: The requirements files a project gets, each completed from the lock; the second
#: includes the first with ``-r``.
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
#: The locks as the template reads them (:func:`locks_table`).
LOCKS_TABLE = STARTERS / "shared" / "locks.jinja"

#: A top-level pin as a template writes it: ``Name[extras]==version``, alone on its line.
PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[a-z0-9,_-]+\])?==[\w.]+")
#: A package line of uv's output: ``name==version``, perhaps `` ; marker``.
_LOCKED = re.compile(r"(?P<name>[a-z0-9][a-z0-9._-]*)==[\w.+!]+(?: ; .+)?")


def canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares them: "Flask_SQLAlchemy" -> "flask-sqlalchemy"."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins_in(text: str) -> list[str]:
    """The top-level pins among ``text``'s lines, e.g. ``["Flask==3.1.3"]``: not comments,
    blank lines, ``-r`` includes or Jinja tags."""
    return [line.strip() for line in text.splitlines() if PIN.fullmatch(line.strip())]


@dataclass(frozen=True)
class Locked:
    """One package of a lock: its requirement line, and the packages that need it."""

    name: str  # canonical
    line: str  # "numpy==2.4.6", or "colorama==0.4.6 ; sys_platform == 'win32'"
    needed_by: frozenset[str]  # canonical names
    pinned: bool  # a template pins it by name (uv's "-r requirements.in")


def parse_lock(text: str) -> dict[str, Locked]:
    """Canonical name -> package, from uv's ``pip compile`` output (its default, split
    ``# via`` notes). Raises ValueError for a line it cannot read, or a package locked twice
    (two versions for two Pythons: lock with ``--fork-strategy fewest``)."""
    packages: dict[str, Locked] = {}
    entries: list[tuple[str, str, list[str]]] = []
    for raw in text.splitlines():
        note = raw.strip()
        if not note or raw.startswith("#"):
            continue
        if not raw[0].isspace():
            if not (match := _LOCKED.fullmatch(note)):
                raise ValueError(f"not a locked requirement: {raw!r}")
            entries.append((match["name"], note, []))
        elif entries and note.startswith(("# via ", "#   ")):
            entries[-1][2].append(note.removeprefix("# via ").removeprefix("#   ").strip())
        elif note != "# via":
            raise ValueError(f"not a # via note: {raw!r}")
    for name, line, via in entries:
        if name in packages:
            raise ValueError(f"{name} is locked twice: lock with --fork-strategy fewest")
        asked = f"-r {LOCK_INPUT}"
        needed_by = frozenset(canonical(parent) for parent in via if parent != asked)
        packages[name] = Locked(name, line, needed_by, asked in via)
    return packages


@functools.cache
def lock_for(framework: str) -> dict[str, Locked]:
    """The committed lock of ``framework``'s template, read once per process."""
    return parse_lock((STARTERS / framework / LOCK_NAME).read_text())


def closure(lock: Mapping[str, Locked], names: Iterable[str]) -> set[str]:
    """``names`` and everything they need in ``lock``, transitively (canonical names).
    Raises KeyError for a name the lock does not hold: run `make starter-locks`."""
    needs: dict[str, set[str]] = {}
    for package in lock.values():
        for parent in package.needed_by:
            needs.setdefault(parent, set()).add(package.name)
    found: set[str] = set()
    todo = [canonical(name) for name in names]
    while todo:
        name = todo.pop()
        if name not in lock:
            raise KeyError(f"{name} is not in the starters' lock: run `make starter-locks`")
        if name not in found:
            found.add(name)
            todo.extend(needs.get(name, ()))
    return found


def locks_table() -> str:
    """The text of ``shared/locks.jinja``: every framework's lock as a Jinja table, so the
    template completes each project's requirements files itself (``shared/requirements.jinja``)
    and ``copier copy`` of the published template writes the same files as the guide. For each
    package: its line, the packages that need it (``via``) and all it needs, transitively.
    `make starter-locks` writes it; a test checks it matches the committed locks."""
    lines = [
        "[# Made by `make starter-locks` from each framework's requirements.lock: do not edit.",
        "   For each package: its requirement line, the packages that need it and everything it",
        "   needs, all the way down. shared/requirements.jinja reads it. #]",
        "[% set locks = {",
    ]
    for framework in sorted(FRAMEWORKS):
        lock = lock_for(framework)
        lines.append(f"  {json.dumps(framework)}: {{")
        for name, package in sorted(lock.items()):
            entry = {
                "line": package.line,
                "via": sorted(package.needed_by),
                "needs": sorted(closure(lock, [name]) - {name}),
            }
            lines.append(f"    {json.dumps(name)}: {json.dumps(entry)},")
        lines.append("  },")
    lines.append("} %]")
    return "\n".join(lines) + "\n"
