"""The one shape every check reports: a finding at a place in a file."""

from __future__ import annotations

SEVERITIES = ("error", "warning", "notice")
_FIELDS = ("path", "line", "column", "rule", "severity", "message", "end_line", "end_column", "suggestion",
           "category", "match", "field", "suppressed", "suppression", "fatal", "positioned")
_SHOWN = _FIELDS[:-2]  # in repr and to_dict


class Finding:
    """One problem (or note) at a position in a file.

    Lines and columns are 1-based and count Unicode code points, as editors
    and GitHub annotations do.  ``end_column`` is exclusive (one past the
    last character of ``match``), as in SARIF.

    A plain class with the behaviour of a slotted dataclass (init, repr, eq): importing
    ``dataclasses`` pulls in ``inspect`` and ``ast``, a tenth of a cold `postmortem check`.
    """

    __slots__ = _FIELDS
    __match_args__ = _FIELDS
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    end_line: int | None
    end_column: int | None
    suggestion: str | None
    category: str | None
    match: str | None
    field: str | None
    suppressed: bool
    suppression: str | None
    fatal: bool
    positioned: bool  # False: about the path as a whole (missing)

    def __init__(self, path: str, line: int, column: int, rule: str, severity: str, message: str,
                 end_line: int | None = None, end_column: int | None = None, suggestion: str | None = None,
                 category: str | None = None, match: str | None = None, field: str | None = None,
                 suppressed: bool = False, suppression: str | None = None, fatal: bool = False,
                 positioned: bool = True):
        self.path, self.line, self.column, self.rule = path, line, column, rule
        self.severity, self.message, self.end_line, self.end_column = severity, message, end_line, end_column
        self.suggestion, self.category, self.match, self.field = suggestion, category, match, field
        self.suppressed, self.suppression, self.fatal, self.positioned = suppressed, suppression, fatal, positioned

    def __repr__(self) -> str:
        return "Finding(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in _SHOWN) + ")"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in _SHOWN}

    @property
    def location(self) -> str:
        """``path:line:col`` for text output, or just the path when no position means anything."""
        return f"{self.path}:{self.line}:{self.column}" if self.positioned else self.path

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule)


def counts(findings: list[Finding]) -> dict[str, int]:
    """Unsuppressed findings per severity."""
    result = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        if not finding.suppressed:
            result[finding.severity] += 1
    return result
