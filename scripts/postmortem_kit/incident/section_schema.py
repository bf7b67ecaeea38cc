"""The JSON schema a model must answer with for one analysis section.

Built from the section's sub-schema in ``schema/postmortem.schema.json``:

* ``$ref``s are inlined into one self-contained schema (sibling keywords win,
  as in the incident schema: ``users_affected`` refines ``prose``);
* the result is reduced to the subset OpenAI's strict structured outputs
  accept: every object lists all its properties in ``required`` and has
  ``additionalProperties: false``; optional properties become nullable (the
  model answers ``null``, which the drafter removes); keywords outside the
  subset (``minLength``, ``maxLength``, ``uniqueItems``, ``not``, ``examples``,
  ``x-*``) are dropped and stated in the description instead, so the model
  still reads them;
* computed facts are pinned with one-value ``enum``s (summary times and
  duration), timeline times are limited to the minutes the inputs contain,
  and follow-up ``tracking`` is always ``new``.

The reduced schema only guides the model: every answer is validated against
the full incident schema afterwards.  The root is an object with the section
name as its only key, because structured outputs need an object at the root
and three sections are lists.
"""

from __future__ import annotations

import copy
from typing import Any

from postmortem_kit.incident.facts import IncidentFacts
from postmortem_kit.incident.schema import definition, load_schema

SCHEMA_NAME_PREFIX = "postmortem_"
_STRICT_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
_KEEP = {"type", "enum", "const", "description", "properties", "required", "additionalProperties", "items",
         "pattern", "format", "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum",
         "exclusiveMaximum", "multipleOf", "anyOf"}


def schema_name(section: str) -> str:
    return f"{SCHEMA_NAME_PREFIX}{section}"


def section_subschema(section: str) -> dict[str, Any]:
    """The section's schema with every ``$ref`` inlined (full keywords, not yet reduced)."""
    root = load_schema()
    try:
        node = root["properties"][section]
    except KeyError:
        raise KeyError(f"unknown section {section!r}") from None
    return _inline(node, ())


def _inline(node: Any, seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if ref is not None:
        if ref in seen:
            raise ValueError(f"recursive $ref {ref} cannot be inlined")
        base = _inline(definition(ref), seen + (ref,))
        merged = dict(base)
        for key, value in node.items():
            if key == "$ref":
                continue
            if key == "pattern" and "pattern" in base and base["pattern"] != value:
                # Both apply in the incident schema; the sibling is the more specific one.
                merged.setdefault("x-also-patterns", []).append(base["pattern"])
            merged[key] = _inline(value, seen)
        return merged
    return {key: _inline(value, seen) for key, value in node.items()}


def response_schema(section: str, facts: IncidentFacts | None = None) -> dict[str, Any]:
    """The strict-mode schema for ``section``, wrapped in ``{section: ...}`` and with facts pinned."""
    inner = _strict(section_subschema(section))
    if facts is not None:
        _pin_facts(section, inner, facts)
    _pin_tracking(inner)
    return {
        "type": "object",
        "description": f"The `{section}` section of the incident postmortem.",
        "properties": {section: inner},
        "required": [section],
        "additionalProperties": False,
    }


def _strict(node: dict[str, Any]) -> dict[str, Any]:
    notes: list[str] = []
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "items", "anyOf"):
            continue
        if key in _KEEP:
            if key == "format" and value not in _STRICT_FORMATS:
                notes.append(f"format: {value}")
                continue
            if key == "additionalProperties" and isinstance(value, dict):
                continue  # open maps are not in the strict subset (none in the analysis sections)
            out[key] = copy.deepcopy(value)
        elif key == "minLength" and value > 1:
            notes.append(f"at least {value} characters")
        elif key == "maxLength":
            notes.append(f"at most {value} characters")
        elif key == "uniqueItems" and value:
            notes.append("items must be unique")
    title = node.get("title")
    description = node.get("description")
    text = " ".join(part.rstrip(".") + "." for part in (title, description) if part)
    if notes:
        text = (text + " " if text else "") + "Constraints: " + "; ".join(notes) + "."
    if text:
        out["description"] = text
    else:
        out.pop("description", None)
    if "enum" in out and "type" not in out:
        types = {_json_type(option) for option in out["enum"]}
        if len(types) == 1:
            out["type"] = types.pop()
    if "anyOf" in node:
        out["anyOf"] = [_strict(branch) for branch in node["anyOf"]]
    if node.get("type") == "object" or "properties" in node:
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        out["type"] = "object"
        out["properties"] = {}
        for name, child in properties.items():
            reduced = _strict(child)
            out["properties"][name] = reduced if name in required else nullable(reduced)
        out["required"] = list(properties)
        out["additionalProperties"] = False
    if "items" in node and isinstance(node["items"], dict):
        out["items"] = _strict(node["items"])
    return out


def nullable(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` or null (how strict mode expresses an optional property)."""
    node = copy.deepcopy(node)
    if "enum" in node:
        if None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        kind = node.get("type")
        if isinstance(kind, str):
            node["type"] = [kind, "null"]
        return node
    kind = node.get("type")
    if isinstance(kind, str) and kind not in ("object", "array"):
        node["type"] = [kind, "null"]
        return node
    if isinstance(kind, list):
        if "null" not in kind:
            node["type"] = [*kind, "null"]
        return node
    description = node.pop("description", None)
    wrapped: dict[str, Any] = {"anyOf": [node, {"type": "null"}]}
    if description:
        wrapped["description"] = description
    return wrapped


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return "string"


def _pin(node: dict[str, Any], value: Any, why: str) -> None:
    for key in ("pattern", "format"):
        node.pop(key, None)
    node["enum"] = [value]
    node["type"] = "null" if value is None else _json_type(value)
    node["description"] = (node.get("description", "") + f" Fixed by the computed facts: {why}.").strip()


def _pin_facts(section: str, inner: dict[str, Any], facts: IncidentFacts) -> None:
    if section == "summary":
        fields = facts.summary_fields()
        props = inner["properties"]
        for key in ("start", "detection", "resolution", "total_duration"):
            if key in fields:
                _pin(props[key], fields[key], "computed from the incident data")
        if "timezone" in fields:
            _pin(props["timezone"], fields["timezone"], "the incident's time zone")
        elif "timezone" in props:
            _pin(props["timezone"], None, "no named time zone is known; timeline times use the start's UTC offset")
    elif section == "timeline":
        slots = facts.timeline_slots()
        if not slots:
            return
        entry = inner["items"]
        times = sorted({clock for _, clock in slots})
        _restrict(entry["properties"]["time"], times,
                  "only minutes that appear in the computed timeline")
        dates = sorted({day for day, _ in slots if day})
        if "date" in entry["properties"]:
            _restrict(entry["properties"]["date"], [*dates, None],
                      "set only on the first entry of a day other than the start's day")


def _restrict(node: dict[str, Any], values: list[Any], why: str) -> None:
    node.pop("pattern", None)
    node.pop("format", None)
    node["enum"] = values
    kinds = sorted({_json_type(v) for v in values})
    node["type"] = kinds[0] if len(kinds) == 1 else kinds
    node["description"] = (node.get("description", "") + f" Allowed values: {why}.").strip()


def _pin_tracking(node: Any) -> None:
    """Drafted follow-ups are always ``tracking: new``; the follow-ups sync creates the issue."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and "tracking" in props and "success_criteria" in props:
            _pin(props["tracking"], "new", "the follow-ups sync creates the issue and fills this in")
        for value in node.values():
            _pin_tracking(value)
    elif isinstance(node, list):
        for value in node:
            _pin_tracking(value)
