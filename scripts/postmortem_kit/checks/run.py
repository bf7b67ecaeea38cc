"""`postmortem check` as one library call: check every file, print, return the exit status."""

from __future__ import annotations

from postmortem_kit.checks.duplicates import duplicate_ids
from postmortem_kit.checks.incident import check_file
from postmortem_kit.core import Finding, render, summary_line
from postmortem_kit.incident import collect

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import TextIO


def run_checks(paths: list[str], *, blameless: bool = True) -> tuple[list[Finding], int]:
    """Check every file under ``paths``; return all findings and the number of files read."""
    files, findings = collect(paths)
    docs = []
    for path in files:
        doc, file_findings = check_file(path, blameless=blameless)
        findings.extend(file_findings)
        docs.append((path, doc))
    findings.extend(duplicate_ids(docs))
    findings.sort(key=Finding.sort_key)
    return findings, len(files)


def exit_status(findings: list[Finding], *, strict: bool = False) -> int:
    """2 unusable input, 1 errors (or warnings with ``strict``), 0 clean."""
    if any(f.fatal for f in findings):
        return 2
    failing = ("error", "warning") if strict else ("error",)
    return 1 if any(f.severity in failing and not f.suppressed for f in findings) else 0


def check_command(paths: list[str], *, fmt: str = "text", blameless: bool = True, strict: bool = False,
                  quiet: bool = False, out: TextIO, err: TextIO) -> int:
    """Check, print the findings in ``fmt`` (and a summary line for text), return the exit status."""
    findings, files = run_checks(paths, blameless=blameless)
    shown = [f for f in findings if f.severity == "error" or f.fatal] if quiet else findings
    render(shown, fmt, out)
    if fmt == "text":
        err.write(summary_line(findings, files) + "\n")
    return exit_status(findings, strict=strict)
