"""What the rule file, its compiled form and the scanner share: word edges, the source digest and
the needed-literal test."""

from __future__ import annotations

# A rule with ``boundary: true`` starts and ends at a word edge.
LEFT_EDGE = r"(?<![\w'’@-])"
RIGHT_EDGE = r"(?:(?<=\s)|(?![\w@-]))"  # a pattern may end in a space


def source_digest(data: bytes) -> str:
    """Identifies the YAML a compiled file was made from (a staleness check, not security)."""
    import zlib

    return f"crc32:{zlib.crc32(data):08x}:{len(data)}"


def collapse_space(text: str) -> str:
    """``text`` with each run of whitespace as one space (the form of a rule's literal starts)."""
    if not text:
        return text
    inner = " ".join(text.split())
    if not inner:
        return " "
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def has_all(clauses, text: str, seen: dict[str, bool]) -> bool:
    """Does ``text`` hold one literal of each clause? (``seen`` remembers the tests per text)"""
    for clause in clauses:
        for literal in clause:
            found = seen.get(literal)
            if found is None:
                found = seen[literal] = literal in text
            if found:
                break
        else:
            return False
    return True
