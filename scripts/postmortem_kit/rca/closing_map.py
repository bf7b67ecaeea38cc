"""The closing sections of an RCA document -> incident fields.

Follow-up actions, communication requirements and the blameless analysis,
mapped the same way as the analysis sections (see rca.analysis_map): one
function per section, and what cannot be placed goes to ``report.unplace``.
"""

from __future__ import annotations

import re
from typing import Any

from postmortem_kit.rca.analysis_map import is_instruction, set_single
from postmortem_kit.rca.human_factors import derive_human_factor, states_no_human_factor
from postmortem_kit.rca.markdown_fields import Entry, ImportReport
from postmortem_kit.rca.times import parse_date_text
from postmortem_kit.rca.values import person
from postmortem_kit.rca.vocabulary import gap_type_words, is_none_word, normalize, tracking_new_words

# FOLLOW-UP ACTIONS ----------------------------------------------------------------------------------

_FOLLOW_UP = ("action", "owner", "due", "success_criteria", "tracking")


def map_follow_ups(entries: list[Entry], report: ImportReport) -> list[dict[str, Any]]:
    section = "follow_ups"
    items: list[dict[str, Any]] = []
    for entry in entries:
        key = entry.label
        if key is None and entry.marker == "#" and re.fullmatch(r"(?:follow up|action item|action|item)( \d+)?",
                                                                normalize(entry.text, keep_numbers=True)):
            items.append({})
            continue
        if key == "action" or (key is None and entry.number is not None):
            if items and not items[-1]:
                items[-1]["action"] = entry.text
            else:
                items.append({"action": entry.text})
            continue
        if key == "tracking" and re.fullmatch(r"\[[^\[\]]*\]", entry.text.strip()) and not (items and items[-1]):
            continue  # the prompt's "[Ticket number to create]" under an item that has nothing else: template text
        if key in _FOLLOW_UP:
            if not items or key in items[-1]:
                items.append({})
            items[-1][key] = _follow_up_value(key, entry, report, len(items))
            continue
        report.unplace_entry(section, entry, "not one of Action, Owner, Due Date, Success Criteria, Tracking")
    return [{key: item[key] for key in _FOLLOW_UP if key in item} for item in items]


def _follow_up_value(key: str, entry: Entry, report: ImportReport, number: int) -> str:
    text = entry.text
    if key == "owner":
        return person(text)
    if key == "due":
        value, problem = parse_date_text(text)
        if value is None:
            report.add(entry.line, "due-date", "error", f"follow-up {number}: Due Date {problem}; the text is kept",
                       field_name=f"follow_ups[{number - 1}].due")
            return text
        return value
    if key == "tracking":
        return _tracking(text, entry, report, number)
    return text


# "SHAKE-471 (to create)", "OPS-12 (planned)": a ticket that does not exist yet.
_TICKET_HINT = re.compile(r"(?i)^(?P<ref>[A-Za-z][A-Za-z0-9]{0,19}-[0-9]{1,9}|#[0-9]{1,9})\s{0,3}[(\[]\s{0,3}"
                          r"(?:to\s(?:be\s)?(?:created|create|filed|file|opened|open)|planned|pending|not\s(?:yet\s)?"
                          r"(?:created|filed)|tbd|new)\s{0,3}[)\]]\.?$")


def _tracking(text: str, entry: Entry, report: ImportReport, number: int) -> str:
    cleaned = text.strip().strip("`*_").strip()
    where = f"follow_ups[{number - 1}].tracking"
    if normalize(cleaned, keep_numbers=True) in tracking_new_words():
        if cleaned != "new":
            report.infer(entry.line, where, f"{cleaned!r} means no ticket yet: written as `new` (the follow-ups sync "
                                            "creates the issue)")
        return "new"
    if re.fullmatch(r"\[[^\[\]]*\]", cleaned):
        report.infer(entry.line, where, f"the placeholder {cleaned!r} means no ticket yet: written as `new`")
        return "new"
    hint = _TICKET_HINT.match(cleaned)
    if hint:
        report.infer(entry.line, where, f"{cleaned!r} names a ticket still to be created: written as `new`, the "
                                        f"hint {hint.group('ref')!r} is kept under x-import.hints")
        report.hint(where, cleaned)
        return "new"
    return cleaned


# COMMUNICATION REQUIREMENTS -------------------------------------------------------------------------

_EXECUTIVE = ("what_failed", "root_cause", "prevention_cost")


