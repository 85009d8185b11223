"""The starter kits (guide/starters/generator.py and the template in starters/), for every
feature combination of both frameworks: the files each needs and no others, imports the
project declares, requirements that are one consistent share of the framework's lock,
nothing left unrendered, clean code, the rules between features said alike by Copier and
the generator, safe and repeatable zips. The production layer around the code and the
decision record are tests/test_starter_layer.py's; installing and running the projects is
tests/test_starter_projects.py's job."""

import ast
import io
import itertools
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
import yaml
from copier import Settings, run_copy
from copier._settings import SettingsModel

from guide.engine import check_answers, score
from guide.services.rulebook import get_rulebook
from guide.starters import render
from guide.starters.generator import (
    FEATURES,
    FRAMEWORKS,
    LOCK_NAME,
    LOCKS_TABLE,
    REQUIREMENTS,
    STARTERS,
    STORES,
    Link,
    NextStep,
    StarterSpec,
    answers,
    key_files,
    locks_table,
    parse_lock,
    render_files,
    resolve_features,
    spec_from_result,
    tree,
    write_tree,
    zip_bytes,
)
from guide.starters.locks import template_pins

COMBINATIONS = [
    frozenset(combination)
    for size in range(len(FEATURES) + 1)
    for combination in itertools.combinations(FEATURES, size)
]
#: Every spec a combination can make (several combinations resolve to one spec).
SPECS = sorted(
    {
        StarterSpec(framework, combination)
        for framework in FRAMEWORKS
        for combination in COMBINATIONS
    },
    key=lambda spec: (spec.framework, sorted(spec.features)),
)
EVERYTHING = {framework: StarterSpec(framework, frozenset(FEATURES)) for framework in FRAMEWORKS}

# fmt: off
#: The production layer every project has, whatever its framework.
LAYER = {
    ".copier-answers.yml", ".dockerignore", ".env.example", ".github/workflows/ci.yml",
    ".gitignore", ".pre-commit-config.yaml", "Dockerfile", "README.md", "compose.yaml",
    "gunicorn.conf.py", "pyproject.toml", "requirements.txt", "requirements-dev.txt",
}
#: The files every starter has, and those each feature adds (and no other feature does).
BASE = {
    "flask": LAYER | {
        "starter/__init__.py", "starter/config.py", "starter/logs.py", "starter/main.py",
        "starter/security.py", "starter/templates/base.html", "starter/templates/index.html",
        "tests/__init__.py", "tests/conftest.py", "tests/test_main.py", "tests/test_settings.py",
    },
    "django": LAYER | {
        "manage.py", "starter/__init__.py", "starter/settings.py", "starter/urls.py",
        "starter/wsgi.py", "core/__init__.py", "core/apps.py", "core/health.py", "core/views.py",
        "core/templates/core/base.html", "core/templates/core/index.html", "tests/__init__.py",
        "tests/settings.py", "tests/test_main.py", "tests/test_settings.py",
    },
}
OWN = {
    "flask": {
        "auth": {"starter/auth.py", "starter/templates/auth/login.html",
                 "starter/templates/auth/account.html", "tests/test_auth.py"},
        "forms": {"starter/forms.py", "starter/templates/notes/new.html", "tests/test_forms.py"},
        "orm": {"starter/db.py", "starter/models.py", "migrations/alembic.ini",
                "migrations/env.py", "migrations/script.py.mako",
                "migrations/versions/0001_initial.py", "tests/test_orm.py"},
        "nosql": {"starter/mongo.py", "tests/test_nosql.py"},
        "admin": {"starter/admin.py", "tests/test_admin.py"},
        "rest": {"starter/api.py", "tests/test_api.py"},
        "rate_limit": {"starter/limits.py", "tests/test_limits.py"},
        "predict": {"starter/predict.py", "tests/test_predict.py"},
    },
    "django": {
        "auth": {"core/accounts.py", "core/templates/registration/login.html",
                 "core/templates/core/account.html", "tests/test_auth.py",
                 "users/__init__.py", "users/apps.py", "users/models.py",
                 "users/migrations/__init__.py", "users/migrations/0001_initial.py",
                 "tests/test_users.py"},
        "forms": {"core/forms.py", "core/templates/core/note_form.html", "tests/test_forms.py"},
        "orm": {"core/models.py", "core/migrations/__init__.py",
                "core/migrations/0001_initial.py", "tests/test_orm.py"},
        "nosql": {"core/mongo.py", "tests/test_nosql.py"},
        "admin": {"core/admin.py", "users/admin.py", "tests/test_admin.py"},
        "rest": {"core/api.py", "tests/test_api.py"},
        "rate_limit": {"tests/test_throttling.py"},
        "predict": {"core/predict.py", "core/management/__init__.py",
                    "core/management/commands/__init__.py",
                    "core/management/commands/train.py", "tests/test_predict.py"},
    },
}
#: Files several features share: the notes' pages (either data store); Django's conftest
#: and its OpenAPI tests (REST framework serves the API and /predict).
SHARED = {
    "flask": {"starter/notes.py": {"orm", "nosql"},
              "starter/templates/notes/list.html": {"orm", "nosql"}},
    "django": {"core/templates/core/note_list.html": {"orm", "nosql"},
               "tests/conftest.py": {"nosql", "auth", "rate_limit"},
               "tests/test_schema.py": {"rest", "predict"}},
}

