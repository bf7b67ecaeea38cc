"""The line buffer and value helpers shared by the RCA Markdown renderers."""

from __future__ import annotations

from typing import Any

from postmortem_kit.rca.markdown_fields import hard_break_lines
from postmortem_kit.rca.values import format_number
from postmortem_kit.rca.vocabulary import heading_text


class MarkdownOut:
    def __init__(self):
        self.lines: list[str] = []
        self.notes: list[str] = []

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def labelled(self, prefix: str, label: str, value: Any, indent: str = "  ") -> None:
        self.lines.append(f"{prefix}{label}: {hard_break_lines(text_of(value), indent)}".rstrip())


def text_of(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    return "" if value is None else str(value)


def mapping_at(data: dict[str, Any], key: str, out: MarkdownOut) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        out.notes.append(f"{key} is not a mapping; not exported")
        return {}
    return value


def list_at(data: dict[str, Any], key: str, out: MarkdownOut, where: str = "") -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        out.notes.append(f"{where}{key} is not a list; not exported")
        return []
    return value


def mappings_in(values: list[Any], name: str, out: MarkdownOut) -> list[dict[str, Any]]:
    items = []
    for index, value in enumerate(values):
        if isinstance(value, dict):
            items.append(value)
        else:
            out.notes.append(f"{name}[{index}] is not a mapping; not exported")
    return items


def heading(out: MarkdownOut, section: str, style: str) -> None:
    out.blank()
    text = heading_text(section)
    out.add(f"**{text}**" if style == "bold" else f"### {text}")
    out.blank()
