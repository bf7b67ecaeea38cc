"""The input blocks of an incident -> ``### INCIDENT DATA`` and ``### SYSTEM CONTEXT`` Markdown.

Structured inputs are written in the labelled layout rca_inputs_parse reads
(``Events:``, ``Logs (source):``, ...); notes on their own are written raw,
as pasted, unless they would read back as structure.
"""

from __future__ import annotations

import re
from typing import Any

from postmortem_kit.rca.markdown_fields import hard_break_lines
from postmortem_kit.rca.markdown_out import MarkdownOut, heading, list_at, mapping_at, mappings_in, text_of
from postmortem_kit.rca.values import format_number
from postmortem_kit.rca.vocabulary import architecture_text, label_text, labels, normalize


def render_inputs(data: dict[str, Any], out: MarkdownOut) -> None:
    inputs = mapping_at(data, "inputs", out)
    incident = mapping_at(inputs, "incident_data", out)
    if incident:
        heading(out, "incident_data", "atx")
        out.lines.pop()  # the fence follows the heading directly, as in the prompt
        out.add('"""')
        out.lines.extend(incident_data_lines(incident, out))
        out.add('"""')
    context = mapping_at(inputs, "system_context", out)
    if context:
        heading(out, "system_context", "atx")
        out.lines.pop()
        _system_context(context, out)


def incident_data_lines(incident: dict[str, Any], out: MarkdownOut) -> list[str]:
    parts: list[list[str]] = []
    label = lambda key: label_text("incident_data", key)  # noqa: E731
    structured = [key for key in incident if key != "notes"]
    for key in ("events", "logs", "metrics", "alerts", "customer_impact", "response_actions"):
        if key not in incident:
            continue
        if key == "customer_impact":
            parts.append([f"{label(key)}:", *_indented(text_of(incident[key]))])
            continue
        items = mappings_in(list_at(incident, key, out, "inputs.incident_data."), f"inputs.incident_data.{key}", out)
        if key == "logs":
            for item in items:
                source = text_of(item.get("source"))
                parts.append([f"{label(key)} ({source}):" if source else f"{label(key)}:",
                              *_indented(str(item.get("excerpt", "")).rstrip("\n"))])
            continue
        lines = [f"{label(key)}:"]
        for item in items:
            lines.append(_continued(_input_item(key, item)))
        parts.append(lines)
    notes = incident.get("notes")
    if isinstance(notes, str) and notes.strip():
        raw = notes.strip("\n")
        if structured or _looks_structured(raw):
            parts.append([f"{label('notes')}:", *_indented(raw)])
        else:
            parts.append(raw.split("\n"))
    lines: list[str] = []
    for part in parts:
        if lines:
            lines.append("")
        lines.extend(part)
    return lines


def _looks_structured(text: str) -> bool:
    known = labels("incident_data")
    return any(re.match(r"^[A-Za-z][A-Za-z' -]{1,40}?\s*(?:\([^()]*\))?\s*:", line)
               and normalize(line.split(":", 1)[0]) in known for line in text.split("\n"))


def _indented(text: str) -> list[str]:
    return ["    " + line if line.strip() else "" for line in text.split("\n")]


def _continued(text: str) -> str:
    return "- " + "\n  ".join(text.split("\n"))


def _input_item(key: str, item: dict[str, Any]) -> str:
    time_text = text_of(item.get("time"))
    if key == "metrics":
        line = f"{text_of(item.get('name'))}: {str(item.get('observation', ''))}"
        return line + (f" (at {time_text})" if time_text else "")
    if key == "alerts":
        details = item.get("details")
        return f"{time_text} {text_of(item.get('name'))}" + (f": {details}" if details not in (None, "") else "")
    who = text_of(item.get("source" if key == "events" else "responder"))
    text = str(item.get("event" if key == "events" else "action", ""))
    tag = f"[{who}] " if who else ("[] " if text.startswith("[") else "")
    return f"{time_text} {tag}{text}"


def _system_context(context: dict[str, Any], out: MarkdownOut) -> None:
    label = lambda key: label_text("system_context", key)  # noqa: E731
    service = context.get("service")
    if isinstance(service, dict):
        purpose = text_of(service.get("purpose"))
        name = text_of(service.get("name"))
        out.add(f"{label('service')}: {name}" + (f" - {hard_break_lines(purpose, '  ')}" if purpose else ""))
    architecture = context.get("architecture")
    if isinstance(architecture, str):
        try:
            shown = architecture_text(architecture)
        except KeyError:
            shown = architecture
        out.add(f"{label('architecture')}: {shown}")
    if "traffic_volume" in context:
        out.add(f"{label('traffic_volume')}: {text_of(context['traffic_volume'])}")
    sla = context.get("sla")
    if isinstance(sla, dict) and sla:
        parts = []
        if "uptime_percent" in sla:
            parts.append(f"{format_number(sla['uptime_percent'])}% uptime")
        latency = sla.get("latency_ms")
        if isinstance(latency, dict) and latency:
            parts.append(", ".join(f"{key} {format_number(value)} ms" for key, value in latency.items()))
        out.add(f"{label('sla')}: {'; '.join(parts)}")
    if "on_call_response_minutes" in context:
        out.add(f"{label('on_call_response_minutes')}: {text_of(context['on_call_response_minutes'])} minutes")
