"""Where the data files (schema, rules, templates, prompts) live.

In a source checkout or an editable install they are read from the
repository's ``schema/`` folder; in an installed wheel from
``postmortem_kit/data`` (pyproject maps ``schema/`` there).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    installed = PACKAGE_DIR / "data"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parents[1] / "schema"


def data_file(name: str) -> Path:
    return data_dir() / name


def prompts_dir() -> Path:
    return PACKAGE_DIR / "prompts"
