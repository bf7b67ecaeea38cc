"""Turn a model answer into a usable section, or say exactly why it is not one.

1. ``read_answer``: refusals, truncation (``finish_reason: length``), the
   content filter, empty answers and invalid JSON are problems like any other
   (one repair round, then the section is dropped with the reason).
2. ``clean_section``: nulls (strict mode's "not given") are removed, every
   string is redacted and made inert (untrusted_text), handles in owner and
   responder fields lose their ``@`` so nothing can notify anyone.
3. ``validate_section``: the section is checked inside the incident with the
   same pipeline as `postmortem check` (schema, consistency rules, blameless
   rules), as strictly as ``in-review`` for model drafts, and against the
   computed facts (summary times, timeline minutes, durations stated in prose).
   The blameless rules also read the text before it was made inert, so a name
   wrapped in backticks cannot slip past them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from postmortem_kit.checks import check_document
from postmortem_kit.core import Finding, SourceDocument, declare, dotted_path
from postmortem_kit.drafting.providers import ModelAnswer
from postmortem_kit.incident import IncidentFacts, parse_timestamp, root_shape, timeline_instants
from postmortem_kit.textsafety import InertPolicy, Redactor, make_inert

FACT_RULE = declare("draft/facts", "error", "A drafted section contradicts the computed facts",
                    doc="Times, durations and SLA figures in a draft must equal the ones computed from the inputs.")


@dataclass
class Verdict:
    value: Any = None
    problems: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    repairable: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------- reading


def read_answer(section: str, answer: ModelAnswer) -> Verdict:
    """The section value from the answer's JSON, or the problem with the answer."""
    if answer.error:
        return Verdict(problems=[answer.error], repairable=False)
    if answer.refusal:
        return Verdict(problems=[f"the model refused: {_quote(answer.refusal)}"])
    if answer.finish_reason == "length":
        return Verdict(problems=["the answer was cut off at the output-token limit (finish_reason: length); "
                                 "answer more concisely"])
    if answer.finish_reason == "content_filter":
        return Verdict(problems=["the provider's content filter withheld the answer (finish_reason: content_filter)"])
    content = (answer.content or "").strip()
    if not content:
        return Verdict(problems=["the answer was empty"])
    try:
        parsed = json.loads(_unfence(content))
    except ValueError as error:
        return Verdict(problems=[f"the answer is not valid JSON ({error}); answer with the JSON object only"])
    if isinstance(parsed, dict) and section in parsed:
        value = parsed[section]  # other top-level keys (a server without strict mode) are ignored
    elif isinstance(parsed, dict) and section not in parsed and _looks_like(section, parsed):
        value = parsed  # a server without strict mode answered the section itself, unwrapped
    else:
        keys = ", ".join(sorted(parsed)) if isinstance(parsed, dict) else type(parsed).__name__
        return Verdict(problems=[f"the answer must be a JSON object with the single key `{section}` (got: {keys})"])
    return Verdict(value=drop_nulls(value))


_FENCE = re.compile(r"```(?:json|JSON)?[ \t]*\n(.*?)\n[ \t]*```", re.DOTALL)


def _unfence(text: str) -> str:
    """The JSON in an answer: the whole text, a fenced block inside chatter, or the outermost braces."""
    if text.startswith(("{", "[")):
        return text
    match = _FENCE.search(text)
    if match:
        return match.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start:end + 1] if 0 <= start < end else text