#: Import name -> the distribution that provides it, as the requirements files name it.
DISTRIBUTIONS = {
    "alembic": "alembic", "bson": "pymongo", "click": "click", "django": "Django",
    "django_stubs_ext": "django-stubs-ext", "drf_spectacular": "drf-spectacular",
    "environ": "django-environ", "environs": "environs", "flask": "Flask",
    "flask_admin": "Flask-Admin", "flask_limiter": "Flask-Limiter",
    "flask_login": "Flask-Login", "flask_migrate": "Flask-Migrate",
    "flask_smorest": "flask-smorest", "flask_sqlalchemy": "Flask-SQLAlchemy",
    "flask_wtf": "Flask-WTF", "itsdangerous": "itsdangerous", "joblib": "joblib",
    "marshmallow": "marshmallow", "mongomock": "mongomock", "pymongo": "pymongo",
    "pytest": "pytest", "rest_framework": "djangorestframework", "sklearn": "scikit-learn",
    "sqlalchemy": "SQLAlchemy", "webargs": "webargs", "werkzeug": "Werkzeug",
    "wtforms": "WTForms",
}
# fmt: on
#: A line of a generated requirements file: a pin, perhaps a marker, perhaps a "# via".
REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[a-z,]+\])?==(?P<version>[\w.]+)"
    r"(?: ; (?P<marker>[^#]+?))?(?:  # via (?P<via>.+))?"
)
HEADING = "# What those need"


@pytest.fixture(scope="module")
def rendered():
    """Every spec's files, rendered once for the whole module."""
    return {spec: render_files(spec) for spec in SPECS}


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def text_files(files):
    return {path: content.decode() for path, content in files.items()}


def requirements(text):
    """A requirements file's pins: (top-level ones, the ones they need), each a dict of
    canonical name -> the line's parts."""
    top, _, needed = text.partition(HEADING)

    def pins(part):
        lines = [line for line in part.splitlines() if line[:1].isalnum()]
        matches = [REQUIREMENT.fullmatch(line) for line in lines]
        assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
        return {canonical(m["name"]): m for m in matches}

    return pins(top), pins(needed)


def test_every_combination_has_the_files_of_its_features_and_no_others(rendered):
    for spec, files in rendered.items():
        framework, features = spec.framework, spec.features
        expected = BASE[framework].union(*(OWN[framework][feature] for feature in features))
        expected |= {path for path, users in SHARED[framework].items() if users & features}
        assert set(files) == expected, (spec, set(files) ^ expected)


def test_every_combination_resolves_to_a_spec_the_answers_file_records(rendered):
    for framework, combination in itertools.product(FRAMEWORKS, COMBINATIONS):
        spec = StarterSpec(framework, combination)
        recorded = yaml.safe_load(rendered[spec][".copier-answers.yml"])
        assert recorded.pop("_src_path") == "starters"
        assert recorded.pop("framework") == framework
        assert {feature for feature, on in recorded.items() if on} == spec.features
        assert recorded.keys() == FEATURES.keys()


