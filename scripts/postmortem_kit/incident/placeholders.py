"""Leftover template text (TODO, [Name or team], <service-name>): patterns from incident/placeholders.yaml."""

from __future__ import annotations

import re
from functools import cache

from postmortem_kit.core import package_file

# What the offline drafting provider writes where prose is still to be written.
OFFLINE_MARKER = "TODO(draft)"


@cache
def placeholder_pattern() -> re.Pattern[str]:
    import yaml

    with open(package_file(__package__, "placeholders.yaml"), encoding="utf-8") as handle:
        entries = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["placeholders"]
    return re.compile("|".join(f"(?:{entry['pattern']})" for entry in entries))


def find_placeholder(text: str) -> re.Match[str] | None:
    return placeholder_pattern().search(text)
