"""The analysis sections of an RCA document -> incident fields.

One function per section, each taking the section's entries (see
rca_markdown_fields) and returning the fields it fills.  What a function
cannot place is handed to ``report.unplace`` with the reason, so it is
listed for the writer and kept in the file (``x-unplaced``).
"""

from __future__ import annotations

import re
from typing import Any

from postmortem_kit.rca.markdown_fields import Entry, ImportReport, section_title
from postmortem_kit.rca.values import person, sentences, strip_quotes
from postmortem_kit.rca.vocabulary import (
    category_words,
    is_none_word,
    normalize,
)

_ITEM_SPLIT = re.compile(r"^(?P<name>[^:()\u2013\u2014]+?)\s*(?::|\s[-\u2013\u2014]\s)\s*(?P<rest>.+)$")
_ITEM_PAREN = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<rest>.+)\)\s*\.?$")


def is_instruction(text: str) -> bool:
    """Text in square brackets on a group line is the prompt's instruction ("[2-4 items]"), not content."""
    return bool(re.fullmatch(r"\[[^\[\]]*\]", text.strip()))


def set_single(section: str, report: ImportReport, result: dict[str, Any], entry: Entry) -> None:
    """Set a one-value field, keeping a repeated label's text as unplaced."""
    key = entry.label
    if key in result:
        report.unplace_entry(section, entry, f"a second {entry.label_text} line")
    elif not entry.text:
        report.add(entry.line, "empty", "warning", f"{entry.label_text} has no text")
    else:
        result[key] = entry.text


# CUSTOMER IMPACT ANALYSIS ---------------------------------------------------------------------------

def map_impact(entries: list[Entry], report: ImportReport) -> dict[str, Any]:
    section = "impact"
    impact: dict[str, Any] = {}
    in_downstream: Entry | None = None
    for entry in entries:
        if entry.label in ("users_affected", "business_impact", "user_experience"):
            in_downstream = None
            set_single(section, report, impact, entry)
        elif entry.label == "downstream_systems":
            in_downstream = entry
            if "downstream_systems" in impact:
                report.unplace_entry(section, entry, "a second Downstream Systems line")
                in_downstream = None
                continue
            impact["downstream_systems"] = [] if is_none_word(entry.text) else _downstream_inline(entry, report)
        elif in_downstream is not None and entry.label is None and entry.marker not in ("", "#"):
            item = _downstream_item(entry.text)
            if item is None:
                report.unplace_entry(section, entry, "a downstream system without 'name: effect'")
            else:
                impact["downstream_systems"].append(item)
        else:
            report.unplace_entry(section, entry, "not one of Users Affected, Business Impact, User Experience, "
                                                 "Downstream Systems")
    order = ("users_affected", "business_impact", "user_experience", "downstream_systems")
    return {key: impact[key] for key in order if key in impact}


def _downstream_item(text: str) -> dict[str, str] | None:
    text = text.strip()
    for pattern in (_ITEM_SPLIT, _ITEM_PAREN):
        match = pattern.match(text)
        if match:
            name = match.group("name").strip().strip("*_`").strip()
            effect = match.group("rest").strip()
            if name and effect and len(name) <= 200:
                return {"system": name, "effect": effect}
    return None


def _downstream_inline(entry: Entry, report: ImportReport) -> list[dict[str, str]]:
    if not entry.text:
        return []
    parts = [part for part in re.split(r";\s*|(?<=\)),\s*", entry.text) if part.strip()]
    items = [_downstream_item(part) for part in parts]
    if all(items):
        return items  # type: ignore[return-value]
    report.unplace(section_title("impact"), entry.line, entry.full_text,
                   "downstream systems need 'system: effect' (or 'system (effect)') for each system")
    return []


# ROOT CAUSE IDENTIFICATION --------------------------------------------------------------------------

def category_of(text: str) -> tuple[str | None, str]:
    """(category, explanation) from "Configuration error - explanation"."""
    words = category_words()
    stripped = text.strip()
    match = re.match(r"^[*_`\[]*(?P<head>[A-Za-z][A-Za-z -]{1,40}?)[*_`\]]*(?:\s*(?::|\s[-\u2013\u2014]\s|\.\s|,\s|\(|$))",
                     stripped)
    if match:
        head = normalize(match.group("head"))
        if head in words:
            rest = stripped[match.end():]
            if match.group(0).rstrip().endswith("("):
                rest = rest.rstrip().removesuffix(")").strip()
            return words[head], rest.strip().lstrip("-\u2013\u2014:. ").strip()
    lowered = normalize(stripped)
    for phrase, category in sorted(words.items(), key=lambda item: -len(item[0])):
        if " " in phrase and re.search(rf"\b{re.escape(phrase)}\b", lowered):
            return category, stripped
    return None, stripped


