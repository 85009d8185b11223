"""Starter kits: a runnable, tested project matched to a result, made by Copier.

The template is data, in ``starters/``: one Copier template whose first question picks
the framework (starters/README.md documents every question). This module is the pure
generator every surface shares: it turns a result into a :class:`StarterSpec`, renders
it once per process and hands out its files (their requirements completed from the
framework's lock, and the decision record the result makes), a zip, a folder, a tree and
the file that shows each feature best. No Django, no HTTP."""

import functools
import io
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:
    from jinja2 import Template

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
#: The decision record's template: the generator renders it for a result (Copier does not).
DECISION_TEMPLATE = "shared/decision.md.jinja"
#: Each framework's resolution of every pin its template has (guide/starters/locks.py makes
#: it), and the name its input goes by there.
LOCK_NAME = "requirements.lock"
LOCK_INPUT = "requirements.in"
#: The requirements files a project gets, each completed from the lock; the second
#: includes the first with ``-r``.
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")

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


def one_line(text: str) -> str:
    """``text`` as one line of text: runs of whitespace and control characters become one
    space, so no text from a result can start a new line of Markdown."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())


@dataclass(frozen=True)
class Reason:
    """One reason a result gives: the framework it favours (by name), a few words to follow
    "because" (may be empty), the reason in full, and where it comes from."""

    option: str
    because: str
    text: str
    sources: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """Something other than Flask and Django that a result suggests looking at."""

    name: str
    url: str
    why: str

    def __post_init__(self) -> None:
        if not _URL.fullmatch(self.url):
            raise ValueError(f"not an https address: {self.url!r}")


@dataclass(frozen=True)
class Decision:
    """Why a project uses its framework, as a result of the guide tells it: what the
    project's docs/decisions/0001-use-<framework>.md records (:func:`decision_record`).

    ``answers`` are (question, answer) pairs as the guide words them; ``permalink`` is the
    result's address, or "" for a result that was never saved. Raises ValueError for an
    address that is not http(s)."""

    framework_name: str  # the framework the project uses, "Django"
    other_name: str  # the one it does not, "Flask"
    recommended_name: str  # the guide's recommendation: either of them
    confidence: str  # how sure the guide is: "Clear", "Lean", "Toss-up", ...
    summary: str  # the recommendation in a sentence
    answers: tuple[tuple[str, str], ...] = ()
    reasons: tuple[Reason, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    permalink: str = ""

    def __post_init__(self) -> None:
        if self.permalink and not re.fullmatch(r"https?://[^\s<>()\[\]]{1,500}", self.permalink):
            raise ValueError(f"not a web address: {self.permalink!r}")


@dataclass(frozen=True)
class StarterSpec:
    """What to generate: a framework and features, checked and completed on creation, and
    the decision it comes from, if a result of the guide made it.

    ``features`` holds what the starter will have, which may be more than was asked for:
    see :func:`resolve_features`. Raises ValueError for an unknown framework or feature.
    """

    framework: str
    features: frozenset[str] = frozenset()
    next_steps: tuple[NextStep, ...] = ()
    decision: Decision | None = None

    def __post_init__(self) -> None:
        if self.framework not in FRAMEWORKS:
            raise ValueError(f"unknown framework: {self.framework!r}")
        if isinstance(self.features, str):
            raise ValueError("features must be a collection of ids, not one string")
        if not all(isinstance(step, NextStep) for step in self.next_steps):
            raise ValueError("next_steps must be NextStep objects")
        if self.decision is not None and not isinstance(self.decision, Decision):
            raise ValueError("decision must be a Decision")
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


def spec_from_result(
    snapshot: Mapping[str, Any], framework: str | None = None, *, permalink: str = ""
) -> StarterSpec:
    """The starter for a result (a :class:`~guide.engine.Snapshot`), for ``framework`` or
    else the recommended one, with the decision record the result makes (``permalink``:
    the result's absolute address, if it has one).

    The result's features become the starter's; "Yes" to ``ml_model`` adds ``predict``;
    the features it writes no code for become next steps, with the result's links for that
    framework. Raises ValueError for an unknown framework or a link that is not https.
    """
    chosen = framework or str(snapshot["recommendation"])
    if chosen not in FRAMEWORKS:
        raise ValueError(f"unknown framework: {chosen!r}")
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
    decision = decision_from_result(snapshot, chosen, permalink)
    return StarterSpec(chosen, frozenset(features), next_steps, decision)


def decision_from_result(snapshot: Mapping[str, Any], chosen: str, permalink: str) -> Decision:
    """What a result says about choosing ``chosen``, for its decision record."""
    names = {str(score["option"]): str(score["name"]) for score in snapshot["scores"]}
    return Decision(
        framework_name=names[chosen],
        other_name=next(name for option, name in names.items() if option != chosen),
        recommended_name=str(snapshot["recommendation_name"]),
        confidence=str(snapshot["confidence_label"]),
        summary=str(snapshot["recommendation_summary"]),
        answers=tuple(
            (str(a["prompt"]), str(a["label"]) + (" (assumed)" if a.get("assumed") else ""))
            for a in snapshot["answers"]
            if a.get("asked", True) or a.get("assumed")  # not the questions never put
        ),
        reasons=tuple(
            Reason(
                names.get(str(reason["favours"]), str(reason["favours"])),
                str(reason.get("because", "")),
                str(reason["text"]),
                tuple(Link(str(x["title"]), str(x["url"])) for x in reason.get("sources", [])),
            )
            for reason in snapshot["reasons"]
        ),
        alternatives=tuple(
            Alternative(str(x["name"]), str(x["url"]), str(x["why"]))
            for x in snapshot["alternatives"]
        ),
        permalink=permalink,
    )


# -- requirements: each project's share of its framework's lock ----------------------------

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


def complete_requirements(files: Mapping[str, bytes], framework: str) -> dict[str, bytes]:
    """The project's requirements files as rendered (top-level pins only), each followed by
    what its pins need from the framework's lock and no file before it installs: so every
    file is complete, and the versions are those of one resolution."""
    lock = lock_for(framework)
    completed: dict[str, bytes] = {}
    installed: set[str] = set()
    for path in REQUIREMENTS:
        text = files[path].decode()
        own = {canonical(pin.partition("[")[0].partition("=")[0]) for pin in pins_in(text)}
        mine = closure(lock, own)
        needed = sorted(mine - own - installed)
        installed |= mine
        if needed:
            lines = [
                f"{lock[name].line}  # via {', '.join(sorted(lock[name].needed_by & installed))}"
                for name in needed
            ]
            text = f"{text.rstrip()}\n\n# What those need\n" + "\n".join(lines) + "\n"
        completed[path] = text.encode()
    return completed


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
    files |= complete_requirements(files, spec.framework)
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
    if spec.decision is not None:
        files = {**files, decision_path(spec): decision_record(spec).encode()}
    return dict(sorted(files.items()))


@functools.lru_cache(maxsize=256)
def _rendered(spec: StarterSpec, recorded: bool) -> tuple[tuple[str, bytes], ...]:
    return tuple(_copier_render(spec, recorded=recorded).items())


def render_files(spec: StarterSpec) -> dict[str, bytes]:
    """The starter's files, relative POSIX path -> content, sorted; the project rendered
    once per process for its framework and features (the decision record, which every
    result has its own of, is added to it), and a fresh dict each call, so callers may
    change it."""
    project = replace(spec, decision=None)
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
    """Write the starter's files into ``dest``, which must be missing or empty.

    Raises FileExistsError if ``dest`` holds anything: a starter never overwrites."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder")
    for path, content in render_files(spec).items():
        target = dest.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        target.chmod(_mode(path))


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
    return str(_decision_template().render(decision=_on_one_line(decision)))


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
    return environment.get_template(DECISION_TEMPLATE)


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