def test_every_import_is_the_standard_library_the_project_or_a_top_level_pin(rendered):
    """The app imports only what requirements.txt pins by name, the tests what either
    file does: nothing it uses arrives only because another package needs it."""
    for spec, files in rendered.items():
        app_pins = set(requirements(files["requirements.txt"].decode())[0])
        dev_pins = app_pins | set(requirements(files["requirements-dev.txt"].decode())[0])
        own = {path.split("/")[0] for path in files if path.endswith("/__init__.py")}
        own |= {path.removesuffix(".py") for path in files if "/" not in path}
        for path, source in text_files(files).items():
            if not path.endswith(".py"):
                continue
            pinned = dev_pins if path.startswith("tests/") else app_pins
            for node in ast.walk(ast.parse(source, path)):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                else:
                    continue
                for top in {name.split(".")[0] for name in names}:
                    if top in sys.stdlib_module_names or top in own:
                        continue
                    assert top in DISTRIBUTIONS, f"{spec}: {path} imports {top}: map it"
                    assert canonical(DISTRIBUTIONS[top]) in pinned, f"{spec}: {path} needs {top}"


def test_every_projects_requirements_are_a_closed_share_of_its_frameworks_lock(rendered):
    """Each file is complete: every package a listed one needs (by the lock's "# via"
    notes) is listed too, in it or in requirements.txt, which requirements-dev.txt
    includes; and every line is the lock's own, so every project has the versions of one
    resolution."""
    for spec, files in rendered.items():
        lock = parse_lock((STARTERS / spec.framework / LOCK_NAME).read_text())
        installed = {}
        for path in REQUIREMENTS:
            top, needed = requirements(files[path].decode())
            assert not top.keys() & needed.keys(), (spec, path)
            installed |= top | needed
            for name, match in {**top, **needed}.items():
                line = lock[name].line
                assert line.split(" ; ")[0].split("==")[1] == match["version"], (spec, name)
                assert line.partition(" ; ")[2] == (match["marker"] or ""), (spec, name)
            for name, package in lock.items():
                if package.needed_by & (top.keys() | needed.keys()):
                    assert name in installed, f"{spec}: {path} lacks {name}"
            for name, match in needed.items():  # each says which listed packages need it
                assert set(match["via"].split(", ")) <= lock[name].needed_by & installed.keys()
        assert "-r requirements.txt" in files["requirements-dev.txt"].decode()


def test_the_locks_resolve_exactly_the_pins_the_templates_hold():
    """A pin changed in a template without `make starter-locks` fails here."""
    for framework in FRAMEWORKS:
        lock = parse_lock((STARTERS / framework / LOCK_NAME).read_text())
        pinned = {}
        for pin in template_pins(framework):
            name, _, version = re.sub(r"\[.*\]", "", pin).partition("==")
            pinned[canonical(name)] = version
        locked = {name: p.line.split(" ; ")[0].split("==")[1] for name, p in lock.items()}
        assert {name for name, p in lock.items() if p.pinned} == pinned.keys()
        assert {name: locked[name] for name in pinned} == pinned, "run `make starter-locks`"


def test_the_template_reads_the_locks_as_they_are_committed():
    """The table the template completes requirements from is the locks' own (a lock changed
    by hand, without `make starter-locks`, fails here)."""
    assert LOCKS_TABLE.read_text() == locks_table(), "run `make starter-locks`"


def test_packages_pinned_in_both_starters_are_pinned_to_the_same_version(rendered):
    pins: dict[str, set[str]] = {}
    for files in rendered.values():
        for path in REQUIREMENTS:
            top, needed = requirements(files[path].decode())
            for name, match in {**top, **needed}.items():
                pins.setdefault(name, set()).add(match["version"])
    assert {name: versions for name, versions in pins.items() if len(versions) > 1} == {}


