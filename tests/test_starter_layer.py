"""What every starter project holds around its code, for every feature combination: the
production image (Dockerfile, .dockerignore), the services (compose.yaml), the settings it
needs (.env.example), the CI workflow, the pre-commit hooks, the tools' configuration
(pyproject.toml), and, for a project made from a result, its decision record. No Docker
here: the files are read as Docker, Compose and GitHub would read them, structure first.
Building and running them as their README says is tests/test_starter_projects.py's job."""

import itertools
import re
import shlex
import tomllib

import pytest
import yaml

from guide.engine import check_answers, score
from guide.services.rulebook import get_rulebook
from guide.starters.generator import (
    FEATURES,
    FRAMEWORKS,
    Decision,
    StarterSpec,
    decision_path,
    decision_record,
    render_files,
    spec_from_result,
)

SPECS = sorted(
    {
        StarterSpec(framework, frozenset(combination))
        for framework in FRAMEWORKS
        for size in range(len(FEATURES) + 1)
        for combination in itertools.combinations(FEATURES, size)
    },
    key=lambda spec: (spec.framework, sorted(spec.features)),
)
#: Names a build must never carry: a secret belongs in the environment the image runs in.
SECRET = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def rendered():
    return {spec: render_files(spec) for spec in SPECS}


def sql(spec):
    """Whether the project keeps data in a relational database (Django's log-in does)."""
    return "orm" in spec.features or (spec.framework == "django" and "auth" in spec.features)


def dockerfile_instructions(text):
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_image_is_built_in_two_stages_and_runs_as_a_user_who_is_not_root(rendered):
    for spec, files in rendered.items():
        steps = dockerfile_instructions(files["Dockerfile"].decode())
        stages = [i for i, (name, _) in enumerate(steps) if name == "FROM"]
        assert len(stages) == 2 and steps[0][1].endswith(" AS build"), spec
        final = steps[stages[1] :]
        # The final stage takes the installed packages from the first, and nothing else.
        assert ("COPY", "--from=build /venv /venv") in final
        assert not any(name == "RUN" and "pip install" in args for name, args in final)
        users = [args for name, args in final if name == "USER"]
        assert users and users[-1] not in {"root", "0"}, spec
        assert steps[-1] == ("CMD", '["gunicorn"]'), spec


def test_the_image_checks_its_health_on_healthz(rendered):
    for spec, files in rendered.items():
        steps = dockerfile_instructions(files["Dockerfile"].decode())
        [check] = [args for name, args in steps if name == "HEALTHCHECK"]
        assert "CMD" in check and "http://127.0.0.1:8000/healthz" in check, spec


def test_no_secret_is_built_into_the_image(rendered):
    for spec, files in rendered.items():
        steps = dockerfile_instructions(files["Dockerfile"].decode())
        for name, args in steps:
            if name in {"ENV", "ARG", "LABEL"}:
                assert not SECRET.search(args), (spec, name, args)
            if name in {"COPY", "ADD"}:
                assert ".env" not in shlex.split(args), (spec, args)
        ignored = files[".dockerignore"].decode().splitlines()
        assert ".env" in ignored and ".venv/" in ignored and ".git/" in ignored, spec
        # The development settings are used at build time only, never baked into the image.
        assert not any(name == "ENV" and "DEBUG" in args for name, args in steps), spec


def test_the_image_prepares_what_production_needs_at_build_time(rendered):
    for spec, files in rendered.items():
        runs = [args for name, args in dockerfile_instructions(files["Dockerfile"].decode())]
        text = " ".join(runs)
        if spec.framework == "django":
            assert "manage.py collectstatic --noinput" in text, spec
        assert ("train" in text) == ("predict" in spec.features), spec


def compose(files):
    return yaml.safe_load(files["compose.yaml"])


def test_compose_runs_the_image_behind_a_https_proxy_with_the_data_store_it_needs(rendered):
    for spec, files in rendered.items():
        services = compose(files)["services"]
        expected = {"web", "proxy"}
        if sql(spec):
            expected |= {"db", "migrate"}
        if "nosql" in spec.features:
            expected |= {"mongo"}
        assert services.keys() == expected, spec
        assert services["web"]["build"] == "." and services["web"]["env_file"] == ".env"
        assert "ports" not in services["web"], "only the proxy is reachable from outside"
        assert services["web"]["environment"]["NUM_PROXIES"] == "1"
        assert services["proxy"]["image"].startswith("caddy:")
        assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
        if sql(spec):
            assert services["db"]["image"].startswith("postgres:")
            assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
            assert services["web"]["depends_on"]["migrate"] == {
                "condition": "service_completed_successfully"
            }
            assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
        if "nosql" in spec.features:
            assert services["mongo"]["image"].startswith("mongo:")
            assert services["web"]["environment"]["MONGO_URI"].startswith("mongodb://mongo:")


