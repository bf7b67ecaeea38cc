"""Validate an incident against the JSON Schema and explain each error in plain words.

jsonschema's own messages print raw regexes and Python reprs; a writer needs
"unknown key `sumary` (did you mean `summary`?)" at the key's line.  Custom
wording can live in the schema itself, as ``x-messages`` next to the keyword.
"""

from __future__ import annotations

import re

from postmortem_kit.core import Finding, SourceDocument, declare, dotted_path
from postmortem_kit.incident import is_valid, validator

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any, Iterable

_SCHEMA_RULES = {
    "required": "A required key is missing",
    "unknown-key": "A key the schema does not know (often a typo)",
    "enum": "The value is not one of the allowed values",
    "type": "The value has the wrong type (text, number, list, mapping)",
    "blank": "A text field is blank",
    "too-long": "A text field is longer than allowed",
    "item-count": "A list has too few or too many entries",
    "duplicate-items": "A list repeats an entry",
    "format": "A value does not have its declared format",
    "pattern": "A value does not have the expected form",
    "invalid": "The value breaks another schema constraint",
}
for _name, _summary in _SCHEMA_RULES.items():
    declare(f"schema/{_name}", "error", _summary,
            doc="Checked against `schema/postmortem.schema.json`; the message says what the field expects.")

_JSON_TYPES = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
               float: "a number", type(None): "empty (null)"}
_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number",
               "number": "a number", "boolean": "true/false", "null": "empty"}


def schema_findings(doc: SourceDocument, *, severity: str = "error") -> list[Finding]:
    """The schema errors, explained.  A valid document (most of them) is answered by the compiled
    validator alone; jsonschema is loaded only to explain a failure."""
    if is_valid(doc.data):
        return []
    return explained_errors(doc, severity=severity)


schema_errors = schema_findings  # the public name (the module has the other one)


def explained_errors(doc: SourceDocument, *, severity: str = "error") -> list[Finding]:
    """Every schema error from jsonschema, explained (the slow path; also used by tests on its own)."""
    findings: list[Finding] = []
    for error in validator().iter_errors(doc.data):
        findings.extend(_explain(doc, _most_relevant(error), severity))
    return findings


def _most_relevant(error):
    """For anyOf/oneOf, report the branch that got furthest rather than the summary."""
    if error.context:
        from jsonschema.exceptions import best_match

        return best_match(error.context)
    return error


def _custom(error, **values: Any) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    template = schema.get("x-messages", {}).get(error.validator)
    if not template:
        return None
    try:
        return template.format(instance=error.instance, **values)
    except (KeyError, IndexError, ValueError):
        return template


def _explain(doc: SourceDocument, error, severity: str) -> Iterable[Finding]:
    import difflib

    path = tuple(error.absolute_path)
    keyword = error.validator
    instance = error.instance
    field = dotted_path(path) or None

    def at(where: tuple, rule: str, message: str, *, key: bool = False, **extra) -> Finding:
        line, column = doc.key_position(where) if key else doc.position(where)
        return Finding(doc.path, line, column, f"schema/{rule}", severity, message,
                       field=dotted_path(where) or None, **extra)

    if keyword == "required":
        missing = [name for name in error.validator_value
                   if isinstance(instance, dict) and name not in instance and repr(name) in error.message]
        name = missing[0] if missing else error.message
        message = _custom(error, missing=f"`{name}`") or f"missing required key `{name}`" + (
            f" in `{field}`" if field else "")
        yield at(path, "required", message, key=bool(path))
        return
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        schema = error.schema
        allowed = list(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for key in instance:
            if key in allowed or any(p.search(key) for p in patterns):
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else f"; allowed here: {', '.join(allowed)}"
            where = f" in `{field}`" if field else ""
            yield at(path + (key,), "unknown-key", f"unknown key `{key}`{where}{hint}", key=True)
        return
    if keyword == "enum":
        options = [str(option) for option in error.validator_value]
        close = difflib.get_close_matches(str(instance), options, n=1, cutoff=0.5)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        yield at(path, "enum", _custom(error) or f"{instance!r} is not one of: {', '.join(options)}{hint}")
        return
    if keyword == "type":
        wanted = error.validator_value
        wanted = " or ".join(_TYPE_WORDS.get(w, w) for w in (wanted if isinstance(wanted, list) else [wanted]))
        found = _JSON_TYPES.get(type(instance), type(instance).__name__)
        message = _custom(error) or f"expected {wanted}, found {found}"
        if isinstance(instance, (int, float)) and "text" in wanted:
            message += " (quote the value to keep it as text)"
        yield at(path, "type", message)
        return
    if keyword == "not" and isinstance(instance, str):
        mapped = _blameless_pattern(doc, path, instance, severity)
        if mapped is not None:
            yield mapped
            return
    if keyword == "pattern" and isinstance(instance, str) and error.validator_value == "\\S":
        yield at(path, "blank", "must not be blank")
        return
    if keyword == "minLength" and isinstance(instance, str) and error.validator_value == 1:
        yield at(path, "blank", "must not be empty")
        return
    if keyword == "maxLength" and isinstance(instance, str):
        yield at(path, "too-long", _custom(error) or
                 f"is {len(instance):,} characters long; at most {error.validator_value:,} are allowed here")
        return
    if keyword in ("minItems", "maxItems") and isinstance(instance, list):
        bound = "at least" if keyword == "minItems" else "at most"
        message = _custom(error) or f"needs {bound} {error.validator_value} entries"
        yield at(path, "item-count", f"{message} (found {len(instance)})")
        return
    if keyword == "uniqueItems":
        yield at(path, "duplicate-items", "entries must be unique; remove the repeated one")
        return
    if keyword == "format":
        yield at(path, "format", f"{instance!r} is not a valid {error.validator_value}")
        return
    if keyword == "pattern":
        yield at(path, "pattern", _custom(error) or f"{instance!r} does not have the expected form")
        return
    yield at(path, "invalid", _custom(error) or error.message)


def _blameless_pattern(doc: SourceDocument, path: tuple, text: str, severity: str) -> Finding | None:
    """Map a prose ``not``/``pattern`` failure back to the blameless rule it came from."""
    try:
        from postmortem_kit.blameless import describe_prose_pattern_error
    except ImportError:
        return None
    described = describe_prose_pattern_error(text)
    if described is None:
        return None
    rule, message, suggestion, offset, match = described
    line, column = doc.text_position(path, offset)
    end_line, end_column = doc.text_position(path, offset + len(match))
    return Finding(doc.path, line, column, f"blameless/{rule}", severity, message, end_line=end_line,
                   end_column=end_column, suggestion=suggestion, match=match, field=dotted_path(path),
                   category="schema-blameless")
