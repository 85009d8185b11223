"""The shape docs/architecture.md describes: data flows one way, and no surface (the HTML
views, the PDF renderer, the JSON API, the terminal) imports another."""

import ast
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[1] / "guide"
SURFACES = {
    "guide.web.views": ("guide.web.views", "guide.web.questionnaire"),
    "guide.pdf": ("guide.pdf",),  # its renderer and its view
    "guide.api": ("guide.api",),
    "guide.web.card": ("guide.web.card",),  # the link-preview image
    "guide.management": ("guide.management",),
}
LONGEST = 300  # lines: a module that grows past this is split along its own seams


def module_name(path: Path) -> str:
    parts = path.relative_to(GUIDE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def surface_of(name: str) -> str | None:
    for surface, prefixes in SURFACES.items():
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return surface
    return None


MODULES = sorted(p for p in GUIDE.rglob("*.py") if "migrations" not in p.parts)
#: Where the surfaces are wired together, and so may name them all.
WIRING = {"config.urls", "guide.apps"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GUIDE)))
def test_no_surface_imports_another(path):
    if module_name(path) in WIRING:
        return
    mine = surface_of(module_name(path))
    for target in imports_of(path):
        theirs = surface_of(target)
        assert theirs is None or theirs == mine, f"{module_name(path)} imports {target}"


def test_the_engine_imports_nothing_of_the_rest_of_the_guide():
    for path in (GUIDE / "engine").rglob("*.py"):
        outside = {t for t in imports_of(path) if t.startswith("guide.")}
        assert all(t.startswith("guide.engine") for t in outside), (path, outside)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GUIDE)))
def test_every_module_fits_in_a_head(path):
    assert len(path.read_text().splitlines()) <= LONGEST
