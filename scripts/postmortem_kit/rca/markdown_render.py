"""An incident -> RCA Markdown in the layout of the RCA prompt (what `postmortem import` reads).

The document starts with ``# <id>: <title>`` and the identity lines
(Status, Authors, Tags, Services), then the input blocks (``### INCIDENT
DATA`` in a \"\"\" fence, ``### SYSTEM CONTEXT``) and the analysis sections
with the prompt's headings and labels.  Two sections the prompt asks for in
words but gives no layout get one: ``### BLAMELESS ANALYSIS`` (human factors
with their system gaps, and blameless-check suppressions) and, when an
import left content unplaced, ``### NOT IMPORTED``.

Text with line breaks is written with Markdown hard breaks (a backslash at
the end of the line), which the importer reads back as line breaks.  Where a
compact line would be ambiguous (a timeline event containing " - ", an
unlabelled bullet that starts like a label), the labelled form is written.
Only sections present in the file are written; values of an unexpected type
are skipped and named in the returned notes.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from postmortem_kit.checks import UNPLACED_KEY
from postmortem_kit.incident import parse_timestamp
from postmortem_kit.rca.inputs_render import render_inputs
from postmortem_kit.rca.markdown_fields import hard_break_lines, split_label
from postmortem_kit.rca.markdown_out import MarkdownOut, heading, list_at, mapping_at, mappings_in, text_of
from postmortem_kit.rca.vocabulary import category_text, label_text

_TIMELINE_SEPARATOR = re.compile(r"\s(?:-{1,2}|\u2013|\u2014|\|)\s|\((?:responder|by):", re.IGNORECASE)


def render_markdown(data: dict[str, Any]) -> tuple[str, list[str]]:
    """The Markdown text, and notes about what could not be exported."""
    out = MarkdownOut()
    _identity(data, out)
    render_inputs(data, out)
    _summary(data, out)
    _impact(data, out)
    _root_cause(data, out)
    _timeline(data, out)
    _prevention(data, out)
    _improvements(data, out)
    _lesson(data, out)
    _follow_ups(data, out)
    _communication(data, out)
    _blameless(data, out)
    _unplaced(data, out)
    for key in data:
        if isinstance(key, str) and key.startswith("x-") and key not in (UNPLACED_KEY, "x-import"):
            out.notes.append(f"{key} is an extension field; the RCA layout has no place for it (not exported)")
    while out.lines and out.lines[-1] == "":
        out.lines.pop()
    return "\n".join(out.lines) + "\n", out.notes


def _names(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(text_of(item) for item in value)
    return text_of(value)


def _identity(data: dict[str, Any], out: MarkdownOut) -> None:
    incident_id, title = text_of(data.get("id")), text_of(data.get("title"))
    heading = ": ".join(part for part in (incident_id, title) if part)
    if heading:
        out.add(f"# {heading}")
        out.blank()
    for key in ("status", "authors", "tags", "services"):
        if key in data and data[key] not in (None, []):
            out.add(f"- {label_text('metadata', key)}: {_names(data[key])}")


# Analysis -----------------------------------------------------------------------------------------------

def spoken_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def _summary(data: dict[str, Any], out: MarkdownOut) -> None:
    summary = mapping_at(data, "summary", out)
    if not summary:
        return
    heading(out, "summary", "bold")
    label = lambda key: label_text("summary", key)  # noqa: E731
    start = parse_timestamp(summary.get("start"))
    if "start" in summary:
        zone = summary.get("timezone")
        out.add(f"- {label('start')}: {text_of(summary['start'])}" + (f" ({zone})" if isinstance(zone, str) else ""))
    elif isinstance(summary.get("timezone"), str):
        out.add(f"- {label('timezone')}: {summary['timezone']}")
    if "detection" in summary:
        detection = parse_timestamp(summary.get("detection"))
        after = ""
        if start and detection and detection >= start:
            after = f" - {spoken_duration(detection - start)} after the start"
        out.add(f"- {label('detection')}: {text_of(summary['detection'])}{after}")
    if "resolution" in summary:
        out.add(f"- {label('resolution')}: {text_of(summary['resolution'])}")
    if "total_duration" in summary:
        out.add(f"- {label('total_duration')}: {text_of(summary['total_duration'])}")
    severity = text_of(summary.get("severity"))
    justification = text_of(summary.get("severity_justification"))
    if severity or justification:
        level = re.sub(r"^SEV(\d)$", r"SEV \1", severity)
        out.labelled("- ", label("severity"), " - ".join(part for part in (level, justification) if part))


def _impact(data: dict[str, Any], out: MarkdownOut) -> None:
    impact = mapping_at(data, "impact", out)
    if not impact:
        return
    heading(out, "impact", "bold")
    for key in ("users_affected", "business_impact", "user_experience"):
        if key in impact:
            out.labelled("- ", label_text("impact", key), impact[key])
    if "downstream_systems" in impact:
        systems = mappings_in(list_at(impact, "downstream_systems", out, "impact."), "impact.downstream_systems", out)
        if not systems:
            out.add(f"- {label_text('impact', 'downstream_systems')}: None")
        else:
            out.add(f"- {label_text('impact', 'downstream_systems')}:")
            for system in systems:
                out.labelled("  - ", text_of(system.get("system")), system.get("effect"), "    ")


def _root_cause(data: dict[str, Any], out: MarkdownOut) -> None:
    root = mapping_at(data, "root_cause", out)
    factors = mappings_in(list_at(data, "contributing_factors", out), "contributing_factors", out)
    if not root and "contributing_factors" not in data:
        return
    heading(out, "root_cause", "bold")
    label = lambda key: label_text("root_cause", key)  # noqa: E731
    if "primary" in root:
        out.labelled("", label("primary"), root["primary"], "")
    if "technical_details" in root:
        out.labelled("- ", label("technical_details"), root["technical_details"])
    if "category" in root or "why_it_happened" in root:
        category = root.get("category")
        try:
            shown = category_text(category) if isinstance(category, str) else ""
        except KeyError:
            shown = text_of(category)
        why = " - ".join(part for part in (shown, text_of(root.get("why_it_happened"))) if part)
        out.labelled("- ", label("why_it_happened"), why)
    if "why_not_caught" in root:
        out.labelled("- ", label("why_not_caught"), root["why_not_caught"])
    if isinstance(root.get("human_action"), bool):
        out.labelled("- ", label("human_action"), "Yes" if root["human_action"] else "No")
    if "contributing_factors" in data:
        out.blank()
        out.add(f"{label('contributing_factors')}:")
        for number, factor in enumerate(factors, start=1):
            out.labelled("- ", f"{label('factor')} {number}", factor.get("description"))
            if "how_it_contributed" in factor:
                out.labelled("  - ", label("how_it_contributed"), factor["how_it_contributed"], "    ")


def _timeline(data: dict[str, Any], out: MarkdownOut) -> None:
    if "timeline" not in data:
        return
    entries = mappings_in(list_at(data, "timeline", out), "timeline", out)
    heading(out, "timeline", "bold")
    for entry in entries:
        when = text_of(entry.get("time"))
        if entry.get("date"):
            when = f"{text_of(entry['date'])} {when}"
        event, state, action = (text_of(entry.get(key)) for key in ("event", "system_state", "action"))
        responder = text_of(entry.get("responder"))
        compact = not any(_TIMELINE_SEPARATOR.search(part) or "\n" in part for part in (event, state, action)) \
            and bool(event) and (bool(state) or not action)
        if compact:
            parts = [part for part in (event, state) if part] + ([action] if action else [])
            line = f"- {when} - " + " - ".join(parts)
            if responder:
                line += f" (responder: {responder})"
            out.add(line)
            continue
        out.add(f"- {when}")
        for key, value in (("event", event), ("system_state", state), ("action", action), ("responder", responder)):
            if value:
                out.labelled("  - ", label_text("timeline", key), value, "    ")


def _prevention(data: dict[str, Any], out: MarkdownOut) -> None:
    prevention = mapping_at(data, "prevention", out)
    if not prevention:
        return
    heading(out, "prevention", "bold")
    for group in ("immediate", "short_term", "long_term"):
        if group not in prevention:
            continue
        out.blank()
        out.add(f"{label_text('prevention', group)}:")
        measures = mappings_in(list_at(prevention, group, out, "prevention."), f"prevention.{group}", out)
        for number, measure in enumerate(measures, start=1):
            action = text_of(measure.get("action"))
            if split_label(action, "prevention")[0] is not None or not action:
                out.labelled(f"{number}. ", label_text("prevention", "action"), action, "   ")
            else:
                out.add(f"{number}. {hard_break_lines(action, '   ')}")
            for key in ("implementation", "owner", "verification"):
                if key in measure:
                    out.labelled("   - ", label_text("prevention", key), measure[key], "     ")


def _improvements(data: dict[str, Any], out: MarkdownOut) -> None:
    monitoring, testing = mapping_at(data, "monitoring", out), mapping_at(data, "testing", out)
    if "monitoring" not in data and "testing" not in data:
        return
    heading(out, "improvements", "atx")
    for group, values, keys in (("monitoring", monitoring, ("missing_alert", "dashboard_update", "threshold_adjustment")),
                                ("testing", testing, ("test_scenario", "load_testing", "chaos_experiment"))):
        if group not in data:
            continue
        out.blank()
        out.add(f"{label_text('improvements', group)}:")
        for key in keys:
            if key in values:
                out.labelled("- ", label_text("improvements", key), values[key])


def _lesson(data: dict[str, Any], out: MarkdownOut) -> None:
    lesson = mapping_at(data, "lesson", out)
    if not lesson:
        return
    heading(out, "learning", "atx")
    out.add(f"{label_text('learning', 'lesson')}:")
    for key in ("what_happened", "why_it_matters", "what_changed"):
        if key in lesson:
            out.labelled("- ", label_text("learning", key), lesson[key])


def _follow_ups(data: dict[str, Any], out: MarkdownOut) -> None:
    if "follow_ups" not in data:
        return
    items = mappings_in(list_at(data, "follow_ups", out), "follow_ups", out)
    heading(out, "follow_ups", "atx")
    hints = _tracking_hints(data)
    for index, item in enumerate(items):
        out.blank()
        for key in ("action", "owner", "due", "success_criteria", "tracking"):
            if key in item:
                value = item[key]
                if key == "tracking" and value == "new" and index in hints:
                    value = hints[index]  # "SHAKE-471 (to create)", as the imported document wrote it
                out.labelled("- ", label_text("follow_ups", key), value)


def _tracking_hints(data: dict[str, Any]) -> dict[int, str]:
    """Ticket hints an import kept (x-import.hints), by follow-up index."""
    record = data.get("x-import")
    hints = record.get("hints") if isinstance(record, dict) else None
    result: dict[int, str] = {}
    for hint in hints if isinstance(hints, list) else []:
        where = hint.get("field") if isinstance(hint, dict) else None
        text = hint.get("text") if isinstance(hint, dict) else None
        match = re.fullmatch(r"follow_ups\[(\d{1,3})\]\.tracking", where) if isinstance(where, str) else None
        if match and isinstance(text, str) and text.strip():
            result[int(match.group(1))] = text
    return result


def _communication(data: dict[str, Any], out: MarkdownOut) -> None:
    communication = mapping_at(data, "communication", out)
    if not communication:
        return
    heading(out, "communication", "atx")
    summary = communication.get("executive_summary")
    if isinstance(summary, dict):
        out.add(f"{label_text('communication', 'executive_summary')}:")
        keys = ("what_failed", "root_cause", "prevention_cost")
        texts = {key: text_of(summary[key]) for key in keys if key in summary}
        plain = len(texts) == 3 and not any(split_label(text, "communication")[0] or "\n" in text
                                            for text in texts.values())
        for key, text in texts.items():
            if plain:
                out.add(f"- {text}")
            else:
                out.labelled("- ", label_text("communication", key), text)
    statement = communication.get("customer_statement")
    if isinstance(statement, str) and statement.strip():
        out.blank()
        out.add(f"{label_text('communication', 'customer_statement')}:")
        text = statement.strip()
        if split_label(text, "communication")[0] is not None:
            out.lines[-1] = f"{label_text('communication', 'customer_statement')}: {hard_break_lines(text, '')}"
        else:
            out.add(hard_break_lines(text, ""))


def _blameless(data: dict[str, Any], out: MarkdownOut) -> None:
    blameless = mapping_at(data, "blameless", out)
    suppressions = mappings_in(list_at(data, "suppressions", out), "suppressions", out)
    if not blameless and not suppressions:
        return
    heading(out, "blameless", "atx")
    if blameless:
        factors = mappings_in(list_at(blameless, "human_factors", out, "blameless."), "blameless.human_factors", out)
        if not factors:
            out.add(f"{label_text('blameless', 'human_factors')}: None")
        else:
            out.add(f"{label_text('blameless', 'human_factors')}:")
            for factor in factors:
                out.labelled("- ", label_text("blameless", "factor"), factor.get("factor"))
                for key in ("system_gap", "gap_type"):
                    if key in factor:
                        out.labelled("  - ", label_text("blameless", key), factor[key], "    ")
    if suppressions:
        out.blank()
        out.add(f"{label_text('blameless', 'suppressions')}:")
        for item in suppressions:
            out.labelled("- ", text_of(item.get("rule")), item.get("reason"))


def _unplaced(data: dict[str, Any], out: MarkdownOut) -> None:
    items = data.get(UNPLACED_KEY)
    if not isinstance(items, list) or not items:
        return
    heading(out, "unplaced", "atx")
    for item in items:
        if isinstance(item, dict):
            out.add(f"- [{text_of(item.get('section'))}] {hard_break_lines(text_of(item.get('text')), '  ')}".rstrip())
