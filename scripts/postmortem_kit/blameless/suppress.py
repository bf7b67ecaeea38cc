"""Suppressing a blameless finding on purpose, visibly.

Two ways, both requiring a reason:

* an inline marker: ``<!-- blameless-ignore BL012: quoting the vendor's report -->``
  in Markdown or in a prose string, or a YAML comment
  ``# blameless-ignore BL012: reason`` on the lines of a prose field (or the
  line above it).  ``blameless-ignore-file`` in Markdown covers the whole file.
* a per-file list: the incident's top-level ``suppressions: [{rule, reason}]``.

A suppressed finding is still reported, with ``suppressed=True`` and the
reason; it just does not fail the check.  Markers without a reason or naming
unknown rules are reported as warnings and suppress nothing.
"""

from __future__ import annotations

from postmortem_kit.blameless.rules import RULE_PREFIX, RuleSet
from postmortem_kit.core import Finding, LazyRegex

SUPPRESSION_RULE = RULE_PREFIX + "suppression"
_MARKER = LazyRegex(
    r"(?:<!--|(?<![^\s])#)[ \t]*blameless-ignore(?P<scope>-file|-line)?\b[ \t]*:?[ \t]*"
    r"(?P<ids>[A-Za-z0-9/_-]{1,40}(?:[ \t]*,[ \t]*[A-Za-z0-9/_-]{1,40}){0,20})?"
    r"[ \t]*(?::[ \t]*(?P<reason>(?:(?!-->)[^\n]){0,500}))?[ \t]*(?:-->)?"
)


class Marker:
    __slots__ = ("start", "end", "rules", "reason", "whole_file")

    def __init__(self, start: int, end: int, rules: frozenset[str], reason: str, whole_file: bool = False):
        self.start = start  # offset of the marker in the text it was found in
        self.end = end
        self.rules = rules  # bare ids, e.g. BL012
        self.reason = reason
        self.whole_file = whole_file


def find_markers(text: str, rules: RuleSet, path: str, position) -> tuple[list[Marker], list[Finding]]:
    """Markers in ``text``; ``position(offset) -> (line, column)`` places problems."""
    markers: list[Marker] = []
    problems: list[Finding] = []
    if "blameless-ignore" not in text:
        return markers, problems
    for m in _MARKER.finditer(text):
        ids = [part.strip() for part in (m.group("ids") or "").split(",") if part.strip()]
        reason = (m.group("reason") or "").strip()
        line, column = position(m.start())
        if not ids:
            problems.append(_problem(path, line, column, "blameless-ignore names no rule; write e.g. "
                                     "`blameless-ignore BL012: why this wording is needed`"))
            continue
        unknown = [rule_id for rule_id in ids if rules.rule(rule_id) is None]
        if unknown:
            problems.append(_problem(path, line, column, f"blameless-ignore names unknown rule(s) {', '.join(unknown)}"))
            continue
        if len(reason) < 3:
            problems.append(_problem(path, line, column, "blameless-ignore needs a reason after a colon, e.g. "
                                     f"`blameless-ignore {ids[0]}: quoting the customer's ticket`"))
            continue
        bare = frozenset(_bare(rule_id) for rule_id in ids)
        markers.append(Marker(m.start(), m.end(), bare, reason, m.group("scope") == "-file"))
    return markers, problems


def file_suppressions(data, rules: RuleSet, path: str, position) -> tuple[dict[str, str], list[Finding]]:
    """The incident's ``suppressions`` list as {rule id: reason}, plus problems with it."""
    found: dict[str, str] = {}
    problems: list[Finding] = []
    entries = data.get("suppressions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return found, problems
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue  # the schema reports the shape
        rule_id, reason = entry.get("rule"), entry.get("reason")
        if not isinstance(rule_id, str) or not isinstance(reason, str):
            continue
        if rules.rule(rule_id) is None:
            line, column = position(("suppressions", index, "rule"))
            problems.append(_problem(path, line, column, f"suppressions names unknown blameless rule {rule_id!r}",
                                     field=f"suppressions[{index}].rule"))
            continue
        found[_bare(rule_id)] = reason.strip()
    return found, problems


def _bare(rule_id: str) -> str:
    return rule_id[len(RULE_PREFIX):] if rule_id.startswith(RULE_PREFIX) else rule_id


def _problem(path: str, line: int, column: int, message: str, field: str | None = None) -> Finding:
    return Finding(path, line, column, SUPPRESSION_RULE, "warning", message, category="suppression", field=field)
