"""The incident JSON Schema: loading it once and building its validator."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from postmortem_kit.resources import data_file

SCHEMA_FILE = "postmortem.schema.json"
STATUSES = ("draft", "in-review", "published")
COMPLETE_STATUSES = ("in-review", "published")


@cache
def load_schema() -> dict[str, Any]:
    with open(data_file(SCHEMA_FILE), encoding="utf-8") as handle:
        return json.load(handle)


def schema_id() -> str:
    return load_schema()["$id"]


def analysis_sections() -> tuple[str, ...]:
    """The sections a draft may leave out (the drafting step fills them)."""
    return tuple(load_schema()["x-analysis-sections"])


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` chain, merging sibling keywords on the way."""
    schema = load_schema()
    merged: dict[str, Any] = {}
    while True:
        merged = {**node, **merged}
        ref = node.get("$ref")
        if not ref:
            merged.pop("$ref", None)
            return merged
        node = definition(ref)
        merged.pop("$ref", None)
        merged.setdefault("x-refs", []).append(ref)


def definition(ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported: {ref}")
    node: Any = load_schema()
    for part in ref[2:].split("/"):
        node = node[part]
    return node


@cache
def validator():
    """A Draft 2020-12 validator with the format checker turned on."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