def test_nothing_is_left_unrendered_and_no_path_of_this_server_leaks(rendered):
    here = str(STARTERS.parent)
    for spec, files in rendered.items():
        for path, text in text_files(files).items():
            assert not path.endswith(".jinja") and not re.search(r"[\[{][%#\[{]", path), path
            assert not re.search(r"\[\[ |\[%|\[#", text), (spec, path)  # not Callable[[...
            if not path.endswith(".html"):  # Flask's and Django's own templates use {{ }}
                assert "{{" not in text and "{%" not in text, (spec, path)
            assert here not in text, (spec, path)


def test_every_python_file_is_clean_and_formatted_by_ruff_with_the_projects_own_config(
    rendered, tmp_path
):
    # Ruff reads each project's pyproject.toml, as `ruff check .` in the project does.
    for index, (spec, files) in enumerate(rendered.items()):
        root = tmp_path / f"{spec.name}-{index:03}"
        for path, content in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(content)
    ruff = str(Path(sys.executable).with_name("ruff"))
    for command in (["check"], ["format", "--check"]):
        run = subprocess.run([ruff, *command, "."], cwd=tmp_path, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_the_readme_gives_two_commands_to_get_going_and_names_each_feature(rendered):
    for spec, files in rendered.items():
        readme = files["README.md"].decode()
        block = re.search(r"## Get going\n.*?```sh\n(.*?)```", readme, re.DOTALL)[1]
        assert block.splitlines() == [
            "python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt",
            ".venv/bin/python -m pytest",
        ]
        assert "## Run it" in readme
        for feature, label in FEATURES.items():
            assert (f"| {label}" in readme) == (feature in spec.features), (spec, label)


def test_each_feature_has_a_key_file_in_the_starter(rendered):
    for spec, files in rendered.items():
        shown = key_files(spec)
        assert list(shown) == [feature for feature in FEATURES if feature in spec.features]
        assert all(path in files for path in shown.values()), (spec, shown)


def test_every_zip_holds_the_files_under_one_safe_top_folder(rendered):
    for spec, files in rendered.items():
        with zipfile.ZipFile(io.BytesIO(zip_bytes(spec))) as archive:
            entries = archive.infolist()
            names = [entry.filename for entry in entries]
            assert names == sorted(names)
            for entry in entries:
                path = PurePosixPath(entry.filename)
                assert path.parts[0] == spec.name and ".." not in path.parts
                assert not path.is_absolute() and "\\" not in entry.filename
                assert entry.date_time == (1980, 1, 1, 0, 0, 0)
                assert entry.external_attr >> 16 in {0o100644, 0o100755}
            assert {name.split("/", 1)[1]: archive.read(name) for name in names} == files


@pytest.mark.parametrize(
    "spec",
    [*EVERYTHING.values(), StarterSpec("django", frozenset({"nosql", "predict"}))],
    ids=lambda spec: f"{spec.framework}-{'-'.join(sorted(spec.features))}",
)
def test_the_generator_renders_what_copier_alone_renders(spec, tmp_path):
    """The generator keeps Copier's Jinja between renders, for speed: the files must be
    the same as Copier's own run_copy makes (requirements completed from the lock too), but
    for the template's place in the answers file, which the generator records on purpose."""
    run_copy(
        str(STARTERS), tmp_path, data=answers(spec), defaults=True, quiet=True, settings=Settings()
    )
    made = {
        path.relative_to(tmp_path).as_posix(): path.read_bytes()
        for path in tmp_path.rglob("*")
        if path.is_file()
    }
    files = render_files(spec)
    assert made.keys() == files.keys()
    for path in made.keys() - {".copier-answers.yml"}:
        assert files[path] == made[path], path


def test_a_zip_is_the_same_bytes_every_time_even_after_a_new_render():
    for spec in EVERYTHING.values():
        first = zip_bytes(spec)
        render._rendered.cache_clear()
        assert zip_bytes(spec) == first


def test_write_tree_writes_the_files_and_never_overwrites(tmp_path):
    spec = EVERYTHING["django"]
    write_tree(spec, tmp_path / "site")
    written = {
        path.relative_to(tmp_path / "site").as_posix(): path.read_bytes()
        for path in (tmp_path / "site").rglob("*")
        if path.is_file()
    }
    assert written == render_files(spec)
    assert (tmp_path / "site" / "manage.py").stat().st_mode & 0o777 == 0o755
    with pytest.raises(FileExistsError):
        write_tree(spec, tmp_path / "site")


def test_a_starter_that_cannot_be_written_leaves_nothing_behind(tmp_path, monkeypatch):
    """A disk that fills up halfway leaves no half a project, and no folder made for it."""
    spec = EVERYTHING["flask"]
    render_files(spec)  # made once per process, before the disk fills up
    written = []
    write_bytes = Path.write_bytes

    def fills_up(path, data):
        if path.is_relative_to(tmp_path) and len(written) == 5:
            raise OSError(28, "No space left on device")
        written.append(path)
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", fills_up)
    with pytest.raises(OSError, match="No space left"):
        write_tree(spec, tmp_path / "new" / "site")
    assert len(written) == 5 and list(tmp_path.iterdir()) == []

    # Beside a project written before it, a failed one takes nothing of it away.
    monkeypatch.undo()
    write_tree(spec, tmp_path / "new" / "first")
    monkeypatch.setattr(Path, "write_bytes", fills_up)
    written.clear()
    with pytest.raises(OSError, match="No space left"):
        write_tree(spec, tmp_path / "new" / "second")
    assert [path.name for path in (tmp_path / "new").iterdir()] == ["first"]
    assert (tmp_path / "new" / "first" / "README.md").is_file()
    (tmp_path / "new" / "first").rename(tmp_path / "kept")
    (tmp_path / "new").rmdir()

    (tmp_path / "empty").mkdir()
    written.clear()
    with pytest.raises(OSError):
        write_tree(spec, tmp_path / "empty")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty", "kept"]
    assert list((tmp_path / "empty").iterdir()) == []


def test_a_starter_written_into_an_empty_folder_fills_it(tmp_path):
    (tmp_path / "site").mkdir()
    write_tree(EVERYTHING["flask"], tmp_path / "site")
    assert (tmp_path / "site" / "README.md").is_file()
    assert [path.name for path in tmp_path.iterdir()] == ["site"]


def test_the_tree_lists_every_folder_and_file_once():
    spec = EVERYTHING["flask"]
    lines = tree(spec)
    paths = render_files(spec)
    folders = {str(PurePosixPath(path).parent) for path in paths} - {"."}
    folders |= {str(parent) for folder in folders for parent in PurePosixPath(folder).parents}
    assert lines[0] == "flask-starter/"
    assert len(lines) == 1 + len(paths) + len(folders - {"."})
    assert "├── starter/" in lines and "└── requirements.txt" in lines


def test_the_relational_database_wins_when_both_data_stores_are_asked_for():
    assert resolve_features({"orm", "nosql"}) == {"orm"}


def test_a_feature_brings_what_it_needs_to_work():
    assert resolve_features({"admin"}) == {"admin", "auth", "orm"}
    assert resolve_features({"rate_limit"}) == {"rate_limit", "rest", "orm"}
    assert resolve_features({"forms", "nosql"}) == {"forms", "nosql"}
    assert resolve_features({"predict"}) == {"predict"}
    assert resolve_features(()) == frozenset()


@pytest.mark.parametrize(
    "make",
    [
        lambda: StarterSpec("pyramid"),
        lambda: StarterSpec("flask", frozenset({"graphql"})),
        lambda: StarterSpec("django", "auth"),
        lambda: Link("Docs", "http://flask.palletsprojects.com/"),
        lambda: Link("[Docs](javascript:alert(1))", "https://example.com/"),
        lambda: Link("Docs", "https://example.com/a b"),
        lambda: NextStep("auth", "Log-in"),
        lambda: NextStep("i18n", "Several\nlanguages"),
        lambda: spec_from_result(
            {"recommendation": "rails", "links": {"features": []}, "answers": []}
        ),
    ],
)
def test_unknown_ids_and_unsafe_text_are_refused(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize(
    "answers",
    [{"admin": True}, {"rate_limit": True}, {"orm": True, "nosql": True}, {"forms": True}],
)
def test_the_template_refuses_incoherent_answers_given_directly(framework, answers, tmp_path):
    data = {"framework": framework} | dict.fromkeys(FEATURES, False) | answers
    with pytest.raises(ValueError, match="Validation error"):
        run_copy(
            str(STARTERS),
            tmp_path,
            data=data,
            defaults=True,
            quiet=True,
            settings=Settings(),
        )


def copier_answers(worker, data):
    """The features Copier's own question loop settles on for ``data`` (with --defaults),
    or None when a validator refuses them. Worker._ask is Copier's, private: Copier is
    pinned, and if the method moves this test fails loudly rather than passing."""
    worker.data = data
    try:
        worker._ask()
    except ValueError as refused:
        assert "Validation error" in str(refused)
        return None
    return {feature for feature in FEATURES if worker.answers.combined[feature]}


def test_the_templates_defaults_and_validators_follow_resolve_features(tmp_path):
    """resolve_features() states the rules between features; copier.yml states them again
    as defaults and validators, for people who run Copier themselves. For every combination
    of answers, Copier must agree: it accepts exactly the sets resolve_features() leaves as
    they are, and, given only the features asked for, its defaults add what it adds."""
    # The generator's Worker: Copier's, keeping its compiled Jinja between the 1024 runs.
    worker = render._worker_class()(
        src_path=str(STARTERS),
        dst_path=tmp_path,
        defaults=True,
        quiet=True,
        settings=SettingsModel(),  # not the user's Copier settings
    )
    for framework, asked in itertools.product(FRAMEWORKS, COMBINATIONS):
        given = {"framework": framework} | {feature: feature in asked for feature in FEATURES}
        accepted = copier_answers(worker, given)
        assert (accepted is not None) == (resolve_features(asked) == asked), (framework, asked)
        completed = copier_answers(worker, {"framework": framework} | dict.fromkeys(asked, True))
        if asked >= STORES:  # both data stores: Copier asks the person to choose one
            assert completed is None
        else:
            assert completed == resolve_features(asked), (framework, asked)


def test_the_catalogue_calls_features_what_the_guide_calls_them():
    guide = get_rulebook().features
    assert {id: label for id, label in FEATURES.items() if id in guide} == {
        id: guide[id].label for id in FEATURES if id in guide
    }


def result(**answers):
    rulebook = get_rulebook()
    checked = check_answers(rulebook, answers, strict=True)
    assert checked.ok, checked.problems
    return score(rulebook, checked.answers)


def test_a_result_becomes_the_starter_its_answers_call_for():
    snapshot = result(
        auth="full",
        admin="yes",
        database="relational",
        api="full",
        rate_limiting="yes",
        ml_model="yes",
    )
    spec = spec_from_result(snapshot)
    assert spec.framework == snapshot["recommendation"]
    assert spec.features == {"auth", "admin", "orm", "rest", "rate_limit", "predict"}
    assert spec.next_steps == ()
    assert "predict" not in spec_from_result(result(ml_model="no", api="simple")).features


def test_needs_the_starter_writes_no_code_for_become_next_steps_with_the_results_links():
    snapshot = result(
        database="nosql", content="both", legacy_integration="yes", realtime="websockets"
    )
    for framework in FRAMEWORKS:
        spec = spec_from_result(snapshot, framework)
        assert spec.framework == framework
        assert spec.features == {"nosql"}
        expected = {
            entry["feature"]: [(link["title"], link["url"]) for link in entry["links"][framework]]
            for entry in snapshot["links"]["features"]
            if entry["feature"] not in FEATURES
        }
        assert expected.keys() == {"legacy_data", "async", "i18n", "cms"}
        steps = {step.feature: [(x.title, x.url) for x in step.links] for step in spec.next_steps}
        assert steps == expected
        readme = render_files(spec)["README.md"].decode()
        for title, url in itertools.chain(*expected.values()):
            assert f"[{title}]({url})" in readme
