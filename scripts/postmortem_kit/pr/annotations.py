"""Workflow-command annotations within what GitHub shows.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step
and 50 per job; anything past that is silently dropped.  ``select`` picks
which findings become annotations (errors first, then warnings, then
notices, each in file order) and returns the rest, which the job summary
lists instead.  Suppressed findings are never annotated (the summary counts
them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from postmortem_kit.core import Finding, github_annotation, write_command

PER_STEP = {"error": 10, "warning": 10, "notice": 10}
PER_JOB = 50


@dataclass
class Selection:
    shown: list[Finding] = field(default_factory=list)
    rest: list[Finding] = field(default_factory=list)  # not annotated: listed in the summary

    def key_set(self) -> set[tuple]:
        return {_key(f) for f in self.shown}


def _key(finding: Finding) -> tuple:
    return (finding.path, finding.line, finding.column, finding.rule, finding.message)


def select(findings: list[Finding], *, per_step: dict[str, int] | None = None, per_job: int = PER_JOB,
           already_in_job: int = 0) -> Selection:
    caps = dict(PER_STEP if per_step is None else per_step)
    budget = max(0, per_job - already_in_job)
    selection = Selection()
    active = [f for f in findings if not f.suppressed]
    chosen: set[int] = set()
    for severity in ("error", "warning", "notice"):
        for index, finding in enumerate(active):
            if finding.severity != severity:
                continue
            if caps.get(severity, 0) > 0 and budget > 0:
                caps[severity] -= 1
                budget -= 1
                chosen.add(index)
    for index, finding in enumerate(active):
        (selection.shown if index in chosen else selection.rest).append(finding)
    return selection


def write(selection: Selection, out: TextIO) -> None:
    """Print the chosen annotations (``github_annotation`` escapes %, CR and LF in every value)."""
    for finding in selection.shown:
        write_command(out, github_annotation(finding) + "\n")
