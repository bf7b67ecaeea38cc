"""Where a drafted section can be offered as a one-click suggestion.

A review comment can only sit on a line of the diff (an added or context
line on the new side of a hunk), and a ```suggestion``` block replaces the
lines it sits on.  Two placements keep the file valid when the reviewer
clicks "Commit suggestion":

* ``append``: the file's last line is in the diff; the suggestion is that
  line, a blank line and the drafted section, so the section is appended;
* ``insert``: a top-level key line (``timeline:`` at column 0) is in the
  diff; the suggestion is the drafted section, a blank line and that key
  line, so the section lands just before it, still at top level.

* ``replace``: the section's own stub line (``# stub: <section>``, see
  ``incident.stubs``) is in the diff; the suggestion is the drafted section
  alone, replacing exactly that line.  Stubs are separate lines, so these
  suggestions never overlap and a reviewer can batch any subset of them.

Sections with a stub in the diff get ``replace`` anchors (``stub_anchors``);
the rest fall back to one shared ``append``/``insert`` anchor on a line no
stub uses, as before stubs existed.

A placement is only offered when the file with every drafted section placed
there loads (with the strict incident loader) to the old data plus the new
sections.  Otherwise there is no anchor and the draft goes into the sticky
comment as a YAML block.  Stage 2 checks an anchor again against the patch it
fetched itself (``verify``): same line number, same text, still in the diff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from postmortem_kit.core import YamlLoadError, load_yaml_text

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_TOP_LEVEL_KEY = re.compile(r"^(?:[A-Za-z_][\w.-]*|\"[^\"\n]+\"|'[^'\n]+'):(?:[ \t]|$)")
MODES = ("append", "insert", "replace")


@dataclass(frozen=True)
class Anchor:
    line: int  # 1-based line on the new side of the diff
    mode: str  # append | insert | replace
    text: str  # the line's current text (without its newline)

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "mode": self.mode, "text": self.text}


def diff_lines(patch: str | None) -> dict[int, str]:
    """New-side line number -> text, for every line a review comment may sit on (RIGHT side)."""
    lines: dict[int, str] = {}
    if not patch:
        return lines
    new = None
    for raw in patch.split("\n"):
        match = _HUNK.match(raw)
        if match:
            new = int(match.group(1))
            continue
        if new is None or raw.startswith("\\"):
            continue
        if raw.startswith("-"):
            continue
        lines[new] = raw[1:] if raw[:1] in ("+", " ") else raw
        new += 1
    return lines


def file_lines(text: str) -> list[str]:
    """The file's lines without their newlines (a final newline does not start a new line)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def suggestion_text(anchor: Anchor, section_yaml: str) -> str:
    """What the suggestion block holds: the anchored line and the section, in file order."""
    block = section_yaml.rstrip("\n")
    if anchor.mode == "replace":
        return block
    if anchor.mode == "append":
        return f"{anchor.text}\n\n{block}"
    return f"{block}\n\n{anchor.text}"


def stub_anchors(text: str, patch: str | None, data: dict[str, Any], sections: dict[str, Any],
                 section_yaml: dict[str, str]) -> dict[str, Anchor]:
    """A ``replace`` anchor per drafted section whose stub line is in the diff (see module doc).

    Each replacement alone, and all of them together, must load to the old data plus exactly
    the sections placed; otherwise no section gets a stub anchor (all fall back)."""
    from postmortem_kit.incident import find_stubs

    in_diff = diff_lines(patch)
    lines = file_lines(text)
    anchors: dict[str, Anchor] = {}
    for section, stub in find_stubs(text, tuple(sections)).items():
        if stub.line > len(lines) or in_diff.get(stub.line) != stub.text:
            continue
        anchor = Anchor(stub.line, "replace", stub.text)
        placed = list(lines)
        placed[stub.line - 1] = section_yaml[section].rstrip("\n")
        if _loads_to(placed, {**data, section: sections[section]}):
            anchors[section] = anchor
    if not anchors:
        return anchors
    placed = list(lines)
    for section, anchor in anchors.items():
        placed[anchor.line - 1] = section_yaml[section].rstrip("\n")
    if not _loads_to(placed, {**data, **{name: sections[name] for name in anchors}}):
        return {}
    return anchors


def find_anchor(text: str, patch: str | None, data: dict[str, Any], sections: dict[str, Any],
                section_yaml: list[str], *, avoid: set[int] = frozenset()) -> Anchor | None:
    """The placement for appending ``sections`` (their YAML texts in ``section_yaml``), or None.

    ``avoid``: lines already anchoring a stub suggestion (suggestions must not overlap)."""
    if not sections:
        return None
    in_diff = {number: line for number, line in diff_lines(patch).items() if number not in avoid}
    lines = file_lines(text)
    if not lines or not in_diff:
        return None
    expected = {**data, **sections}
    block = "\n\n".join(part.rstrip("\n") for part in section_yaml)
    last = len(lines)
    if in_diff.get(last) == lines[-1]:
        anchor = Anchor(last, "append", lines[-1])
        if _loads_to(lines[:-1] + [suggestion_text(anchor, block)], expected):
            return anchor
    for number in sorted(in_diff, reverse=True):
        if number > last or in_diff[number] != lines[number - 1] or not _TOP_LEVEL_KEY.match(lines[number - 1]):
            continue
        anchor = Anchor(number, "insert", lines[number - 1])
        if _loads_to(lines[:number - 1] + [suggestion_text(anchor, block)] + lines[number:], expected):
            return anchor
    return None


def _loads_to(lines: list[str], expected: dict[str, Any]) -> bool:
    try:
        doc = load_yaml_text("\n".join(lines) + "\n", "<suggestion>")
    except YamlLoadError:
        return False
    return not doc.findings and doc.data == expected


def verify(anchor: Anchor, patch: str | None) -> bool:
    """Stage 2: the anchor's line is still in the diff with the same text, and fits its mode."""
    if anchor.mode not in MODES:
        return False
    if diff_lines(patch).get(anchor.line) != anchor.text:
        return False
    if anchor.mode == "insert" and not _TOP_LEVEL_KEY.match(anchor.text):
        return False
    return True


def verify_stub(anchor: Anchor, section: str, patch: str | None) -> bool:
    """Stage 2: a ``replace`` anchor is the section's own stub line, still in the diff."""
    from postmortem_kit.incident import parse_stub

    return anchor.mode == "replace" and parse_stub(anchor.text) == section and \
        diff_lines(patch).get(anchor.line) == anchor.text
