"""The blameless rules inside the JSON Schema, and back again.

Rules marked ``schema: true`` in blameless.yaml list plain ``schema_phrases``
("human error", "operator error", "fat-fingered").  They become one regex in
``$defs/prose`` as ``"not": {"pattern": ...}``, so an editor that only knows
the schema already underlines them while typing.  JSON Schema has no flags,
so the regex is made case-insensitive with character classes (``[Hh]``) and
uses only syntax shared by ECMA-262 and Python (groups, classes,
alternation, ``^``/``$``): no ``\\b``, lookbehind or named groups.

When the schema check reports such a pattern failure, the tool does not
print the regex: ``describe_prose_pattern_error`` finds the phrase, asks the
full scanner about it (which also knows quotes, code and negation), and
returns the rule, its message, its suggestion and the exact offset.
"""

from __future__ import annotations

import json
import re
from functools import cache

_BEFORE = "(?:^|[^A-Za-z0-9_])"
_AFTER = "(?:[^A-Za-z0-9_]|$)"
_GAP = "[ \\t\\r\\n-]+"  # between the words of a phrase: spaces, line breaks or a hyphen


def phrase_regex(phrase: str) -> str:
    """ECMA/Python regex for a lower-case phrase, case-insensitive by classes."""
    words = re.split(r"[ -]+", phrase.strip())
    return _GAP.join("".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in word) for word in words)


def schema_rules(compiled: dict) -> list[dict]:
    return [rule for rule in compiled["rules"] if rule.get("schema")]


def schema_pattern(compiled: dict) -> str:
    """The one regex for ``$defs/prose/not/pattern``: any schema phrase as a whole word."""
    phrases = sorted({phrase for rule in schema_rules(compiled) for phrase in rule["schema_phrases"]},
                     key=lambda p: (-len(p), p))
    return _BEFORE + "(?:" + "|".join(phrase_regex(p) for p in phrases) + ")" + _AFTER


def schema_not_entry(compiled: dict) -> dict:
    return {"pattern": schema_pattern(compiled)}


def replace_prose_not(schema_text: str, entry: dict) -> str:
    """Put ``"not": entry`` into ``$defs/prose`` of the schema text, changing nothing else."""
    defs = schema_text.find('"$defs"')
    start = schema_text.find('"prose"', defs if defs >= 0 else 0)
    if defs < 0 or start < 0:
        raise ValueError("the schema has no $defs/prose entry")
    open_brace = schema_text.index("{", start)
    close_brace = _matching_brace(schema_text, open_brace)
    block = schema_text[open_brace:close_brace]
    line = '"not": ' + json.dumps(entry, ensure_ascii=False)
    existing = re.search(r'^([ \t]*)"not":[^\n]*?(,?)$', block, re.MULTILINE)
    if existing:
        new_block = block[:existing.start()] + existing.group(1) + line + existing.group(2) + block[existing.end():]
        return schema_text[:open_brace] + new_block + schema_text[close_brace:]
    body = block.rstrip()
    indent = re.search(r"\n([ \t]+)\"", block)
    pad = indent.group(1) if indent else "      "
    closing = block[len(body):]
    separator = "" if body.endswith(",") or body.endswith("{") else ","
    new_block = body + separator + "\n" + pad + line + closing
    return schema_text[:open_brace] + new_block + schema_text[close_brace:]


def _matching_brace(text: str, open_index: int) -> int:
    depth = 0
    in_string = False
    escaped = False
    for index in range(open_index, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError("unbalanced braces in the schema")


@cache
def _phrase_finder() -> tuple[re.Pattern, dict[str, str]]:
    """The schema's phrases with a named group per rule (Python only, same phrases)."""
    from postmortem_kit.blameless.rules import load_rules

    rules = load_rules()
    groups = []
    names = {}
    for rule in rules.rules:
        if rule.schema and rule.schema_phrases:
            phrases = sorted(rule.schema_phrases, key=lambda p: (-len(p), p))
            name = "r" + rule.id
            names[name] = rule.id
            groups.append(f"(?P<{name}>" + "|".join(phrase_regex(p) for p in phrases) + ")")
    return re.compile(_BEFORE + "(?:" + "|".join(groups) + ")" + _AFTER), names


def describe_prose_pattern_error(instance: str) -> tuple[str, str, str, int, str] | None:
    """(rule id, message, suggestion, offset, matched text) for a prose string the schema's
    ``not``/``pattern`` rejected, or None when no schema phrase is in it."""
    from postmortem_kit.blameless.rules import load_rules
    from postmortem_kit.blameless.scanner import scan

    finder, names = _phrase_finder()
    m = finder.search(instance)
    if m is None:
        return None
    group = m.lastgroup
    start, end = m.span(group)
    rules = load_rules()
    for match in scan(instance, rules=rules):
        if match.start < end and start < match.end + 1:
            return match.rule.id, match.rule.describe(match.text), match.rule.suggestion, match.start, match.text
    rule = rules.by_id[names[group]]
    text = instance[start:end]
    return rule.id, rule.describe(text), rule.suggestion, start, text
