"""Load questions.yaml into a validated :class:`~guide.engine.model.Rulebook`.

Every problem is a :class:`RulebookError` that names the file, the path inside it
(``questions[3].choices[1].effects``) and the line, so whoever edits the guide's knowledge can
find the mistake without reading Python. Loading reads top-down, one job a module:

- :mod:`~guide.engine.yaml_reader`: text to data with a safe loader only (a tag such as
  ``!!python/object`` is an error, never code), typed access to it, and the error type;
- :mod:`~guide.engine.rulebook_reader`: the schema in questions.yaml's header, entry by entry;
- :mod:`~guide.engine.citations`: every claim names its sources, every quote backs a claim;
- this module: the entry points, the rules' version, and last
  :func:`guide.engine.monotone.direction_problems`, which refuses a file in which an answer
  could work against itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .model import Rulebook
from .monotone import direction_problems
from .rulebook_reader import RulebookReader
from .yaml_reader import RulebookError, parse_yaml

__all__ = ["RulebookError", "load_rulebook", "parse_rulebook"]


def load_rulebook(path: str | Path) -> Rulebook:
    """Read, parse and validate the rulebook at ``path``.

    Returns a frozen :class:`Rulebook` whose ``version`` is a short hash of the file's bytes.
    Raises :class:`RulebookError` for an unreadable file, malformed YAML, a forbidden tag, an
    unknown key or reference, a duplicate id or a number out of range.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulebookError(f"cannot read the file ({exc.strerror})", file=str(path)) from exc
    return parse_rulebook(raw, file=str(path))


def parse_rulebook(raw: bytes | str, *, file: str = "<questions.yaml>") -> Rulebook:
    """Validate a rulebook given as text; see :func:`load_rulebook`."""
    data, root = parse_yaml(raw, file=file)
    data_bytes = raw.encode() if isinstance(raw, str) else raw
    version = hashlib.sha256(data_bytes).hexdigest()[:12]
    reader = RulebookReader(file, root)
    rulebook = reader.rulebook(data, version)
    for problem in direction_problems(rulebook):
        raise reader.fail(("questions", problem.index, "choices"), problem.message)
    return rulebook
