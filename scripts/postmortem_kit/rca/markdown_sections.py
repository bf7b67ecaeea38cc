"""Split an RCA Markdown document into its sections.

A section starts at a heading naming it: ``### INCIDENT DATA``,
``**INCIDENT SUMMARY**``, ``## 3. Root Cause Identification``, or a line
holding nothing but the name.  Case, bold, heading marks, numbering, a
trailing colon, a parenthesised remark and extra spaces do not matter;
Windows and old Mac line ends are read like Unix ones.  Other headings stay
inside their section as ordinary lines, except sub-headings that belong to
another section (``### Contributing Factors`` after the timeline), which
continue that section.  Text inside ``` or \"\"\" fences is never a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from postmortem_kit.rca.vocabulary import normalize, section_names, subheading_names

# Linear: the text runs to its last character that is not a space or `#` (possessive, no lazy scan).
_ATX = re.compile(r"^ {0,3}#{1,6}\s+(?P<text>(?:[^\s#]++|[\s#]++(?=[^\s#]))*+)[\s#]*$")
_BOLD_LINE = re.compile(r"^\s*+(?:\*\*|__)(?P<text>[^*_].*?)(?:\*\*|__)\s*+(?::\s*+)?$")  # possessive: linear
_FENCE = re.compile(r'^\s*(?P<fence>```|~~~|""")')
_REMARK = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str  # without the line end and trailing blanks

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def indent(self) -> int:
        """Leading blanks, a tab counting as four."""
        lead = self.text[:len(self.text) - len(self.text.lstrip(" \t"))]
        return len(lead.expandtabs(4))

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Section:
    key: str  # incident_data, summary, ... (rca/vocabulary.yaml)
    heading: str  # as written, without marks
    line: int  # line of the heading (0 for an implicit section)
    lines: list[Line] = field(default_factory=list)
    remark: str = ""  # a parenthesised remark in the heading, e.g. "all times UTC"


@dataclass
class SplitDocument:
    preamble: list[Line]
    sections: dict[str, Section]  # the first section of each kind
    duplicates: list[tuple[Section, Section]]  # (later section, the first one with that heading)
    order: list[Section]


def split_lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return [Line(number, raw.rstrip(" \t\f\v"))
            for number, raw in enumerate(text.split("\n"), start=1)]


def heading_of(line: Line) -> tuple[str, str] | None:
    """(kind, text) when the line is written as a heading: kind is "atx" (#) or "bold"."""
    atx = _ATX.match(line.text)
    if atx:
        return "atx", _unmark(atx.group("text"))
    bold = _BOLD_LINE.match(line.text)
    if bold:
        return "bold", _unmark(bold.group("text"))
    return None


def _unmark(text: str) -> str:
    return text.strip().strip("*_`").strip().rstrip(":").strip().strip("*_`").strip()


def section_for(text: str, *, allow_prefix: bool) -> str | None:
    names = section_names()
    key = normalize(text)
    if key in names:
        return names[key]
    if allow_prefix:
        for name, section in names.items():
            if " " in name and key.startswith(name + " "):
                return section
    return None


def _fence_pairs(lines: list[Line], ignored: set[int]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for index, line in enumerate(lines):
        if index in ignored:
            continue
        match = _FENCE.match(line.text)
        if not match:
            continue
        fence = match.group("fence")
        if opened is None:
            opened = (index, fence)
        elif fence == opened[1]:
            pairs.append((opened[0], index))
            opened = None
    return pairs


def _fence_lines(lines: list[Line]) -> tuple[set[int], set[int]]:
    """(indexes of lines inside a closed fence, indexes of fence lines that wrap whole sections).

    A fence around text holding two or more section headings (a copied
    prompt in ```) is a wrapper, not a code block: it is dropped and what it holds is read.
    """
    wrappers: set[int] = set()
    while True:
        pairs = _fence_pairs(lines, wrappers)
        wrapper = next(((start, end) for start, end in pairs
                        if len({_names_section(lines[index]) for index in range(start + 1, end)} - {None}) >= 2),
                       None)
        if wrapper is None:
            break
        wrappers.update(wrapper)
    inside: set[int] = set()
    for start, end in _fence_pairs(lines, wrappers):
        inside.update(range(start, end + 1))
    return inside, wrappers


def _names_section(line: Line) -> str | None:
    marked = heading_of(line)
    return section_for(marked[1], allow_prefix=True) if marked is not None else None


def split_sections(text: str) -> SplitDocument:
    all_lines = split_lines(text)
    fenced_indexes, wrappers = _fence_lines(all_lines)
    lines = [line for index, line in enumerate(all_lines) if index not in wrappers]
    fenced = {line.number for index, line in enumerate(all_lines) if index in fenced_indexes}
    preamble: list[Line] = []
    sections: dict[str, Section] = {}
    duplicates: list[tuple[Section, Section]] = []
    order: list[Section] = []
    current: Section | None = None
    for line in lines:
        if line.number not in fenced and not line.blank:
            started = _start_of_section(line, current, sections)
            if started is not None:
                key, heading, remark, keep = started
                if key in sections and (keep or key == "prompt"):  # continuing its section
                    current = sections[key]
                    if keep:
                        current.lines.append(line)
                    continue
                section = Section(key, heading, line.number, remark=remark)
                order.append(section)
                if key in sections:
                    duplicates.append((section, sections[key]))
                else:
                    sections[key] = section
                current = section
                if keep:
                    section.lines.append(line)
                continue
        if current is None:
            preamble.append(line)
        else:
            current.lines.append(line)
    return SplitDocument(preamble, sections, duplicates, order)


def _start_of_section(line: Line, current: Section | None,
                      sections: dict[str, Section]) -> tuple[str, str, str, bool] | None:
    """(section key, heading text, remark, keep) when ``line`` opens a section.

    ``keep`` marks a sub-heading: the line stays in the section it opens or
    continues, because the section's own reader needs it.
    """
    marked = heading_of(line)
    if marked is not None:
        _, text = marked
        key = section_for(text, allow_prefix=True)
        if key is not None:
            return key, text, _remark(text), False
        parent = subheading_names().get(normalize(text))
        if parent is not None and (current is None or current.key != parent):
            return parent, text, "", True
        return None
    bare = line.stripped
    if len(bare) > 60 or bare.startswith(("-", "*", "+", ">", "|")):
        return None
    shouting = bare.rstrip(":").strip()
    if shouting.isupper() or (not bare.endswith(":") and (current is None or current.key != "incident_data")):
        key = section_for(shouting, allow_prefix=False)
        if key is not None:
            return key, shouting, _remark(shouting), False
    return None


def _remark(text: str) -> str:
    match = _REMARK.search(text)
    return match.group(1).strip() if match else ""
