"""questions.yaml as plain data, read with errors a person can act on.

:func:`parse_yaml` turns the file's text into data with a safe loader only, so a tag such as
``!!python/object`` is an error, never code, and keeps the node tree for line numbers.
:class:`Reader` gives typed access to that data: every check that fails raises a
:class:`RulebookError` naming the file, the path inside it (``questions[3].choices[1].effects``)
and the line, so whoever edits the guide's knowledge can find the mistake without reading
Python. What the values mean is the schema's business (:mod:`guide.engine.rulebook_reader`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import yaml

T = TypeVar("T")
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PathPart = str | int
Where = tuple[PathPart, ...]


class RulebookError(ValueError):
    """questions.yaml is malformed or inconsistent. ``str()`` is one line for a person."""

    def __init__(self, message: str, *, file: str, path: str = "", line: int | None = None):
        self.message, self.file, self.path, self.line = message, file, path, line
        where = file + (f":{line}" if line else "") + (f" at {path}" if path else "")
        super().__init__(f"{where}: {message}")


def parse_yaml(raw: bytes | str, *, file: str) -> tuple[Any, yaml.Node | None]:
    """The plain data in ``raw`` and its node tree (for line numbers). Raises
    :class:`RulebookError` for text that is not UTF-8, malformed YAML, a forbidden tag or a
    key given twice."""
    data_bytes = raw.encode() if isinstance(raw, str) else raw
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulebookError("the file is not UTF-8 text", file=file) from exc
    # One safe loader does what yaml.safe_load does (build the node tree, then construct plain
    # data from it), keeping the tree in between: it finds duplicate keys, which safe_load
    # silently overwrites, and the line of any later error. The C loader (libyaml) is the
    # same safe constructor, only faster; tags such as !!python/object are refused by both.
    loader = _SafeLoader(text)
    try:
        root = loader.get_single_node()
        _reject_duplicate_keys(root, file)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise RulebookError(f"not valid YAML: {problem}", file=file, line=line) from exc
    except yaml.YAMLError as exc:
        raise RulebookError(f"not valid YAML: {exc}", file=file) from exc
    finally:
        loader.dispose()
    return data, root


def _reject_duplicate_keys(node: yaml.Node | None, file: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                raise RulebookError(
                    f"the key '{key.value}' appears twice", file=file, line=key.start_mark.line + 1
                )
            seen.add(key.value)
            _reject_duplicate_keys(value, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, file)


class Reader:
    """Walks the parsed data, checking each value and remembering where it is."""

    def __init__(self, file: str, root: yaml.Node | None):
        self.file, self.root = file, root

    # -- errors ---------------------------------------------------------------------------

    def fail(self, where: Where, message: str) -> RulebookError:
        """The error to raise for ``message`` about the value at ``where``, with its line."""
        return RulebookError(
            message, file=self.file, path=_format_path(where), line=self._line_of(where)
        )

    def _line_of(self, where: Where) -> int | None:
        node = self.root
        found = node
        for part in where:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part] if part < len(node.value) else None
            else:
                node = None
            if node is None:
                break
            found = node
        return found.start_mark.line + 1 if found is not None else None

    # -- typed access ---------------------------------------------------------------------

    def mapping(
        self,
        value: Any,
        where: Where,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> dict[str, Any]:
        """``value`` as a mapping that has every ``required`` key and no key but those and the
        ``optional`` ones."""
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, found {_kind(value)}")
        required, optional = tuple(required), tuple(optional)
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                raise self.fail((*where, str(key)), f"unknown key '{key}' (allowed: {allowed})")
        for key in required:
            if key not in value:
                raise self.fail(where, f"missing required key '{key}'")
        return value

    def items(self, value: Any, where: Where, *, allow_empty: bool = False) -> list[Any]:
        """``value`` as a list, which must not be empty unless ``allow_empty``."""
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, found {_kind(value)}")
        if not value and not allow_empty:
            raise self.fail(where, "the list is empty")
        return value

    def text(self, value: Any, where: Where) -> str:
        """``value`` as non-empty text, its runs of whitespace folded into one space."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected non-empty text, found {_kind(value)}")
        return " ".join(value.split())

    def ident(self, value: Any, where: Where) -> str:
        """``value`` as an id: lower-case ASCII letters, digits and '_', first a letter."""
        ok = isinstance(value, str) and value.replace("_", "a").isalnum() and value.isascii()
        if not ok or not value[0].isalpha() or value != value.lower():
            raise self.fail(where, f"ids are lower-case letters, digits and '_', found {value!r}")
        return str(value)

    def number(
        self,
        value: Any,
        where: Where,
        *,
        low: float,
        high: float,
        low_open: bool = False,
    ) -> float:
        """``value`` as a number from ``low`` (excluded if ``low_open``) to ``high``."""
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(where, f"expected a number, found {_kind(value)}")
        below = value <= low if low_open else value < low
        if below or value > high:
            bound = "(" if low_open else "["
            raise self.fail(where, f"{value} is out of range {bound}{low:g}, {high:g}]")
        return float(value)

    def date(self, value: Any, where: Where) -> str:
        """A calendar date, written YYYY-MM-DD (YAML reads it as a date)."""
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise self.fail(where, f"expected a date such as 2026-11-23, found {_kind(value)}")
        return value.isoformat()

    def url(self, value: Any, where: Where) -> str:
        """``value`` as an https:// address."""
        url = self.text(value, where)
        # Only web links: a javascript: or file: URL in the data must never reach a page.
        if not url.startswith("https://") or " " in url:
            raise self.fail(where, f"links must be https:// URLs, found {url!r}")
        return url

    def unique(self, things: list[T], key: Callable[[T], str], where: Where, noun: str) -> None:
        """Refuses two of ``things`` with the same ``key``."""
        seen: set[str] = set()
        for index, thing in enumerate(things):
            ident = key(thing)
            if ident in seen:
                raise self.fail((*where, index), f"duplicate {noun} id '{ident}'")
            seen.add(ident)

    def ref(self, value: Any, where: Where, known: Iterable[str], noun: str) -> str:
        """``value`` as one of the ``known`` ids of a ``noun``."""
        known = tuple(known)
        if value not in known:
            raise self.fail(where, f"unknown {noun} '{value}' (known: {', '.join(known)})")
        return str(value)

    def list_of(
        self,
        top: dict[str, Any],
        key: str,
        build: Callable[[Any, Where], T],
        *,
        allow_empty: bool = False,
    ) -> list[T]:
        """The entries of the top-level list ``key``, each made by ``build`` from its value
        and path; two entries with the same ``id`` are refused."""
        values = self.items(top.get(key, []), (key,), allow_empty=allow_empty)
        built: list[T] = []
        seen: set[str] = set()
        for index, value in enumerate(values):
            thing = build(value, (key, index))
            ident = getattr(thing, "id", None)
            if ident is not None:
                if ident in seen:
                    raise self.fail((key, index, "id"), f"duplicate id '{ident}' in {key}")
                seen.add(ident)
            built.append(thing)
        return built


def _format_path(parts: Where) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }
    return names.get(type(value), type(value).__name__)
