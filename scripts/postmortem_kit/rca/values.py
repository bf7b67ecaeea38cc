"""Small value readers shared by the RCA importers: people, slugs, lists, sentences, numbers."""

from __future__ import annotations

import re
from functools import cache

from postmortem_kit.incident import load_schema

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


@cache
def _person_pattern() -> re.Pattern[str]:
    return re.compile(load_schema()["$defs"]["person"]["pattern"])


@cache
def _slug_pattern() -> re.Pattern[str]:
    return re.compile(load_schema()["$defs"]["slug"]["pattern"])


def slug(text: str) -> str | None:
    """``Checkout API`` -> ``checkout-api``; None when nothing usable is left."""
    value = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-._")
    value = re.sub(r"-{2,}", "-", value)
    return value if value and _slug_pattern().match(value) and len(value) <= 64 else None


def is_slug(text: str) -> bool:
    return bool(_slug_pattern().match(text)) and len(text) <= 64


def person(text: str) -> str:
    """An owner or author as the schema wants it (@handle, team-x, org/team).

    "SRE Team" and "Team SRE" become ``team-sre``; other names are kept as
    written so that the check points at them.
    """
    value = text.strip().strip("*_`").strip().rstrip(".,;").strip()
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    if _person_pattern().match(value):
        return value
    team = re.fullmatch(r"(?i)(?:the\s+)?(.+?)\s+team", value) or re.fullmatch(r"(?i)team\s+(.+)", value)
    if team:
        name = slug(team.group(1))
        if name:
            return f"team-{name}"
    return value


def is_person(text: str) -> bool:
    return bool(_person_pattern().match(text))


def split_list(text: str) -> list[str]:
    """ "a, b and c" / "[a, b]" -> ["a", "b", "c"]."""
    text = text.strip().strip("[]")
    parts = re.split(r"\s*(?:,|;|\band\b)\s*", text)
    return [part.strip().strip("'\"`") for part in parts if part.strip().strip("'\"`")]


def sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def number(text: str) -> int | float | str:
    """A number from pasted text; a digit string too long for a number (int() refuses >4,300 digits) stays text."""
    if len(text) > 30:
        return text
    return float(text) if "." in text else int(text)


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return repr(value) if isinstance(value, float) else str(value)


def strip_quotes(text: str) -> str:
    text = text.strip()
    for left, right in (('"', '"'), ("\u201c", "\u201d"), ("'", "'")):
        if len(text) >= 2 and text.startswith(left) and text.endswith(right) and left not in text[1:-1]:
            return text[1:-1].strip()
    return text