def map_root_cause(entries: list[Entry], report: ImportReport) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    section = "root_cause"
    root: dict[str, Any] = {}
    factors: list[dict[str, Any]] | None = None
    in_factors = False
    for entry in entries:
        key = entry.label
        if key in ("primary", "technical_details", "why_not_caught"):
            in_factors = False
            set_single(section, report, root, entry)
        elif key == "why_it_happened":
            in_factors = False
            if "why_it_happened" in root or "category" in root:
                report.unplace_entry(section, entry, "a second Why It Happened line")
                continue
            category, explanation = category_of(entry.text)
            if category is None:
                report.add(entry.line, "category", "error",
                           f"Why It Happened does not start with a category (Configuration error, Code bug, Capacity "
                           f"issue or Dependency failure): {entry.text[:80]!r}", field_name="root_cause.category")
            else:
                root["category"] = category
            if explanation:
                root["why_it_happened"] = explanation
        elif key == "human_action":
            in_factors = False
            answer = normalize(entry.text)
            if answer in ("yes", "true", "y") or answer.startswith("yes "):
                root["human_action"] = True
            elif answer in ("no", "false", "n", "none") or answer.startswith("no "):
                root["human_action"] = False
            else:
                report.unplace_entry(section, entry, "Human Action is yes or no")
        elif key == "contributing_factors":
            in_factors = True
            factors = factors if factors is not None else []
            if entry.text and not is_none_word(entry.text) and not is_instruction(entry.text):
                report.unplace_entry(section, entry, "text on the Contributing Factors line itself")
        elif key == "factor":
            in_factors = True
            factors = factors if factors is not None else []
            factors.append({"description": entry.text} if entry.text else {})
        elif key == "how_it_contributed":
            if not factors:
                report.unplace_entry(section, entry, "How It Contributed before any factor")
            elif "how_it_contributed" in factors[-1]:
                report.unplace_entry(section, entry, "a second How It Contributed for one factor")
            else:
                factors[-1]["how_it_contributed"] = entry.text
        elif in_factors and key is None and entry.marker != "":
            factors.append({"description": entry.text})  # type: ignore[union-attr]
        else:
            report.unplace_entry(section, entry, "not one of Primary Root Cause, Technical Details, Why It Happened, "
                                                 "Why It Wasn't Caught, Contributing Factors")
    order = ("primary", "technical_details", "category", "why_it_happened", "why_not_caught", "human_action")
    return {key: root[key] for key in order if key in root}, factors


# PREVENTION MEASURES --------------------------------------------------------------------------------

def map_prevention(entries: list[Entry], report: ImportReport) -> dict[str, Any]:
    section = "prevention"
    groups: dict[str, list[dict[str, Any]]] = {}
    group: str | None = None
    for entry in entries:
        key = entry.label
        if key in ("immediate", "short_term", "long_term"):
            group = key
            groups.setdefault(group, [])
            if entry.text and not is_instruction(entry.text):
                report.unplace_entry(section, entry, f"text on the {entry.label_text} line itself")
            continue
        if group is None:
            report.unplace_entry(section, entry, "before Immediate Actions / Short-Term Improvements / "
                                                 "Long-Term Investments")
            continue
        measures = groups[group]
        if key in (None, "action") and entry.marker != "":
            measures.append({"action": entry.text} if entry.text else {})
        elif key in ("implementation", "owner", "verification"):
            if not measures:
                report.unplace_entry(section, entry, f"{entry.label_text} before any measure")
            elif key in measures[-1]:
                report.unplace_entry(section, entry, f"a second {entry.label_text} for one measure")
            else:
                measures[-1][key] = person(entry.text) if key == "owner" else entry.text
        else:
            report.unplace_entry(section, entry, "not a numbered measure or its Implementation, Owner, Verification")
    order = ("immediate", "short_term", "long_term")
    return {name: [_measure(item) for item in groups[name]] for name in order if groups.get(name)}


def _measure(item: dict[str, Any]) -> dict[str, Any]:
    order = ("action", "implementation", "owner", "verification")
    return {key: item[key] for key in order if key in item}


# SYSTEM IMPROVEMENT RECOMMENDATIONS -----------------------------------------------------------------

_MONITORING = ("missing_alert", "dashboard_update", "threshold_adjustment")
_TESTING = ("test_scenario", "load_testing", "chaos_experiment")


def map_improvements(entries: list[Entry], report: ImportReport) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    section = "improvements"
    values: dict[str, Any] = {}
    seen_groups: set[str] = set()
    for entry in entries:
        if entry.label in ("monitoring", "testing"):
            seen_groups.add(entry.label)
            if entry.text and not is_instruction(entry.text):
                report.unplace_entry(section, entry, f"text on the {entry.label_text} line itself")
        elif entry.label in _MONITORING + _TESTING:
            set_single(section, report, values, entry)
        else:
            report.unplace_entry(section, entry, "not one of Missing Alert, Dashboard Update, Threshold Adjustment, "
                                                 "Test Scenario, Load Testing, Chaos Engineering")
    monitoring = {key: values[key] for key in _MONITORING if key in values}
    testing = {key: values[key] for key in _TESTING if key in values}
    return monitoring or None, testing or None


# LEARNING DOCUMENTATION -----------------------------------------------------------------------------

_LESSON = ("what_happened", "why_it_matters", "what_changed")


def map_lesson(entries: list[Entry], report: ImportReport) -> dict[str, Any] | None:
    section = "learning"
    lesson: dict[str, Any] = {}
    paragraph: list[Entry] = []
    for entry in entries:
        if entry.label in _LESSON:
            set_single(section, report, lesson, entry)
        elif entry.label == "lesson":
            if entry.text:
                paragraph.append(entry)
        else:
            paragraph.append(entry)
    if lesson:
        for entry in paragraph:
            report.unplace_entry(section, entry, "besides the What Happened / Why It Matters / What Changed lines")
        return {key: lesson[key] for key in _LESSON if key in lesson}
    if not paragraph:
        return None
    bullets = [entry for entry in paragraph if entry.marker not in ("", "#")]
    if len(bullets) == 3 and len(paragraph) == 3:
        return dict(zip(_LESSON, (strip_quotes(entry.text) for entry in bullets)))
    text = strip_quotes(" ".join(entry.text for entry in paragraph))
    parts = sentences(text)
    if len(parts) == 3:
        return dict(zip(_LESSON, parts))
    report.unplace(section_title(section), paragraph[0].line, "\n".join(entry.full_text for entry in paragraph),
                   f"the incident lesson needs three sentences (what happened, why it matters, what changed); "
                   f"found {len(parts)}")
    return None
