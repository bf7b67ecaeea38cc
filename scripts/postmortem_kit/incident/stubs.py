"""Draft stubs: one comment line per missing analysis section, where its draft will go.

A new incident (``postmortem new``, ``postmortem import``, the example draft)
ends with one line per analysis section it does not have yet::

    # stub: root_cause (a drafted section replaces this line)

A stub is a YAML comment, so the file's data is exactly what it would be
without it and a draft still validates as one.  Each stub sits on a line of
its own with a blank line between stubs, which gives every drafted section a
distinct place in the file: the pull-request job offers each draft as a
suggestion that replaces exactly its stub line, so a reviewer can batch any
set of them into one commit.  A stub for a section the file already has is a
leftover (``template/leftover-stub``).

The pattern is anchored at both ends and has no nested repetition, so it runs
in time linear in the line's length.
"""

from __future__ import annotations

import re
from collections import namedtuple

STUB_PREFIX = "# stub: "
STUB_NOTE = "(a drafted section replaces this line)"
_STUB = re.compile(r"^# stub: ([a-z_]{1,40})(?: [^\n]{0,200})?$")


class Stub(namedtuple("Stub", ("section", "line", "text"))):
    """A stub line: its section (str), its line (int, 1-based) and the line as it is in the file
    (str, without its newline); a named tuple keeps ``typing`` off the cold check path."""

    __slots__ = ()


def stub_line(section: str) -> str:
    return f"{STUB_PREFIX}{section} {STUB_NOTE}"


def stub_block(sections: list[str]) -> str:
    """The stub lines for ``sections`` (in order), a blank line between each (no other text: once every
    section is in, nothing of the stubs is left)."""
    if not sections:
        return ""
    return "\n\n".join(stub_line(name) for name in sections) + "\n"


def parse_stub(line: str) -> str | None:
    """The section a stub line names, or None (the line is not a stub)."""
    if not line.startswith(STUB_PREFIX) or len(line) > 300:
        return None
    match = _STUB.match(line.rstrip("\r"))
    return match.group(1) if match else None


def find_stubs(text: str, known: list[str] | tuple[str, ...] | None = None) -> dict[str, Stub]:
    """The first stub line of each section in ``text`` (only sections in ``known`` when given)."""
    found: dict[str, Stub] = {}
    for number, line in enumerate(text.split("\n"), 1):
        section = parse_stub(line)
        if section is None or section in found or (known is not None and section not in known):
            continue
        found[section] = Stub(section, number, line.rstrip("\r"))
    return found


def missing_sections(data: dict, sections: list[str] | tuple[str, ...]) -> list[str]:
    return [name for name in sections if name not in data]


def replace_stubs(text: str, blocks: dict[str, str]) -> str:
    """``text`` with the stub line of each section in ``blocks`` replaced by its YAML text."""
    stubs = find_stubs(text, tuple(blocks))
    lines = text.split("\n")
    for section, stub in stubs.items():
        lines[stub.line - 1] = blocks[section].rstrip("\n")
    return "\n".join(lines)
