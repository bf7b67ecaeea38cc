"""The job summary (``GITHUB_STEP_SUMMARY``): Markdown under GitHub's 1 MiB per-step limit.

Stage 1 writes what it checked: one row per incident file, the findings that
did not fit in the annotations, the drafts and where they will appear, and a
note when GitHub's file listing was cut at 3,000 files.  Stage 2 writes what
it posted.  Every piece of text from the pull request is made inert
(``pr_inert``) and the whole summary stays under ``SUMMARY_LIMIT`` bytes:
rows that do not fit are counted in a closing line instead.
"""

from __future__ import annotations

from typing import Any, Iterable

from postmortem_kit.github import append_summary
from postmortem_kit.textsafety import cell, inline, path_code

GITHUB_SUMMARY_LIMIT = 1024 * 1024
SUMMARY_LIMIT = 1_000_000  # bytes this job writes, below GitHub's 1 MiB per step


class Budgeted:
    """Markdown lines that stop growing at ``limit`` UTF-8 bytes (the rest is counted, not lost silently)."""

    def __init__(self, limit: int = SUMMARY_LIMIT, reserve: int = 2000):
        self.limit = limit - reserve
        self.lines: list[str] = []
        self.size = 0
        self.omitted = 0

    def add(self, line: str) -> bool:
        size = len(line.encode("utf-8")) + 1
        if self.omitted or self.size + size > self.limit:
            self.omitted += 1
            return False
        self.lines.append(line)
        self.size += size
        return True

    @property
    def full(self) -> bool:
        return self.omitted > 0

    def skip(self, count: int) -> None:
        """``count`` more lines that are not even rendered (the summary is already full)."""
        self.omitted += count

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.add(line)

    def text(self, what: str = "lines") -> str:
        lines = list(self.lines)
        if self.omitted:
            lines.append("")
            lines.append(f"_{self.omitted:,} more {what} not shown: the job summary is limited to 1 MiB._")
        return "\n".join(lines) + "\n"


OUTCOME_LABEL = {"passed": "passed", "failed": "**failed**", "draft": "draft", "deleted": "deleted",
                 "unreadable": "**unreadable**"}


def file_row(entry: dict[str, Any], placement: str) -> str:
    counts = entry["counts"]
    change = entry["change"] + (f" from {path_code(entry['previous_path'])}" if entry.get("previous_path") else "")
    return (f"| {path_code(entry['path'])} | {cell(change)} | {cell(entry['incident_status'] or '-')} | "
            f"{OUTCOME_LABEL.get(entry['outcome'], cell(entry['outcome']))} | {counts['error']} | {counts['warning']} | "
            f"{counts['notice']} | {placement} |")


def headline(result: dict[str, Any]) -> str:
    files = result["files"]
    checked = [f for f in files if f["outcome"] != "deleted"]
    failed = sum(1 for f in files if f["outcome"] in ("failed", "unreadable"))
    drafts = sum(1 for f in files if f["outcome"] == "draft")
    deleted = len(files) - len(checked)
    parts = [f"{len(checked)} incident file{'s' if len(checked) != 1 else ''} checked"]
    if failed:
        parts.append(f"{failed} failed")
    if drafts:
        parts.append(f"{drafts} draft{'s' if drafts != 1 else ''}")
    if deleted:
        parts.append(f"{deleted} deleted")
    return ", ".join(parts)


def check_summary(result: dict[str, Any], rest: list[Any], annotated: int, *, notes: list[str] = (),
                  limit: int = SUMMARY_LIMIT) -> str:
    """Stage 1's summary. ``rest``: findings not shown as annotations; ``notes``: things the reader must know."""
    out = Budgeted(limit)
    status = "failed" if result["exit_status"] else "passed"
    out.add(f"## postmortem-kit: pull request #{result['pull_number']} {status}")
    out.add("")
    out.add(f"{headline(result)} at `{result['head_sha'][:12]}`; drafting: {result['provider']}.")
    for note in notes:
        out.add("")
        out.add(f"> {inline(note, 800)}")
    if not result["files"]:
        out.add("")
        out.add("This pull request changes no incident files.")
        return out.text()
    out.add("")
    out.add("| file | change | status | result | errors | warnings | notices | drafted sections |")
    out.add("| --- | --- | --- | --- | ---: | ---: | ---: | --- |")
    for index, entry in enumerate(result["files"]):
        if out.full:
            out.skip(len(result["files"]) - index)
            break
        out.add(file_row(entry, _placement(entry)))
    if rest:
        out.add("")
        out.add(f"### Findings not shown as annotations ({len(rest):,})")
        out.add("")
        out.add(f"GitHub shows at most 10 errors, 10 warnings and 10 notices per step; {annotated} were annotated.")
        out.add("")
        out.add("| file | line | severity | rule | message |")
        out.add("| --- | ---: | --- | --- | --- |")
        for index, finding in enumerate(rest):
            if out.full:
                out.skip(len(rest) - index)
                break
            out.add(f"| {path_code(finding.path)} | {finding.line} | {finding.severity} | {cell(finding.rule, 100)} | "
                    f"{cell(finding.message, 400)} |")
    dropped = [(entry, gone) for entry in result["files"] for gone in entry["dropped"]]
    errors = [entry for entry in result["files"] if entry.get("draft_error")]
    if dropped or errors:
        out.add("")
        out.add("### Drafting problems")
        out.add("")
        for entry, gone in dropped:
            out.add(f"- {path_code(entry['path'])} `{gone['section']}` not drafted: {inline(gone['reason'], 300)}")
        for entry in errors:
            out.add(f"- {path_code(entry['path'])}: {inline(entry['draft_error'], 300)}")
    return out.text("rows")


def _placement(entry: dict[str, Any]) -> str:
    drafts = entry["drafts"]
    if not drafts:
        return "-"
    appendable = [d for d in drafts if not d["replaces"]]
    where = (f"suggestions at line {entry['anchor']['line']}" if entry.get("anchor") and appendable
             else "YAML in the comment")
    return f"{len(drafts)} ({where})"


def post_summary(lines: list[str], *, limit: int = SUMMARY_LIMIT) -> str:
    out = Budgeted(limit)
    out.extend(lines)
    return out.text()


def write_summary(text: str, path: str | None = None) -> bool:
    """Append to ``GITHUB_STEP_SUMMARY`` (when set); the text is already under the limit."""
    return append_summary(text.encode("utf-8")[:SUMMARY_LIMIT], path)
