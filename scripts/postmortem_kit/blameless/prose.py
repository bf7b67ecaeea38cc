"""A document's prose as named fields, for a second reader (the model review of `lint --review`).

An incident's fields are its prose strings, named by their dotted path
(``root_cause.primary``, ``timeline[2].event``); a Markdown or text document's
fields are its paragraphs (``paragraph-3``).  ``position`` maps an offset in a
field back to the line and column in the file, so anything found in a field
(a quoted span) is reported at its exact place; ``field_of`` finds the field
a rule finding lies in.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Callable

from postmortem_kit.core import Finding, SourceDocument, dotted_path, line_starts

PARAGRAPH = "paragraph-"


@dataclass(frozen=True)
class ProseField:
    id: str
    text: str


@dataclass
class ProseDocument:
    path: str
    fields: list[ProseField]
    _position: Callable[[int, int], tuple[int, int]] = field(repr=False)
    _lines: list[tuple[int, int]] = field(default_factory=list, repr=False)  # text documents: line span per field

    def position(self, index: int, offset: int) -> tuple[int, int]:
        """(line, column) of character ``offset`` of field ``index``."""
        return self._position(index, offset)

    def index(self, field_id: str) -> int | None:
        for number, item in enumerate(self.fields):
            if item.id == field_id:
                return number
        return None

    def field_of(self, finding: Finding) -> int | None:
        """The field a finding lies in: by its field path (incidents) or its line (text documents)."""
        if finding.field is not None:
            return self.index(finding.field)
        for number, (first, last) in enumerate(self._lines):
            if first <= finding.line <= last:
                return number
        return None


def incident_prose(doc: SourceDocument, path: str | None = None) -> ProseDocument:
    """The prose fields of a loaded incident (the same fields the blameless rules read)."""
    from postmortem_kit.blameless.document import prose_items

    data: Any = doc.data
    items = prose_items(data) if isinstance(data, dict) else []
    wheres = [where for where, _ in items]

    def position(index: int, offset: int) -> tuple[int, int]:
        return doc.text_position(wheres[index], offset)

    return ProseDocument(path or doc.path, [ProseField(dotted_path(where), text) for where, text in items], position)


def text_prose(text: str, path: str) -> ProseDocument:
    """The paragraphs (blocks separated by blank lines) of a Markdown or plain-text document."""
    starts = line_starts(text)
    fields: list[ProseField] = []
    offsets: list[int] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for block in text.split("\n\n"):
        stripped = block.strip()
        if stripped:
            lead = len(block) - len(block.lstrip())
            begin = offset + lead
            offsets.append(begin)
            fields.append(ProseField(f"{PARAGRAPH}{len(fields) + 1}", stripped))
            first = bisect_right(starts, begin)
            spans.append((first, bisect_right(starts, begin + len(stripped))))
        offset += len(block) + 2

    def position(index: int, local: int) -> tuple[int, int]:
        at = offsets[index] + local
        row = bisect_right(starts, at) - 1
        return row + 1, at - starts[row] + 1

    return ProseDocument(path, fields, position, spans)
