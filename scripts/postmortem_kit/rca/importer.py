"""An RCA Markdown document -> an incident (a dict in the schema's shape) and a report.

The id is not decided here (the command takes it from the output file name,
``--id`` or the next free id).  Status: the document's own "Status:" line
when it has one, else ``in-review`` when it holds any analysis section and
``draft`` when it holds only the input blocks.  Whatever cannot be placed is
listed in the report and kept in the incident under ``x-unplaced``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from postmortem_kit.checks import UNPLACED_KEY
from postmortem_kit.incident import STATUSES, incident_zone
from postmortem_kit.rca.analysis_map import (
    map_impact,
    map_improvements,
    map_lesson,
    map_prevention,
    map_root_cause,
)
from postmortem_kit.rca.closing_map import map_blameless, map_communication, map_follow_ups
from postmortem_kit.rca.inputs_parse import map_incident_data, map_system_context
from postmortem_kit.rca.markdown_fields import ImportReport, read_entries, section_title
from postmortem_kit.rca.markdown_sections import Line, Section, heading_of, split_sections
from postmortem_kit.rca.summary_map import map_summary, zone_hint
from postmortem_kit.rca.timeline_parse import TimelineContext, parse_timeline
from postmortem_kit.rca.times import Zone
from postmortem_kit.rca.values import person, sentences, slug, split_list
from postmortem_kit.rca.vocabulary import is_prompt_line, normalize, title_prefixes

PREAMBLE = "before the first section"
_ID = re.compile(r"^(?P<id>INC-[0-9]{4}-[0-9]{4,6})\b\s*[:\-\u2013\u2014]?\s*(?P<rest>.*)$")
_UNPLACED_LINE = re.compile(r"^[-*]\s+\[(?P<section>[^\]]+)\]\s?(?P<text>.*)$", re.DOTALL)
TITLE_MAX = 160
DRAFT_TITLE = "TODO: what failed and its visible effect"

# Markdown section -> the incident fields it fills.
ANALYSIS = {
    "summary": ("summary",), "impact": ("impact",), "root_cause": ("root_cause", "contributing_factors"),
    "timeline": ("timeline",), "prevention": ("prevention",), "improvements": ("monitoring", "testing"),
    "learning": ("lesson",), "follow_ups": ("follow_ups",), "communication": ("communication",),
    "blameless": ("blameless",),
}


@dataclass
class ImportOutcome:
    data: dict[str, Any]
    report: ImportReport
    stated_id: str | None = None
    found: list[str] = field(default_factory=list)  # Markdown sections found

    @property
    def usable(self) -> bool:
        """Something was imported: an input block or an analysis section."""
        return any(key in self.data for key in ("inputs", *(f for fields in ANALYSIS.values() for f in fields)))

    @property
    def imported(self) -> list[str]:
        """The Markdown sections that gave the incident something."""
        inputs = self.data.get("inputs", {})
        result = []
        for key in self.found:
            if key in ("incident_data", "system_context"):
                if key in inputs:
                    result.append(key)
            elif any(name in self.data for name in ANALYSIS.get(key, ())):
                result.append(key)
        return result

    @property
    def year(self) -> int | None:
        for key in ("start",):
            value = self.data.get("summary", {}).get(key) if isinstance(self.data.get("summary"), dict) else None
            if isinstance(value, str) and value[:4].isdigit():
                return int(value[:4])
        events = self.data.get("inputs", {}).get("incident_data", {}).get("events", [])
        for event in events:
            if isinstance(event.get("time"), str) and event["time"][:4].isdigit():
                return int(event["time"][:4])
        return None


def import_markdown(text: str, path: str, *, default_zone: Zone | None = None, status: str | None = None,
                    authors: list[str] | None = None) -> ImportOutcome:
    report = ImportReport(path)
    split = split_sections(text)
    sections = split.sections
    for later, first in split.duplicates:
        title = section_title(later.key)
        report.add(later.line, "duplicate-section", "warning",
                   f"a second {title} section (the first starts at line {first.line}); only the first is imported, "
                   "the second is listed as unplaced")
        for line in later.lines:
            report.unplace(title, line.number, line.text, f"under the second {title} heading (line {later.line})")

    outcome = ImportOutcome({}, report, found=[key for key in sections if key not in ("prompt", "unplaced")])
    data = outcome.data
    metadata = _metadata(split.preamble, report, outcome)

    remark_zone = zone_hint([section.remark for section in split.order]
                            + [line.stripped for key in ("timeline", "summary") if key in sections
                               for line in sections[key].lines if line.stripped.startswith(("(", "*", "_", "All", "all"))])
    summary, times = ({}, None)
    if "summary" in sections:
        summary, times = map_summary(read_entries(sections["summary"].lines, "summary"), report,
                                     default_zone=default_zone, remark_zone=remark_zone)
    document_zone = (times.zone if times else None) or remark_zone or default_zone

    inputs: dict[str, Any] = {}
    if "incident_data" in sections:
        start_day = None
        if times is not None and times.start is not None:
            start_day = times.start.date()  # in the start's own zone
        incident_data = map_incident_data(sections["incident_data"], report, document_zone, start_day)
        if incident_data:
            inputs["incident_data"] = incident_data
    if "system_context" in sections:
        context = map_system_context(sections["system_context"], report)
        if context:
            inputs["system_context"] = context

    analysis: dict[str, Any] = {}
    if summary:
        analysis["summary"] = summary
    _map_analysis(sections, analysis, report, summary, times, document_zone)

    for key in ("prompt", "unplaced"):
        section = sections.get(key)
        if section is not None:
            _leftovers(section, report)

    data.update(_identity(metadata, analysis, inputs, report, status, authors, split.preamble))
    if inputs:
        data["inputs"] = inputs
    data.update(analysis)
    if data["status"] != "draft":
        _report_missing(sections, analysis, report)
    if report.unplaced:
        data[UNPLACED_KEY] = [{"section": item.section, "text": item.text} for item in report.unplaced]
        for item in report.unplaced:
            first = item.text.splitlines()[0] if item.text else ""
            more = f" (+{item.text.count(chr(10))} more line(s))" if "\n" in item.text else ""
            report.add(item.line, "unplaced", "warning",
                       f"{item.section}: {item.reason}: {first[:100]!r}{more}; kept under {UNPLACED_KEY}")
    return outcome


def _map_analysis(sections: dict[str, Section], analysis: dict[str, Any], report: ImportReport,
                  summary: dict[str, Any], times, zone: Zone | None) -> None:
    def entries(key: str):
        return read_entries(sections[key].lines, key)

    if "impact" in sections:
        impact = map_impact(entries("impact"), report)
        if impact:
            analysis["impact"] = impact
    if "root_cause" in sections:
        root, factors = map_root_cause(entries("root_cause"), report)
        if root:
            analysis["root_cause"] = root
        if factors:
            analysis["contributing_factors"] = factors
    if "timeline" in sections:
        tz = incident_zone(summary) if summary else None
        if tz is None and zone is not None:
            tz = zone.tz
        context = TimelineContext(zone=tz, start=times.start if times else None,
                                  resolution=times.resolution if times else None)
        timeline = parse_timeline(sections["timeline"].lines, report, context)
        if timeline:
            analysis["timeline"] = timeline
    if "prevention" in sections:
        prevention = map_prevention(entries("prevention"), report)
        if prevention:
            analysis["prevention"] = prevention
    if "improvements" in sections:
        monitoring, testing = map_improvements(entries("improvements"), report)
        if monitoring is not None:
            analysis["monitoring"] = monitoring
        if testing is not None:
            analysis["testing"] = testing
    if "learning" in sections:
        lesson = map_lesson(entries("learning"), report)
        if lesson:
            analysis["lesson"] = lesson
    if "follow_ups" in sections:
        follow_ups = map_follow_ups(entries("follow_ups"), report)
        if follow_ups:
            analysis["follow_ups"] = follow_ups
            if len(follow_ups) != 5:
                report.add(sections["follow_ups"].line, "follow-ups", "warning",
                           f"found {len(follow_ups)} follow-up action(s); the format asks for exactly five",
                           field_name="follow_ups")
    if "communication" in sections:
        communication = map_communication(entries("communication"), report)
        if communication:
            analysis["communication"] = communication
    if "blameless" in sections:
        blameless, suppressions = map_blameless(entries("blameless"), report)
        if blameless is not None:
            analysis["blameless"] = blameless
        if suppressions:
            analysis["suppressions"] = suppressions


def _leftovers(section: Section, report: ImportReport) -> None:
    """The prompt's own sections (instructions) and an earlier import's NOT IMPORTED list."""
    for entry in read_entries(section.lines, "metadata"):
        if section.key == "unplaced":
            match = _UNPLACED_LINE.match(f"- {entry.full_text}" if entry.marker else entry.full_text)
            if match:
                report.unplace(match.group("section"), entry.line, match.group("text"), "not placed by an earlier import")
                continue
        report.unplace(section_title(section.key), entry.line, entry.full_text,
                       "under a heading of the prompt's instructions" if section.key == "prompt" else "not placed")


def _metadata(preamble: list[Line], report: ImportReport, outcome: ImportOutcome) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    rest: list[Line] = []
    for line in preamble:
        marked = heading_of(line)
        if marked and marked[0] == "atx" and "title" not in metadata and line.text.lstrip().startswith("# "):
            title = marked[1]
            match = _ID.match(title)
            if match:
                outcome.stated_id = match.group("id")
                title = match.group("rest").strip()
            title = _without_prefix(title)
            if title:
                metadata["title"] = (title, line.number)
            continue
        rest.append(line)
    for entry in read_entries(rest, "metadata"):
        if entry.label is None:
            if not is_prompt_line(entry.text):
                report.unplace(PREAMBLE, entry.line, entry.full_text, "text before the first section")
            continue
        if entry.label == "id":
            outcome.stated_id = entry.text.strip()
        elif entry.label == "title":
            metadata["title"] = (entry.text, entry.line)
        else:
            metadata[entry.label] = (entry.text, entry.line)
    return metadata


def _without_prefix(title: str) -> str:
    for prefix in title_prefixes():
        head, separator, rest = title.partition(":")
        if separator and normalize(head) == prefix and rest.strip():
            return rest.strip()
    return title.strip()


def _identity(metadata: dict[str, Any], analysis: dict[str, Any], inputs: dict[str, Any], report: ImportReport,
              status: str | None, authors: list[str] | None, preamble: list[Line]) -> dict[str, Any]:
    identity: dict[str, Any] = {}
    chosen = status
    if chosen is None and "status" in metadata:
        text, line = metadata["status"]
        value = normalize(text).replace(" ", "-")
        if value in STATUSES:
            chosen = value
        else:
            report.add(line, "status", "warning", f"Status {text!r} is not draft, in-review or published; ignored",
                       field_name="status")
    has_analysis = any(key in analysis for fields in ANALYSIS.values() for key in fields)
    if chosen is None:
        chosen = "in-review" if has_analysis else "draft"
    title = metadata.get("title", (None, 0))[0]
    if not title:
        title = _derived_title(analysis, inputs, report, chosen)
    identity["title"] = title
    identity["status"] = chosen
    people = authors or (split_list(metadata["authors"][0]) if "authors" in metadata else [])
    if people:
        identity["authors"] = list(dict.fromkeys(person(name) for name in people))
    if "tags" in metadata:
        tags = [slug(tag) or tag for tag in split_list(metadata["tags"][0])]
        identity["tags"] = list(dict.fromkeys(tags))
    services: list[str] = []
    if "services" in metadata:
        services = [slug(name) or name for name in split_list(metadata["services"][0])]
    else:
        name = inputs.get("system_context", {}).get("service", {}).get("name")
        if isinstance(name, str) and slug(name):
            services = [slug(name)]  # type: ignore[list-item]
            report.infer(1, "services", f"[{services[0]}] from the SYSTEM CONTEXT service {name!r} (the document has "
                                        "no Services line)")
    if services:
        identity["services"] = list(dict.fromkeys(services))
    return identity


def _derived_title(analysis: dict[str, Any], inputs: dict[str, Any], report: ImportReport, status: str) -> str:
    candidates = (
        ("the executive summary's first bullet", analysis.get("communication", {}).get("executive_summary", {}).get("what_failed")),
        ("the incident lesson", analysis.get("lesson", {}).get("what_happened")),
        ("the primary root cause", analysis.get("root_cause", {}).get("primary")),
    )
    for where, text in candidates:
        if isinstance(text, str) and text.strip():
            title = sentences(text)[0] if sentences(text) else text.strip()
            title = title.rstrip(".")
            if len(title) > TITLE_MAX:
                title = title[:TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
            report.add(1, "title", "notice", f"the document has no '# title' line; the title is taken from {where}",
                       field_name="title")
            return title
    severity = "notice" if status == "draft" else "warning"
    report.add(1, "title", severity, "the document has no '# title' line; write the title in the file "
               f"(a placeholder {DRAFT_TITLE!r} is set)", field_name="title")
    return DRAFT_TITLE


def _report_missing(sections: dict[str, Section], analysis: dict[str, Any], report: ImportReport) -> None:
    for key, fields in ANALYSIS.items():
        missing = [name for name in fields if name not in analysis]
        if not missing:
            continue
        title = section_title(key)
        if key == "blameless":
            report.add(sections[key].line if key in sections else 1, "missing-section", "notice",
                       "no human-factors text (BLAMELESS ANALYSIS): blameless left out; the schema requires it only "
                       "when a human action is part of the cause (root_cause.human_action: true)", field_name=None)
            continue
        if key not in sections:
            report.add(1, "missing-section", "warning",
                       f"no {title} section: {', '.join(missing)} not imported (the check reports what is required)")
        else:
            report.add(sections[key].line, "missing-section", "warning",
                       f"the {title} section gave no {', '.join(missing)}", field_name=missing[0])
