"""The decision record a starter project keeps: why it uses its framework, as a result of the
guide tells it, in MADR format. The generator renders it for each result (Copier does not), so
that results asking for the same features share one render of the project."""

import functools
import re
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .spec import RECORD_WORDS, STARTERS, StarterSpec

if TYPE_CHECKING:
    from jinja2 import Template

#: The decision record's template: the generator renders it for a result (Copier does not).
DECISION_TEMPLATE = "shared/decision.md.jinja"


def one_line(text: str) -> str:
    """``text`` as one line of text: runs of whitespace and control characters become one
    space, so no text from a result can start a new line of Markdown."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())


def markdown_text(text: str) -> str:
    """``text`` to stand in a line of Markdown as the very characters it is: what could start
    a link, an image, emphasis, code, HTML or an entity is escaped ("<b>" stays "<b>"). For
    what anyone may write (a team's title, its members' names). A bare address in it
    ("https://..."), which GitHub's Markdown shows as a link, stays one: as written."""
    return re.sub(r"([\\`*_\[\]<>&|~])", r"\\\1", text)


def decision_path(spec: StarterSpec) -> str:
    """Where a project keeps its decision record: "docs/decisions/0001-use-django.md"."""
    return f"docs/decisions/0001-use-{spec.framework}.md"


def decision_record(spec: StarterSpec) -> str:
    """The decision record of ``spec``'s project alone: Markdown in MADR format (the
    framework, the answers, the reasons with their sources, the other options, and the
    result's address), as its project holds it at :func:`decision_path`. Raises
    ValueError for a spec made without a result."""
    if spec.decision is None:
        raise ValueError("this starter was made without a result, so it records no decision")
    decision = asdict(spec.decision)
    decision["answers"] = [{"prompt": q, "label": a} for q, a in spec.decision.answers]
    words = {**RECORD_WORDS, **dict(spec.decision.words)}
    del decision["words"]
    return str(_decision_template().render(decision=_on_one_line(decision), words=words))


def _on_one_line(value: Any) -> Any:
    """``value`` with every text in it on one line (:func:`one_line`)."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, dict):
        return {key: _on_one_line(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_on_one_line(item) for item in value]
    return value


@functools.cache
def _decision_template() -> "Template":
    """starters/shared/decision.md.jinja, in a Jinja environment like the one Copier
    renders the template in (its ``_envops``), sandboxed as Copier's is."""
    import yaml
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    envops = yaml.safe_load((STARTERS / "copier.yml").read_text())["_envops"]
    environment = SandboxedEnvironment(loader=FileSystemLoader(STARTERS), **envops)
    environment.filters["md"] = markdown_text
    return environment.get_template(DECISION_TEMPLATE)