def map_communication(entries: list[Entry], report: ImportReport) -> dict[str, Any] | None:
    section = "communication"
    summary: dict[str, Any] = {}
    unlabelled: list[Entry] = []
    statement: list[str] = []
    group: str | None = None
    for entry in entries:
        key = entry.label
        if key == "executive_summary":
            group = key
            if entry.text and not is_instruction(entry.text):
                report.unplace_entry(section, entry, "text on the Executive Summary line itself")
        elif key == "customer_statement":
            group = key
            if entry.text:
                statement.append(entry.text)
        elif key in _EXECUTIVE and group != "customer_statement":
            set_single(section, report, summary, entry)
        elif group == "executive_summary" and key is None and entry.marker != "#":
            unlabelled.append(entry)
        elif group == "customer_statement" and key is None and entry.marker != "#":
            statement.append(entry.text)
        else:
            report.unplace_entry(section, entry, "not part of the Executive Summary or the Customer Communication")
    free = [key for key in _EXECUTIVE if key not in summary]
    for entry in unlabelled:
        if free:
            summary[free.pop(0)] = entry.text
        else:
            report.unplace_entry(section, entry, "more than three executive-summary bullets")
    result: dict[str, Any] = {}
    if summary:
        result["executive_summary"] = {key: summary[key] for key in _EXECUTIVE if key in summary}
    text = "\n\n".join(part for part in statement if part)
    if text and not is_none_word(text) and not re.fullmatch(r"(?i)(?:none|n/?a|not (?:required|needed))\b.*", text):
        result["customer_statement"] = text
    return result or None


def _from_prose(prose: list[Entry], factors: list[dict[str, Any]] | None, report: ImportReport) -> list[dict[str, Any]]:
    if factors:  # labelled Factor / System Gap items: the prose around them is not a factor of its own
        for entry in prose:
            report.unplace_entry("blameless", entry, "not a Human Factors item (Factor, System Gap, Gap Type)")
        return factors
    derived: list[dict[str, Any]] = []
    for entry in prose:
        if states_no_human_factor(entry.text):
            report.infer(entry.line, "blameless.human_factors", f"{entry.text[:80]!r} states that no human action "
                                                                 "was involved: an empty list")
            continue
        item, how = derive_human_factor(entry.text)
        if item is None:
            report.unplace_entry("blameless", entry, how)
            continue
        report.infer(entry.line, f"blameless.human_factors[{len(derived)}]", f"read from the text ({how})")
        derived.append(item)
    return derived


# BLAMELESS ANALYSIS ---------------------------------------------------------------------------------

def map_blameless(entries: list[Entry], report: ImportReport) -> tuple[dict[str, Any] | None, list[dict[str, str]] | None]:
    section = "blameless"
    factors: list[dict[str, Any]] | None = None
    suppressions: list[dict[str, str]] | None = None
    group: str | None = None
    prose: list[Entry] = []  # human factors written as sentences (rca.human_factors)
    for entry in entries:
        key = entry.label
        if key == "human_factors":
            group = key
            factors = factors if factors is not None else []
            if entry.text and not is_none_word(entry.text):
                prose.append(entry)
        elif key is None and entry.marker != "#" and group != "suppressions":
            prose.append(entry)
        elif key == "suppressions":
            group = key
            suppressions = suppressions if suppressions is not None else []
        elif key == "factor":
            group = "human_factors"
            factors = factors if factors is not None else []
            factors.append({"factor": entry.text})
        elif key in ("system_gap", "gap_type") and factors:
            if key in factors[-1]:
                report.unplace_entry(section, entry, f"a second {entry.label_text} for one human factor")
            elif key == "gap_type":
                factors[-1][key] = gap_type_words().get(normalize(entry.text), entry.text)
            else:
                factors[-1][key] = entry.text
        elif group == "suppressions" and key is None and entry.marker not in ("", "#"):
            rule, _, reason = entry.text.partition(":")
            if rule.strip() and reason.strip():
                suppressions.append({"rule": rule.strip().strip("`"), "reason": reason.strip()})  # type: ignore[union-attr]
            else:
                report.unplace_entry(section, entry, "a suppression needs 'rule-id: reason'")
        else:
            report.unplace_entry(section, entry, "not a Human Factors item (Factor, System Gap, Gap Type)")
    if prose:
        factors = _from_prose(prose, factors, report)
    blameless = None
    if factors is not None:
        order = ("factor", "system_gap", "gap_type")
        blameless = {"human_factors": [{key: item[key] for key in order if key in item} for item in factors]}
    return blameless, suppressions
