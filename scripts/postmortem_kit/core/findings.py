"""The one shape every check reports: a finding at a place in a file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field

SEVERITIES = ("error", "warning", "notice")


@dataclass(slots=True)
class Finding:
    """One problem (or note) at a position in a file.

    Lines and columns are 1-based and count Unicode code points, as editors
    and GitHub annotations do.  ``end_column`` is exclusive (one past the
    last character of ``match``), as in SARIF.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    end_line: int | None = None
    end_column: int | None = None
    suggestion: str | None = None
    category: str | None = None
    match: str | None = None
    field: str | None = None
    suppressed: bool = False
    suppression: str | None = None
    fatal: bool = dataclass_field(default=False, repr=False)
    positioned: bool = dataclass_field(default=True, repr=False)  # False: about the path as a whole (missing)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("fatal")
        data.pop("positioned")
        return data

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
