"""The labels and texts of the follow-ups sync, read from followups/texts.yaml."""

from __future__ import annotations

from functools import cache
from string import Template

import yaml

from postmortem_kit.core import package_file


@cache
def texts() -> dict:
    with open(package_file(__package__, "texts.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fill(template: str, **values: object) -> str:
    """``template`` with its $placeholders replaced; a missing value is an error, not a blank."""
    return Template(template).substitute({name: str(value) for name, value in values.items()})