def test_compose_holds_no_password_and_requires_the_ones_it_needs(rendered):
    for spec, files in rendered.items():
        for name, service in compose(files)["services"].items():
            for variable, value in service.get("environment", {}).items():
                if SECRET.search(variable):  # from .env, and compose stops if it is unset
                    assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", value), (spec, name, variable)
                assert "://" not in value or "${POSTGRES_PASSWORD:?" in value or "@" not in value
        if sql(spec):
            url = compose(files)["services"]["web"]["environment"]["DATABASE_URL"]
            assert ":${POSTGRES_PASSWORD:?" in url


def env_example(files):
    return dict(
        line.split("=", 1)
        for line in files[".env.example"].decode().splitlines()
        if line and not line.startswith("#")
    )


def test_env_example_lists_what_production_must_set_and_holds_no_secret(rendered):
    for spec, files in rendered.items():
        variables = env_example(files)
        assert variables["SECRET_KEY"] == "", spec
        assert "SITE_ADDRESS" in variables
        assert ("ALLOWED_HOSTS" in variables) == (spec.framework == "django")
        assert ("POSTGRES_PASSWORD" in variables) == sql(spec)
        assert all(value == "" for name, value in variables.items() if SECRET.search(name))
        # Every variable compose.yaml reads from it is there.
        needed = set(re.findall(r"\$\{(\w+)", files["compose.yaml"].decode()))
        assert needed <= variables.keys(), (spec, needed - variables.keys())
        readme = files["README.md"].decode()
        for name in variables.keys() - {"SITE_ADDRESS", "POSTGRES_PASSWORD"}:
            assert f"| `{name}` |" in readme, (spec, name)


def test_ci_installs_the_tools_and_runs_the_checks_and_the_tests(rendered):
    for spec, files in rendered.items():
        workflow = yaml.safe_load(files[".github/workflows/ci.yml"])
        assert workflow["permissions"] == {"contents": "read"}
        assert set(workflow[True]) == {"push", "pull_request"}  # YAML 1.1 reads `on` as True
        [job] = workflow["jobs"].values()
        commands = [step["run"] for step in job["steps"] if "run" in step]
        assert commands == [
            "python -m pip install -r requirements-dev.txt",
            "python -m ruff format --check .",
            "python -m ruff check .",
            "python -m mypy .",
            "python -m pytest",
        ], spec


def dev_pin(files, name):
    [line] = [
        line
        for line in files["requirements-dev.txt"].decode().splitlines()
        if line.lower().startswith(f"{name}==")
    ]
    return line.split("==")[1]


def test_the_pre_commit_hooks_run_ruff_at_the_pinned_version_and_mypy(rendered):
    for files in rendered.values():
        config = yaml.safe_load(files[".pre-commit-config.yaml"])
        hooks = {hook["id"]: repo for repo in config["repos"] for hook in repo["hooks"]}
        assert hooks.keys() == {"ruff-check", "ruff-format", "mypy"}
        assert hooks["ruff-check"]["rev"] == f"v{dev_pin(files, 'ruff')}"
        [mypy] = hooks["mypy"]["hooks"]
        assert mypy["entry"] == ".venv/bin/python -m mypy ." and not mypy["pass_filenames"]


def test_pyproject_configures_strict_mypy_ruff_and_pytest(rendered):
    for spec, files in rendered.items():
        tools = tomllib.loads(files["pyproject.toml"].decode())["tool"]
        assert tools["mypy"]["strict"] is True
        assert tools["ruff"]["line-length"] == 88
        assert tools["pytest"]["ini_options"]["testpaths"] == ["tests"]
        if spec.framework == "django":
            assert "mypy_django_plugin.main" in tools["mypy"]["plugins"]
            assert tools["django-stubs"]["django_settings_module"] == "tests.settings"
            assert ("mypy_drf_plugin.main" in tools["mypy"]["plugins"]) == bool(
                spec.features & {"rest", "predict"}
            )
            assert dev_pin(files, "django-stubs")
            if spec.features & {"rest", "predict"}:
                assert dev_pin(files, "djangorestframework-stubs")
        for name in ["mypy", "ruff", "pytest", "pre-commit"]:
            assert dev_pin(files, name), (spec, name)
        assert "gunicorn==" in files["requirements.txt"].decode()


