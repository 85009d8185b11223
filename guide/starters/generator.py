"""Starter kits: a runnable, tested project matched to a result, made by Copier.

The templates are data, in ``starters/<framework>/`` (starters/README.md documents their
questions). This module is the pure generator every surface shares: it turns a result into
a :class:`StarterSpec`, renders it once per process and hands out its files, a zip, a
folder, a tree and the file that shows each feature best. No Django, no HTTP.
"""

import functools
import io
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal, get_args

STARTERS = Path(__file__).resolve().parents[2] / "starters"
#: The frameworks a starter can be made for, each a template in ``starters/``.
Framework = Literal["flask", "django"]
FRAMEWORKS: tuple[Framework, ...] = get_args(Framework)


def framework_named(name: str | None) -> Framework | None:
    """The framework ``name`` names (None for None); ValueError for one without a starter."""
    for framework in FRAMEWORKS:
        if name == framework:
            return framework
    if name is None:
        return None
    raise ValueError(f"unknown framework: {name[:40]!r}")


#: The features a starter writes code for: id -> label (the guide's own, where it has one).
FEATURES: dict[str, str] = {
    "auth": "Log-in and permissions",
    "forms": "Forms and validation",
    "orm": "Relational database and migrations",
    "nosql": "NoSQL data store",
    "admin": "Admin back office",
    "rest": "REST API",
    "rate_limit": "Rate limiting",
    "predict": "Model-serving endpoint",
}
#: A feature that only works on top of another brings it (starters/README.md says why).
NEEDS = {"admin": "auth", "rate_limit": "rest"}
#: Features that keep data somewhere: without a data store, they bring ``orm``.
KEEPS_DATA = frozenset({"auth", "forms", "rest"})
STORES = frozenset({"orm", "nosql"})

#: For each framework, feature id -> the file that shows that feature best.
KEY_FILES: dict[str, dict[str, str]] = {
    "flask": {
        "auth": "starter/auth.py",
        "forms": "starter/forms.py",
        "orm": "starter/models.py",
        "nosql": "starter/mongo.py",
        "admin": "starter/admin.py",
        "rest": "starter/api.py",
        "rate_limit": "starter/limits.py",
        "predict": "starter/predict.py",
    },
    "django": {
        "auth": "core/accounts.py",
        "forms": "core/forms.py",
        "orm": "core/models.py",
        "nosql": "core/mongo.py",
        "admin": "core/admin.py",
        "rest": "core/api.py",
        "rate_limit": "starter/settings.py",
        "predict": "core/predict.py",
    },
}
ANSWERS_FILE = ".copier-answers.yml"

# What may reach a README from a result: one line of plain text, and https addresses.
_PLAIN = re.compile(r"[^\x00-\x1f\x7f\[\]<>`|*]{1,200}")
_URL = re.compile(r"https://[^\s\"'`<>()\[\]]{1,500}")
_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Link:
    title: str
    url: str

    def __post_init__(self) -> None:
        if not _PLAIN.fullmatch(self.title) or not _URL.fullmatch(self.url):
            raise ValueError(f"not a plain title and an https address: {self!r}")


@dataclass(frozen=True)
class NextStep:
    """A need the starter writes no code for: its README says where to begin."""

    feature: str
    label: str
    links: tuple[Link, ...] = ()

    def __post_init__(self) -> None:
        if not _ID.fullmatch(self.feature) or self.feature in FEATURES:
            raise ValueError(f"not a next-step feature id: {self.feature!r}")
        if not _PLAIN.fullmatch(self.label):
            raise ValueError(f"not a plain label: {self.label!r}")
        if not all(isinstance(link, Link) for link in self.links):
            raise ValueError("links must be Link objects")


@dataclass(frozen=True)
class StarterSpec:
    """What to generate: a framework and features, checked and completed on creation.

    ``features`` holds what the starter will have, which may be more than was asked for:
    see :func:`resolve_features`. Raises ValueError for an unknown framework or feature.
    """

    framework: str
    features: frozenset[str] = frozenset()
    next_steps: tuple[NextStep, ...] = ()

    def __post_init__(self) -> None:
        if self.framework not in FRAMEWORKS:
            raise ValueError(f"unknown framework: {self.framework!r}")
        if isinstance(self.features, str):
            raise ValueError("features must be a collection of ids, not one string")
        if not all(isinstance(step, NextStep) for step in self.next_steps):
            raise ValueError("next_steps must be NextStep objects")
        object.__setattr__(self, "features", resolve_features(self.features))
        object.__setattr__(self, "next_steps", tuple(self.next_steps))

    @property
    def name(self) -> str:
        """The project's name and top folder, e.g. "flask-starter"."""
        return f"{self.framework}-starter"


