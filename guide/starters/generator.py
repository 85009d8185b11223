"""Starter kits: a runnable, tested project matched to a result, made by Copier.

The template is data, in ``starters/``: one Copier template whose first question picks
the framework (starters/README.md documents every question). The generator is pure, shared
by every surface, and imports neither Django nor the rest of the guide; this module is its
public face, and its parts have one job each:

- :mod:`guide.starters.spec`: the frameworks and features a starter can have, the rules
  between features, and the :class:`StarterSpec` a result turns into;
- :mod:`guide.starters.render`: the project rendered once per process, and handed out as
  files, a zip, a folder and a tree;
- :mod:`guide.starters.requirements`: the frameworks' locks, read, and written as the table
  the template completes each project's requirements from;
- :mod:`guide.starters.decision`: the decision record the result makes.
"""

from .decision import DECISION_TEMPLATE, decision_path, decision_record, one_line
from .render import ANSWERS_FILE, answers, generate, render_files, tree, write_tree, zip_bytes
from .requirements import (
    LOCK_INPUT,
    LOCK_NAME,
    LOCKS_TABLE,
    PIN,
    REQUIREMENTS,
    Locked,
    canonical,
    closure,
    lock_for,
    locks_table,
    parse_lock,
    pins_in,
)
from .spec import (
    FEATURES,
    FRAMEWORKS,
    KEEPS_DATA,
    KEY_FILES,
    NEEDS,
    RECORD_WORDS,
    STARTERS,
    STORES,
    Alternative,
    Decision,
    Framework,
    Link,
    NextStep,
    Reason,
    StarterSpec,
    decision_from_result,
    framework_named,
    key_files,
    resolve_features,
    spec_from_result,
)

__all__ = [
    "ANSWERS_FILE",
    "RECORD_WORDS",
    "DECISION_TEMPLATE",
    "FEATURES",
    "FRAMEWORKS",
    "KEEPS_DATA",
    "KEY_FILES",
    "LOCK_INPUT",
    "LOCK_NAME",
    "LOCKS_TABLE",
    "NEEDS",
    "PIN",
    "REQUIREMENTS",
    "STARTERS",
    "STORES",
    "Alternative",
    "Decision",
    "Framework",
    "Link",
    "Locked",
    "NextStep",
    "Reason",
    "StarterSpec",
    "answers",
    "canonical",
    "closure",
    "decision_from_result",
    "decision_path",
    "decision_record",
    "framework_named",
    "generate",
    "key_files",
    "lock_for",
    "locks_table",
    "one_line",
    "parse_lock",
    "pins_in",
    "render_files",
    "resolve_features",
    "spec_from_result",
    "tree",
    "write_tree",
    "zip_bytes",
]
