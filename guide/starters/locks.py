"""`make starter-locks`: resolve every pin of each starter template into its lock.

A template pins only what its code imports and the tools it runs, feature by feature, in
``starters/<framework>/project/requirements*.txt.jinja``. This resolves all of a template's
pins together, with uv, into ``starters/<framework>/requirements.lock``: every package any
starter of that framework can need, one version each, with ``# via`` notes naming the
packages that need it. It then writes the locks as a Jinja table (``starters/shared/locks.jinja``),
from which the template gives each project the closure of its own pins
(``starters/shared/requirements.jinja``).

    .venv/bin/python -m guide.starters.locks       # what `make starter-locks` runs
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from guide.starters.generator import (
    FRAMEWORKS,
    LOCK_INPUT,
    LOCK_NAME,
    LOCKS_TABLE,
    PIN,
    STARTERS,
    canonical,
    lock_for,
    locks_table,
    pins_in,
)

#: The files of a template that hold its top-level pins.
PIN_FILES = ("requirements.txt.jinja", "requirements-dev.txt.jinja")


def template_pins(framework: str) -> list[str]:
    """Every top-level pin of ``framework``'s template, whatever the features: what its lock
    resolves. Raises ValueError if a package is pinned twice (once per template, please)."""
    project = STARTERS / framework / "project"
    pins = [pin for name in PIN_FILES for pin in pins_in((project / name).read_text())]
    names = [canonical(match["name"]) for pin in pins if (match := PIN.fullmatch(pin))]
    if len(set(names)) != len(names):
        raise ValueError(f"{framework}: a package is pinned twice in {', '.join(PIN_FILES)}")
    return sorted(pins, key=str.lower)


def compile_lock(framework: str, uv: Path) -> None:
    """Resolve ``framework``'s pins into its lock, for every platform and every Python from
    3.11 on, with one version of each package (uv's ``--fork-strategy fewest``), so the
    versions the tests ran with are the versions everyone installs."""
    with tempfile.TemporaryDirectory() as folder:
        # Written under a fixed name, so the lock's "-r requirements.in" is the same anywhere.
        (Path(folder) / LOCK_INPUT).write_text("\n".join(template_pins(framework)) + "\n")
        command = [str(uv), "pip", "compile", LOCK_INPUT, "--universal"]
        command += ["--python-version", "3.11", "--fork-strategy", "fewest", "--quiet"]
        command += ["--custom-compile-command", "make starter-locks"]
        command += ["--output-file", str(STARTERS / framework / LOCK_NAME)]
        subprocess.run(command, cwd=folder, check=True)


def main() -> None:
    uv = Path(sys.executable).with_name("uv")  # the dev environment's, pinned in pyproject
    for framework in FRAMEWORKS:
        compile_lock(framework, uv)
        print(f"starters/{framework}/{LOCK_NAME}: resolved")
    lock_for.cache_clear()  # read the new locks, not those this process may have read before
    LOCKS_TABLE.write_text(locks_table())
    print(f"starters/{LOCKS_TABLE.relative_to(STARTERS).as_posix()}: written")


if __name__ == "__main__":
    main()
