"""dbt names for sqlfluff's jinja templater (`library_path` in .sqlfluff), lint only.

sqlfluff's own dbt builtins render every `var()` as the string "item"; the project's macros
need real values, so `var` answers from dbt_project.yml's vars (then the default), and
`execute` is false as during dbt's parse, when no relation is looked up.
"""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any

import yaml

_PROJECT_VARS: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text(encoding="utf-8")
).get("vars", {})

execute = False
modules = types.SimpleNamespace(re=re)


def _raise_compiler_error(message: str) -> None:
    """Fail the render the way dbt would, with dbt's message."""
    raise RuntimeError(message)


exceptions = types.SimpleNamespace(raise_compiler_error=_raise_compiler_error)


def var(name: str, default: Any = None) -> Any:
    """The project var from dbt_project.yml, else the default (dbt's own precedence)."""
    return _PROJECT_VARS.get(name, default)


invocation_id = "00000000-0000-0000-0000-000000000000"


def load_relation(relation: Any) -> None:
    """No relation exists while linting (as during dbt's parse)."""
    return None
