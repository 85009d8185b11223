"""The shape docs/architecture.md describes: the folders are the layers, data flows one way
(site -> surfaces -> services -> engine), and no surface (the HTML views, the PDF renderer, the
JSON API, the terminal) imports another."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "guide"
SURFACES = {
    "guide.web.views": ("guide.web.views", "guide.web.questionnaire"),
    "guide.pdf": ("guide.pdf",),  # its renderer and its view
    "guide.api": ("guide.api",),
    "guide.web.card": ("guide.web.card",),  # the link-preview image
    "guide.management": ("guide.management",),
    "guide.admin": ("guide.admin",),
    "guide.templatetags": ("guide.templatetags",),
}
#: Below the surfaces: what they share.
SERVICES = ("guide.services", "guide.wording", "guide.starters", "guide.models")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
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
SITE = sorted((ROOT / "config").rglob("*.py"))
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


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GUIDE)))
def test_the_app_never_reaches_up_into_the_site_package(path):
    assert not any(under(t, ("config",)) for t in imports_of(path)), module_name(path)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GUIDE)))
def test_what_the_surfaces_share_never_imports_a_surface(path):
    if not under(module_name(path), SERVICES):
        return
    for target in imports_of(path):
        assert surface_of(target) is None, f"{module_name(path)} imports {target}"


def test_the_words_read_only_the_engines_result():
    for path in (GUIDE / "wording").rglob("*.py"):
        outside = {t for t in imports_of(path) if t.startswith("guide.")}
        assert all(under(t, ("guide.engine", "guide.wording")) for t in outside), (path, outside)


def test_the_starter_generator_is_pure():
    """generator.py and the parts it is made of import neither Django nor the rest of the
    guide: every module it reaches is one of its own in guide/starters/."""
    todo, seen = ["guide.starters.generator"], set()
    while todo:
        name = todo.pop()
        seen.add(name)
        outside = imports_of(ROOT.joinpath(*name.split(".")).with_suffix(".py"))
        assert not any(under(t, ("django",)) for t in outside), (name, outside)
        ours = {t for t in outside if t.startswith("guide.")}
        assert all(under(t, ("guide.starters",)) for t in ours), (name, ours)
        parts = {t for t in ours if ROOT.joinpath(*t.split(".")).with_suffix(".py").is_file()}
        todo.extend(parts - seen)
    assert {"guide.starters.spec", "guide.starters.render"} <= seen, seen


def test_the_top_of_the_app_holds_only_what_django_looks_for():
    loose = {p.name for p in GUIDE.glob("*.py")}
    assert loose <= {"__init__.py", "apps.py", "admin.py", "models.py"}, loose


@pytest.mark.parametrize(
    "path",
    [p for folder in ("guide", "config", "deploy") for p in sorted((ROOT / folder).rglob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_module_of_the_site_is_past_600_lines(path):
    """docs/architecture.md: a module that grows past 600 lines has taken a second job, to
    be split along its seams."""
    assert len(path.read_text().splitlines()) <= 600
