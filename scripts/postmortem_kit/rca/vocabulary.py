"""The words of the RCA Markdown layout, read from rca/vocabulary.yaml.

Headings and labels are compared after ``normalize``: lower case, no
emphasis or heading marks, no parenthesised remark, punctuation as spaces,
trailing numbers dropped ("Factor 2" is "factor").  The first spelling of
each entry is what `postmortem export` writes.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from postmortem_kit.core import package_file

VOCABULARY_FILE = "vocabulary.yaml"

_PARENTHETICAL = re.compile(r"\([^()]*\)")
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_TRAILING_NUMBER = re.compile(r"(?: [0-9]+)+$")


def normalize(text: str, *, keep_numbers: bool = False) -> str:
    """The comparable form of a heading or label."""
    text = _PARENTHETICAL.sub(" ", text.lower())
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text).strip()
    if not keep_numbers:
        text = _TRAILING_NUMBER.sub("", text)
        text = re.sub(r"^[0-9]+ ", "", text)
    return text


@cache
def vocabulary() -> dict[str, Any]:
    import yaml

    with open(package_file(__package__, VOCABULARY_FILE), encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def section_names() -> dict[str, str]:
    """Normalised heading -> section key."""
    result: dict[str, str] = {}
    for key, spellings in vocabulary()["sections"].items():
        for spelling in spellings:
            result.setdefault(normalize(spelling), key)
    return result


@cache
def subheading_names() -> dict[str, str]:
    """Normalised sub-heading -> the section it belongs to."""
    result: dict[str, str] = {}
    for key, spellings in vocabulary()["subheadings"].items():
        for spelling in spellings:
            result.setdefault(normalize(spelling), key)
    return result


def heading_text(section: str) -> str:
    return vocabulary()["sections"][section][0]


@cache
def labels(section: str) -> dict[str, str]:
    """Normalised label -> field key, for one section."""
    result: dict[str, str] = {}
    for key, spellings in vocabulary()["labels"][section].items():
        for spelling in spellings:
            result.setdefault(normalize(spelling), key)
    return result


def label_text(section: str, key: str) -> str:
    """The spelling export writes for a label."""
    return vocabulary()["labels"][section][key][0]


@cache
def _word_table(name: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, spellings in vocabulary()[name].items():
        result.setdefault(normalize(key), key)
        for spelling in spellings:
            result.setdefault(normalize(spelling), key)
    return result


def category_words() -> dict[str, str]:
    return _word_table("root_cause_categories")


def category_text(category: str) -> str:
    return vocabulary()["root_cause_categories"][category][0]


def architecture_words() -> dict[str, str]:
    return _word_table("architectures")


def architecture_text(architecture: str) -> str:
    return vocabulary()["architectures"][architecture][0]


def gap_type_words() -> dict[str, str]:
    return _word_table("gap_types")


@cache
def gap_type_hints() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(gap type, its words) in the data file's order."""
    return tuple((key, tuple(normalize(word) for word in words)) for key, words in vocabulary()["gap_type_hints"].items())


@cache
def gap_markers() -> tuple[str, ...]:
    return tuple(normalize(word) for word in vocabulary()["gap_markers"])


@cache
def none_words() -> frozenset[str]:
    return frozenset(normalize(word, keep_numbers=True) for word in vocabulary()["none_words"]) | {""}


def is_none_word(text: str) -> bool:
    return normalize(text.strip().strip("*_").rstrip("."), keep_numbers=True) in none_words()


@cache
def tracking_new_words() -> frozenset[str]:
    return frozenset(normalize(word, keep_numbers=True) for word in vocabulary()["tracking_new"])


@cache
def title_prefixes() -> tuple[str, ...]:
    return tuple(normalize(word) for word in vocabulary()["title_prefixes"])


@cache
def template_values() -> frozenset[str]:
    return frozenset(prompt_key(value) for value in vocabulary()["template_values"])


def prompt_key(text: str) -> str:
    text = re.sub(r"^\s*(?:[-*+]|[0-9]+[.)])\s+", "", text)
    text = re.sub(r"[*_`\u201c\u201d\"]", "", text.lower())
    return " ".join(text.split()).rstrip(":").strip()


@cache
def prompt_lines() -> frozenset[str]:
    return frozenset(prompt_key(line) for line in vocabulary()["prompt_lines"])


def is_prompt_line(text: str) -> bool:
    """A line of the prompt's own instructions (compared ignoring case, emphasis and a trailing colon)."""
    key = prompt_key(text)
    return bool(key) and key in prompt_lines()
