"""The incident JSON Schema: loading it once and building its validator."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from postmortem_kit.core import schema_file

SCHEMA_FILE = "postmortem.schema.json"
STATUSES = ("draft", "in-review", "published")
COMPLETE_STATUSES = ("in-review", "published")


@cache
def load_schema() -> dict[str, Any]:
    with open(schema_file(SCHEMA_FILE), encoding="utf-8") as handle:
        return json.load(handle)


def schema_id() -> str:
    return load_schema()["$id"]


def schema_url() -> str:
    """The schema of this release where it is published: the project's repository at the release tag."""
    from postmortem_kit import __version__

    return ("https://raw.githubusercontent.com/postmortem-kit/postmortem-kit/"
            f"v{__version__}/schema/{SCHEMA_FILE}")


def analysis_sections() -> tuple[str, ...]:
    """The sections a draft may leave out (the drafting step fills them)."""
    return tuple(load_schema()["x-analysis-sections"])


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` chain, merging sibling keywords on the way."""
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


def inlined(node: Any, _defs: dict[str, Any] | None = None) -> Any:
    """The schema with every local ``$ref`` replaced by its definition.

    Validation then never resolves references (most of jsonschema's time on
    this schema).  Sibling keywords are merged when they do not clash and
    kept beside an ``allOf`` when they do, so the meaning is unchanged.
    """
    if isinstance(node, list):
        return [inlined(item, _defs) for item in node]
    if not isinstance(node, dict):
        return node
    if _defs is None:
        _defs = {}
    result = {key: inlined(value, _defs) for key, value in node.items() if key not in ("$ref", "$defs")}
    ref = node.get("$ref")
    if ref is not None:
        if ref not in _defs:
            _defs[ref] = inlined(definition(ref), _defs)
        target = _defs[ref]
        if any(key in result and result[key] != value for key, value in target.items()):
            result["allOf"] = [*result.get("allOf", []), target]
        else:
            result = {**target, **result}
    return result


@cache
def validator():
    """A Draft 2020-12 validator (format checker on) over the inlined schema."""
    from jsonschema import Draft202012Validator

    schema = inlined(load_schema())
    schema["$schema"] = load_schema()["$schema"]
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
