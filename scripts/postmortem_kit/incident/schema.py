"""The incident JSON Schema: loading it once and building its validator."""

from __future__ import annotations

import json
from functools import cache

from postmortem_kit.core import schema_file

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any

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


def _date(value: object) -> bool:
    """jsonschema's ``date`` format: YYYY-MM-DD in ASCII digits, and a real calendar day."""
    if not isinstance(value, str):
        return True
    import re
    from datetime import date

    if not re.fullmatch(r"^\d{4}-\d{2}-\d{2}$", value, re.ASCII):
        return False
    try:
        return bool(date.fromisoformat(value))
    except ValueError:
        return False


@cache
def _date_time_check():
    """jsonschema checks ``date-time`` only when rfc3339-validator is installed; so do we."""
    try:
        from rfc3339_validator import validate_rfc3339
    except ImportError:
        return None
    return validate_rfc3339


def _date_time(value: object) -> bool:
    check = _date_time_check()
    return check is None or not isinstance(value, str) or bool(check(value.upper()))


FORMATS = {"date": _date, "date-time": _date_time}


def is_valid(data: Any) -> bool:
    """Whether ``data`` passes the schema, by the pre-generated validator (no jsonschema import).

    Its answer is at least as strict as jsonschema's: ``$`` in a pattern ends the text only at its
    very end here (ECMA-262), so a value with a trailing newline goes to jsonschema, whose
    findings are the ones reported.  Tests hold every rejecting case of jsonschema to this.
    """
    from postmortem_kit.incident.schema_validator import JsonSchemaValueException, validate

    try:
        validate(data, FORMATS)
    except JsonSchemaValueException:
        return False
    except (TypeError, RecursionError):  # e.g. an unhashable value where an enum is checked
        return False
    return True


@cache
def validator():
    """A Draft 2020-12 validator (format checker on) over the inlined schema."""
    from jsonschema import Draft202012Validator

    schema = inlined(load_schema())
    schema["$schema"] = load_schema()["$schema"]
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