def result(**answers):
    rulebook = get_rulebook()
    checked = check_answers(rulebook, answers, strict=True)
    assert checked.ok, checked.problems
    return score(rulebook, checked.answers)


PERMALINK = "https://guide.example/r/ABCDEFGHIJKLMNOP/"
ANSWERS = {"auth": "full", "admin": "yes", "database": "relational", "api": "full"}


def test_a_project_made_from_a_result_records_the_decision_in_madr_format():
    snapshot = result(**ANSWERS)
    spec = spec_from_result(snapshot, permalink=PERMALINK)
    name = snapshot["recommendation_name"]
    files = render_files(spec)
    record = files[f"docs/decisions/0001-use-{spec.framework}.md"].decode()
    assert record == decision_record(spec)
    assert record.startswith("---\nstatus: accepted\n---\n\n# Use " + name + "\n")
    for heading in [
        "## Context and Problem Statement",
        "## Decision Drivers",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "## Pros and Cons of the Options",
        "## More Information",
    ]:
        assert f"\n{heading}\n" in record
    for answer in snapshot["answers"]:
        if answer["asked"]:
            assert f"| {answer['prompt']} | {answer['label']} |" in record
        else:  # the questions never put stay out of the record
            assert answer["prompt"] not in record
    for reason in snapshot["reasons"]:
        assert reason["text"] in record
        for source in reason["sources"]:
            assert f"[{source['title']}]({source['url']})" in record
    for alternative in snapshot["alternatives"]:
        assert f"### {alternative['name']}" in record and alternative["url"] in record
    assert f'Chosen option: "{name}", the guide\'s recommendation' in record
    assert f"({snapshot['confidence_label']})" in record
    assert f"<{PERMALINK}>" in record
    assert f"[docs/decisions/0001-use-{spec.framework}.md]" in files["README.md"].decode()


def test_the_other_frameworks_record_says_the_guide_recommended_otherwise():
    snapshot = result(**ANSWERS)
    other = next(option for option in FRAMEWORKS if option != snapshot["recommendation"])
    record = decision_record(spec_from_result(snapshot, other, permalink=PERMALINK))
    assert f"although the guide recommended {snapshot['recommendation_name']}" in record
    assert record.startswith(f"---\nstatus: accepted\n---\n\n# Use {other.title()}\n")


def test_a_result_never_saved_records_the_decision_without_an_address():
    record = decision_record(spec_from_result(result(**ANSWERS)))
    assert "was not saved as a permalink" in record and "https://guide" not in record


def test_a_project_made_without_a_result_has_no_decision_record(rendered):
    for files in rendered.values():
        assert not any(path.startswith("docs/") for path in files)
        assert "docs/decisions" not in files["README.md"].decode()
    with pytest.raises(ValueError, match="without a result"):
        decision_record(StarterSpec("flask"))


def test_results_with_the_same_features_share_one_render_but_not_their_records():
    first, second = (
        spec_from_result(result(**ANSWERS), permalink=f"https://guide.example/r/{slug}/")
        for slug in ["A" * 16, "B" * 16]
    )
    one, two = render_files(first), render_files(second)
    path = decision_path(first)
    assert one[path] != two[path]
    assert {p: c for p, c in one.items() if p != path} == {
        p: c for p, c in two.items() if p != path
    }


def test_text_from_a_result_stays_on_its_line_of_markdown():
    decision = Decision(
        "Flask",
        "Django",
        "Flask",
        "Lean",
        "Small.\n\n# Injected heading",
        answers=(("A | question?", "An\nanswer"),),
    )
    record = decision_record(StarterSpec("flask", decision=decision))
    assert "\n# Injected heading" not in record
    assert "| A \\| question? | An answer |" in record
    with pytest.raises(ValueError):
        Decision("Flask", "Django", "Flask", "Lean", "", permalink="javascript:alert(1)")