def resolve_features(requested: Iterable[str]) -> frozenset[str]:
    """The features a starter gets for those asked for, so that every set works.

    orm and nosql are one choice of data store: asked together, the relational database
    wins (the one Django's own log-in and admin need anyway, and the guide's default).
    admin brings auth; rate_limit brings rest; auth, forms and rest keep data, so they
    bring orm unless nosql is there. Raises ValueError for an unknown id.
    """
    features = set(requested)
    if unknown := features - FEATURES.keys():
        raise ValueError(f"unknown features: {', '.join(sorted(map(repr, unknown)))}")
    if features >= STORES:
        features.discard("nosql")
    features |= {NEEDS[feature] for feature in features & NEEDS.keys()}
    if features & KEEPS_DATA and not features & STORES:
        features.add("orm")
    return frozenset(features)


def spec_from_result(snapshot: Mapping[str, Any], framework: str | None = None) -> StarterSpec:
    """The starter for a result (a :class:`~guide.engine.Snapshot`), for ``framework`` or
    else the recommended one.

    The result's features become the starter's; "Yes" to ``ml_model`` adds ``predict``;
    the features it writes no code for become next steps, with the result's links for that
    framework. Raises ValueError for an unknown framework or a link that is not https.
    """
    chosen = framework or str(snapshot["recommendation"])
    called_for = snapshot["links"]["features"]
    features = {str(entry["feature"]) for entry in called_for} & FEATURES.keys()
    if any(
        answer["question"] == "ml_model" and answer["choice"] == "yes"
        for answer in snapshot["answers"]
    ):
        features.add("predict")
    next_steps = tuple(
        NextStep(
            str(entry["feature"]),
            str(entry["label"]),
            tuple(Link(str(x["title"]), str(x["url"])) for x in entry["links"].get(chosen, [])),
        )
        for entry in called_for
        if entry["feature"] not in FEATURES
    )
    return StarterSpec(chosen, frozenset(features), next_steps)


def answers(spec: StarterSpec) -> dict[str, Any]:
    """The template's answers for ``spec``: its data contract (starters/README.md)."""
    data: dict[str, Any] = {feature: feature in spec.features for feature in FEATURES}
    data["next_steps"] = [
        {
            "feature": step.feature,
            "label": step.label,
            "links": [{"title": link.title, "url": link.url} for link in step.links],
        }
        for step in spec.next_steps
    ]
    return data


# Copier and plumbum keep process-wide state (plumbum's environment below): one at a time.
_copier_lock = threading.Lock()


def generate(spec: StarterSpec) -> dict[str, bytes]:
    """Render ``spec`` with Copier into a temporary folder and read it back, uncached:
    relative POSIX path -> content, sorted by path. :func:`render_files` caches this."""
    # Imported here: Copier takes a third of a second to import, which only the first
    # render should pay, not every process that imports this module.
    from copier import Settings, run_copy
    from plumbum import local

    # An empty PATH hides git from Copier. For a template that is no repository's root,
    # rendered into a new folder, its git calls (`rev-parse` on the template, `git config`
    # for every file it writes) find nothing, and cost more than the rendering itself.
    with _copier_lock, tempfile.TemporaryDirectory() as folder, local.env(PATH=""):
        run_copy(
            str(STARTERS / spec.framework),
            folder,
            data=answers(spec),
            settings=Settings(),  # not the user's Copier settings: the same project anywhere
            defaults=True,
            overwrite=True,
            quiet=True,
        )
        root = Path(folder)
        files = {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file()
        }
    # Copier records the template's place on this disk; the project gets its place in
    # the guide's repository instead, the same on every server.
    files[ANSWERS_FILE] = re.sub(
        rb"(?m)^_src_path: .*$",
        f"_src_path: starters/{spec.framework}".encode(),
        files[ANSWERS_FILE],
    )
    return dict(sorted(files.items()))


@functools.lru_cache(maxsize=256)
def _rendered(spec: StarterSpec) -> tuple[tuple[str, bytes], ...]:
    return tuple(generate(spec).items())


def render_files(spec: StarterSpec) -> dict[str, bytes]:
    """The starter's files, relative POSIX path -> content, sorted; rendered once per
    process (a fresh dict each call, so callers may change it)."""
    return dict(_rendered(spec))


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
    """Write the starter's files into ``dest``, which must be missing or empty.

    Raises FileExistsError if ``dest`` holds anything: a starter never overwrites."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder")
    for path, content in render_files(spec).items():
        target = dest.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        target.chmod(_mode(path))


def key_files(spec: StarterSpec) -> dict[str, str]:
    """Feature id -> the path of the file that shows it best, for the starter's features,
    in the catalogue's order."""
    files = KEY_FILES[spec.framework]
    return {feature: files[feature] for feature in FEATURES if feature in spec.features}


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
