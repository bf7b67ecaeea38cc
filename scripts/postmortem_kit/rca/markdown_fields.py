"""Labelled bullets of a section ("- Start Time: ...") as entries, and the import's report.

Each entry is one bullet, numbered item or paragraph, with the field its
label names (from rca/vocabulary.yaml) and its text.  Bullets may use
``-``, ``*``, ``+`` or numbers; labels may be bold (``**Owner:** x``,
``**Owner**: x``) or written "Label - value".  A line without a marker or
a known label continues the entry above it (a wrapped line), joined with a
space, or with a line break when the line above ends with a backslash (a
Markdown hard break, which export writes for text that has line breaks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from postmortem_kit.core import Finding
from postmortem_kit.incident import find_placeholder
from postmortem_kit.rca.markdown_sections import Line, heading_of
from postmortem_kit.rca.vocabulary import heading_text, is_prompt_line, labels, normalize, prompt_key, template_values

_MARKER = re.compile(r"^(?P<marker>[-*+\u2022]|(?P<number>[0-9]{1,3})[.)])\s+")
_LABEL_SPLIT = re.compile(r"\s*(?::|\s[-\u2013\u2014]\s)\s*")
_EMPHASIS = "*_`"
# "Region: eu-west-1": a line of its own even when its label is unknown (then it is reported, not glued on).
_LOOKS_LABELLED = re.compile(r"^[*_]*[A-Z][A-Za-z0-9' /&-]{0,30}[*_]*:(?:\s|$)")


# Placeholders that still say something: "Tracking: [Ticket number to create]" means "no ticket yet" (new).
_KEEP_TEMPLATE = {("follow_ups", "tracking")}


@dataclass
class Entry:
    line: int
    indent: int
    marker: str  # "-", "1.", "#" (a heading) or "" (a paragraph)
    label: str | None  # the field its label names, or None
    label_text: str  # the label as written ("" without one)
    text: str  # the value (the whole text when there is no label)
    number: int | None = None
    lines: list[int] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        """The entry as written, label included."""
        return f"{self.label_text}: {self.text}".strip() if self.label_text else self.text


@dataclass
class Unplaced:
    line: int
    section: str  # the heading it was under
    text: str
    reason: str


class ImportReport:
    """Findings about the Markdown file, and the content that has no place in the incident."""

    def __init__(self, path: str):
        self.path = path
        self.findings: list[Finding] = []
        self.unplaced: list[Unplaced] = []
        self.inferred: list[tuple[str, str]] = []  # (field, what was inferred and from what)
        self.hints: list[dict[str, str]] = []  # text kept beside the value it gave (x-import.hints)

    def infer(self, line: int, field_name: str, message: str) -> None:
        """A value the document did not state as such; listed in the report (``import/inferred``)."""
        self.inferred.append((field_name, message))
        self.add(line, "inferred", "notice", f"{field_name}: {message}", field_name=field_name)

    def hint(self, field_name: str, text: str) -> None:
        self.hints.append({"field": field_name, "text": text})

    def add(self, line: int, rule: str, severity: str, message: str, *, field_name: str | None = None,
            suggestion: str | None = None) -> None:
        self.findings.append(Finding(self.path, max(line, 1), 1, f"import/{rule}", severity, message,
                                     field=field_name, suggestion=suggestion))

    def unplace(self, section: str, line: int, text: str, reason: str) -> None:
        text = text.strip("\n")
        if not text.strip():
            return
        last = self.unplaced[-1] if self.unplaced else None
        if last and last.section == section and last.reason == reason and line - _last_line(last) <= 2:
            last.text += "\n" + text
            return
        self.unplaced.append(Unplaced(line, section, text, reason))

    def unplace_entry(self, section_key: str, entry: Entry, reason: str) -> None:
        self.unplace(section_title(section_key), entry.line, entry.full_text, reason)


def _last_line(item: Unplaced) -> int:
    return item.line + item.text.count("\n")


def section_title(key: str) -> str:
    try:
        return heading_text(key)
    except KeyError:
        return key


def split_label(text: str, section: str) -> tuple[str | None, str, str]:
    """(field, label as written, value) when ``text`` starts with a label known in ``section``."""
    known = labels(section)
    for match in _LABEL_SPLIT.finditer(text):
        head = text[:match.start()]
        if len(head) > 70:
            break
        cleaned = head.strip().strip(_EMPHASIS).strip()
        key = known.get(normalize(cleaned))
        if key is None:
            continue
        value = text[match.end():]
        opened = len(head.strip()) - len(head.strip().lstrip(_EMPHASIS))
        if opened:
            value = re.sub(r"^[*_`]+\s*", "", value)
        return key, cleaned, clean_value(value)
    bare = text.strip().strip(_EMPHASIS).strip().rstrip(":").strip().strip(_EMPHASIS).strip()
    key = known.get(normalize(bare))
    if key is not None and len(bare) <= 70:
        return key, bare, ""
    return None, "", clean_value(text)


def clean_value(text: str) -> str:
    text = text.strip()
    if len(text) > 4 and text[:2] in ("**", "__") and text[-2:] == text[:2] and text[:2] not in text[2:-2]:
        text = text[2:-2].strip()
    return text


def read_entries(lines: list[Line], section: str) -> list[Entry]:
    """The entries of a section, in order; prompt instructions are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    after_blank = False
    for line in lines:
        if line.blank:
            after_blank = True
            continue
        stripped = line.stripped
        if stripped.startswith(("```", "~~~", '"""')) or re.fullmatch(r"[-*_]{3,}", stripped) or is_prompt_line(stripped):
            after_blank = True
            continue
        marked = heading_of(line)
        marker_match = _MARKER.match(stripped)
        if marked is not None:
            body, marker, number = marked[1], "#", None
        elif marker_match:
            body = stripped[marker_match.end():]
            number = int(marker_match.group("number")) if marker_match.group("number") else None
            marker = f"{number}." if number is not None else "-"
        else:
            body, marker, number = stripped, "", None
        key, label_text, value = split_label(body, section)
        if is_template(value) and (key is not None or marker != "") and (section, key) not in _KEEP_TEMPLATE:
            after_blank = True  # "- Owner: [Team/person]": the prompt's placeholder, not content
            continue
        if (marker == "" and key is None and current is not None and not after_blank
                and not _LOOKS_LABELLED.match(stripped)):
            if current.text.endswith("\\"):
                current.text = current.text[:-1] + "\n" + stripped
            else:
                current.text = f"{current.text} {stripped}" if current.text else stripped
            current.lines.append(line.number)
            continue
        if current is not None and current.text.endswith("\\"):
            current.text = current.text[:-1]
        current = Entry(line.number, line.indent, marker, key, label_text, value, number, [line.number])
        entries.append(current)
        after_blank = False
    if current is not None and current.text.endswith("\\"):
        current.text = current.text[:-1]
    return entries


def is_template(text: str) -> bool:
    """A value that is nothing but one of the RCA prompt's bracketed placeholders ("[Team/person]")."""
    stripped = text.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")) or "[" in stripped[1:-1] or "]" in stripped[1:-1]:
        return False
    if prompt_key(stripped) in template_values():
        return True
    match = find_placeholder(stripped)
    return match is not None and match.group(0) == stripped


def hard_break_lines(text: str, indent: str) -> str:
    """Text with line breaks as Markdown hard breaks (a backslash at the end of each line but the last)."""
    return ("\\\n" + indent).join(text.split("\n"))