def conform(value: Any, schema: dict[str, Any] | None) -> Any:
    """``value`` brought to the shape of the response ``schema`` where the intent is plain.

    Servers without structured outputs add keys, give numbers for text or one object for a
    list; keys the schema does not have are dropped, numbers become text where text is asked
    for, and a lone object where a list is asked for becomes a list of one.  Everything else
    is left to validation.
    """
    if not isinstance(schema, dict):
        return value
    if "anyOf" in schema:
        branches = [b for b in schema["anyOf"] if isinstance(b, dict) and b.get("type") != "null"]
        return conform(value, branches[0]) if len(branches) == 1 else value
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if isinstance(value, dict) and "object" in kinds and isinstance(schema.get("properties"), dict):
        props = schema["properties"]
        return {key: conform(child, props[key]) for key, child in value.items() if key in props}
    if isinstance(value, dict) and "array" in kinds:
        value = [value]
    if isinstance(value, list) and "array" in kinds:
        return [conform(child, schema.get("items")) for child in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "string" in kinds \
            and not kinds & {"integer", "number"}:
        return str(value)
    return value


def _looks_like(section: str, value: dict) -> bool:
    shape = root_shape().properties.get(section)
    return bool(shape and shape.properties and set(value) <= set(shape.properties))


def _quote(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'  # made inert by the drafter


def drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: drop_nulls(child) for key, child in value.items() if child is not None}
    if isinstance(value, list):
        return [drop_nulls(child) for child in value]
    return value


# --------------------------------------------------------------------------- cleaning


def clean_section(section: str, value: Any, redactor: Redactor, policy: InertPolicy) -> Any:
    """Redacted, inert copy of ``value`` (see module doc)."""
    shape = root_shape().properties.get(section)

    def walk(node: Any, node_shape) -> Any:
        if isinstance(node, str):
            text = make_inert(redactor.redact(node), policy).strip()
            if node_shape is not None and node_shape.kind == "person":
                text = text.strip("`").lstrip("@")
            return text
        if isinstance(node, dict):
            return {key: walk(child, node_shape.properties.get(key) if node_shape else None)
                    for key, child in node.items()}
        if isinstance(node, list):
            return [walk(child, node_shape.items if node_shape else None) for child in node]
        return node

    return walk(value, shape)


# --------------------------------------------------------------------------- validating


def validate_section(section: str, value: Any, *, data: dict[str, Any], facts: IncidentFacts, path: str,
                     strict: bool, raw_value: Any = None) -> list[Finding]:
    """Errors for ``section`` = ``value`` inside the incident ``data``; empty when the draft is usable."""
    findings = _check(section, value, data, facts, path, strict)
    if strict:
        findings.extend(blameless_seam(section, value, path))
    if raw_value is not None and raw_value != value:
        raw_findings = _check(section, raw_value, data, facts, path, strict)
        if strict:
            raw_findings.extend(blameless_seam(section, raw_value, path))
        seen = {(f.rule, f.field) for f in findings}
        for finding in raw_findings:
            if finding.rule.startswith("blameless/") and (finding.rule, finding.field) not in seen:
                findings.append(finding)
                seen.add((finding.rule, finding.field))
    findings.extend(fact_findings(section, value, facts, path))
    return findings


def blameless_seam(section: str, value: Any, path: str) -> list[Finding]:
    """Blameless findings for the section's prose while `postmortem check` has no blameless step.

    SEAM: ``incident_check.check_document`` runs the blameless rules through
    ``postmortem_kit.blameless.document`` once that module exists; until then
    the drafts are scanned here with ``blameless_scan.scan`` (the same rules,
    without the field context).  When ``blameless_document`` is importable
    this returns nothing, so findings are never counted twice.
    """
    import importlib.util

    if importlib.util.find_spec("postmortem_kit.blameless.document") is not None:
        return []
    try:
        from postmortem_kit.blameless import scan
    except ImportError:
        return []
    from postmortem_kit.incident import prose_strings

    out = []
    for where, text in prose_strings({section: value}):
        for match in scan(text):
            rule = match.rule
            out.append(Finding(path, 1, 1, f"blameless/{rule.id}", "error",
                               f"{rule.message} ({match.text!r})", suggestion=rule.suggestions[0] if rule.suggestions
                               else None, category=rule.category, match=match.text, field=dotted_path(where)))
    return out


def _check(section: str, value: Any, data: dict[str, Any], facts: IncidentFacts, path: str,
           strict: bool) -> list[Finding]:
    # Only what the rules for this section read: identity, the section, and the summary (timeline order and
    # follow-up due dates need the start).  Pasted inputs and other sections would only cost time.
    candidate = {key: data[key] for key in ("id", "title", "authors", "services", "suppressions", "summary")
                 if key in data}
    candidate[section] = value
    candidate["status"] = "in-review" if strict else "draft"
    if section != "summary" and not isinstance(candidate.get("summary"), dict):
        # Rules that need the incident's start (timeline order, due dates) get it from the facts.
        fixed = facts.summary_fields()
        if fixed:
            candidate["summary"] = fixed
    doc = SourceDocument(path=path, text="", data=candidate)
    out = []
    for finding in check_document(doc, blameless=True):
        if finding.severity != "error" and not (strict and finding.rule.startswith("blameless/")):
            continue
        if finding.field and (finding.field == section or finding.field.startswith((section + ".", section + "["))):
            out.append(finding)
    return out


_HEDGE = r"(?:about|around|roughly|approximately|nearly|almost|over|more than|less than|under|~)\s*"
_DURATION_CLAIMS = (
    re.compile(r"\b(?:lasted|lasting|outage of|incident of|disruption of|downtime of|impact of|"
               r"for a total of|total duration of)\s+(?P<hedge>" + _HEDGE + r")?(?P<value>\d+(?:\.\d+)?)\s*"
               r"(?P<unit>minutes?|mins?|hours?|hrs?)\b", re.IGNORECASE),
    re.compile(r"\b(?P<hedge>" + _HEDGE + r")?(?P<value>\d+(?:\.\d+)?)[- ](?P<unit>minute|hour)s?[- ]"
               r"(?:outage|incident|disruption|downtime)\b", re.IGNORECASE),
)
_DETECTION_CLAIM = re.compile(r"\bdetected\s+(?:after|within|in)\s+(?P<hedge>" + _HEDGE + r")?(?P<value>\d+)\s*"
                              r"(?P<unit>minutes?|mins?)\b", re.IGNORECASE)


def fact_findings(section: str, value: Any, facts: IncidentFacts, path: str) -> list[Finding]:
    out: list[Finding] = []

    def add(where: tuple, message: str) -> None:
        out.append(Finding(path, 1, 1, FACT_RULE, "error", message, field=dotted_path((section, *where))))

    if section == "summary" and isinstance(value, dict):
        for key, expected in facts.summary_fields().items():
            given = value.get(key)
            if key in ("start", "detection", "resolution"):
                if parse_timestamp(given) != parse_timestamp(expected):
                    add((key,), f"summary.{key} is {given!r} but the computed {key} is {expected}")
            elif given != expected:
                add((key,), f"summary.{key} is {given!r} but the computed value is {expected!r}")
    if section == "timeline" and isinstance(value, list) and facts.timeline:
        base = facts.start.at if facts.start else facts.timeline[0].at
        known = facts.known_minutes()
        allowed = ", ".join(sorted({m.strftime("%H:%M") for m in known}))
        for index, instant in enumerate(timeline_instants(value, base, facts.zone)):
            if instant is not None and instant not in known:
                add((index, "time"), f"timeline entry {index + 1} at {value[index].get('time')} "
                                     f"({instant.isoformat()}) is not a minute of the computed timeline; "
                                     f"use only: {allowed}")
    total = facts.total_duration
    detect = facts.time_to_detect
    for where, text in _strings(value):
        if total is not None:
            for pattern in _DURATION_CLAIMS:
                for match in pattern.finditer(text):
                    claimed = _minutes(match)
                    if not _agrees(claimed, total, match):
                        add(where, f"states a duration of {match.group(0)!r} but the computed total duration is "
                                   f"{int(total.total_seconds() // 60)} minutes")
        if detect is not None:
            for match in _DETECTION_CLAIM.finditer(text):
                if not _agrees(_minutes(match), detect, match):
                    add(where, f"states detection {match.group(0)!r} but the computed time to detect is "
                               f"{int(detect.total_seconds() // 60)} minutes")
    return out


def _strings(value: Any, where: tuple = ()):
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, (*where, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, (*where, index))


def _minutes(match: re.Match[str]) -> float:
    number = float(match.group("value"))
    return number * 60 if match.group("unit").lower().startswith(("h",)) else number


def _agrees(claimed: float, actual: timedelta, match: re.Match[str]) -> bool:
    minutes = actual.total_seconds() / 60
    tolerance = 1.0
    if match.group("hedge"):
        tolerance = max(tolerance, 0.15 * minutes)
    if match.group("unit").lower().startswith("h") and float(match.group("value")).is_integer():
        tolerance = max(tolerance, 30.0)  # "6 hours" for 6:21 is a rounding, not a contradiction
    return abs(claimed - minutes) <= tolerance


def problems_from(findings: list[Finding]) -> list[str]:
    lines = []
    for finding in findings:
        where = f"{finding.field}: " if finding.field else ""
        hint = f" (suggestion: {finding.suggestion})" if finding.suggestion else ""
        lines.append(f"{where}{finding.message} [{finding.rule}]{hint}")
    return lines
