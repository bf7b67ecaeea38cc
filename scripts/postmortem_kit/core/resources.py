"""Where the data files live: beside the code that reads them, or in ``schema/``.

Rules, prompts, vocabularies and word lists are package data next to the
module that reads them (``package_file(__package__, "rules.yaml")``).  The
formats that users, editors and CI read (the incident schema, the PR result
schema, the incident template, the follow-up status schema) stay in the
repository's top-level ``schema/`` folder, which the wheel ships as the
``postmortem_kit.schemas`` package (see pyproject's ``package-dir``).

Both are found from the package's own directory (``__path__``), so they work from a source
checkout, an editable install and an installed wheel alike; this avoids importing
``importlib.resources`` (with tempfile, shutil and zipfile) on the cold `postmortem check` path.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path


def files(package: str) -> Path:
    """The directory of ``package`` (a regular or namespace package on disk)."""
    module = importlib.import_module(package)
    return Path(next(iter(module.__path__)))


SCHEMAS_PACKAGE = "postmortem_kit.schemas"


def package_file(package: str, name: str) -> Path:
    """A data file shipped inside ``package`` (a regular file on disk)."""
    return Path(str(files(package).joinpath(name)))


@cache
def schema_file(name: str) -> Path:
    """One of the published formats in ``schema/`` (incident schema, template, ...)."""
    try:
        return Path(str(files(SCHEMAS_PACKAGE).joinpath(name)))
    except ModuleNotFoundError:  # a source tree that is not installed
        return Path(__file__).resolve().parents[3] / "schema" / name
