"""What `postmortem followups` prints: the plan of a dry run, the outcome of a sync, and
the Markdown job summary."""

from __future__ import annotations

from postmortem_kit.followups.plan import CLOSE, CREATE, DONE, EXTERNAL, KEEP, LINKED, UPDATE, Plan, Step
from postmortem_kit.followups.runner import RunResult, finding_lines

QUIET_KINDS = (KEEP,)


def _what(step: Step) -> str:
    if step.follow_up is not None:
        return f"{step.incident.id} follow-up {step.follow_up.index + 1}"
    return f"{step.incident.id}"


def _plan_line(step: Step, reopened: set[int], missing: set[int] = frozenset()) -> str | None:
    what = _what(step)
    if step.kind == CREATE:
        extra = f"assign @{step.desired.assignee}" if step.desired.assignee else ""
        labels = ", ".join(step.desired.labels)
        return f"create   {what}  \"{step.desired.title}\"  [{labels}]{'  ' + extra if extra else ''}"
    if step.kind == UPDATE:
        return f"update   {what}  #{step.issue.number}: {', '.join(step.changes)}"
    if step.kind == CLOSE:
        if step.issue.number in reopened:
            return f"leave    {what}  #{step.issue.number}: reopened by a person after the sync closed it"
        return f"close    {what}  #{step.issue.number}: no longer in the incident (not planned, with a comment)"
    if step.kind == DONE:
        return f"done     {what}  #{step.issue.number} is closed ({step.issue.state_reason or 'completed'}); left alone"
    if step.kind == LINKED:
        if step.linked_number in missing:
            return f"warning  {what}  tracking #{step.linked_number} names no readable issue; nothing is created for it"
        return f"linked   {what}  tracked by #{step.linked_number}, an issue the sync did not open; read only"
    if step.kind == EXTERNAL:
        return f"external {what}  tracked outside this repository ({step.follow_up.tracking})"
    return None


def plan_lines(result: RunResult, repository: str, write_back: str) -> list[str]:
    plan: Plan = result.plan
    lines = [f"postmortem followups: dry run for {repository}: nothing is written"]
    lines += finding_lines(result.load.findings)
    for step in plan.steps:
        line = _plan_line(step, result.reopened, result.unreadable_links)
        if line and step.kind not in QUIET_KINDS:
            lines.append(line)
    for issue in plan.untouched:
        lines.append(f"untouched #{issue.number}: its incident {issue.marker.incident} is not synced this run")
    if result.changes and write_back != "off":
        lines.append(f"tracking ({_mode_name(write_back)}):")
        lines += [f"  {c.incident.repo_path} follow-up {c.index + 1}: {c.old} -> {c.new}" for c in result.changes]
    counts = {kind: len(plan.of_kind(kind)) for kind in (CREATE, UPDATE, CLOSE, KEEP, DONE, LINKED, EXTERNAL)}
    closing = counts[CLOSE] - sum(1 for s in plan.of_kind(CLOSE) if s.issue.number in result.reopened)
    lines.append(f"plan: {counts[CREATE]} to create, {counts[UPDATE]} to update, {closing} to close, "
                 f"{counts[KEEP]} unchanged, {counts[DONE]} done, {counts[LINKED]} linked, {counts[EXTERNAL]} external"
                 + _skipped(result))
    return lines


def _mode_name(mode: str) -> str:
    return {"pr": "one pull request", "commit": "a commit on the default branch",
            "local": "files in the working tree"}.get(mode, mode)


def _skipped(result: RunResult) -> str:
    errors = result.load.errors if result.load else 0
    return f"; {errors} error(s) in incident files (those follow-ups are skipped)" if errors else ""


def report_lines(result: RunResult, repository: str) -> list[str]:
    report = result.report
    lines = [f"postmortem followups: synced {repository}"]
    lines += finding_lines(result.load.findings)
    for outcome in report.outcomes:
        what = _what(outcome.step)
        number = f"#{outcome.number}" if outcome.number else ""
        if outcome.result in ("unchanged", "done", "external"):
            continue
        if outcome.result == "linked":
            if outcome.step.linked_number in result.unreadable_links:
                lines.append(f"warning  {what}  tracking {outcome.step.follow_up.tracking}: no such issue in "
                             f"{repository}; nothing is created for it")
            continue
        if outcome.result == "failed":
            lines.append(f"failed   {what}  {number}  {outcome.error}".replace("    ", "  "))
        elif outcome.result == "not-attempted":
            lines.append(f"skipped  {what}  {number}  not attempted (the run stopped)")
        else:
            detail = ""
            if outcome.result == "updated":
                detail = ": " + ", ".join(outcome.step.changes)
            elif outcome.result == "adopted":
                detail = ": created, though GitHub's answer was lost"
            lines.append(f"{outcome.result:<8} {what}  {number}{detail}")
    for issue in result.plan.untouched:
        lines.append(f"untouched #{issue.number}: its incident {issue.marker.incident} is not synced this run")
    for name in report.labels_created:
        lines.append(f"label    created {name}")
    for title in report.milestones_created:
        lines.append(f"milestone created {title}")
    if result.writeback is not None:
        lines += writeback_lines(result)
    for error in report.errors:
        lines.append(f"error: {error}")
    if report.stopped:
        lines.append(f"stopped: {report.stopped}; the steps above marked skipped were not attempted; "
                     "the next run carries on from there")
    lines.append(summary_line(result))
    return lines


def writeback_lines(result: RunResult) -> list[str]:
    wb = result.writeback
    lines = []
    label = {"pull-request-opened": "pull request opened", "pull-request-updated": "pull request updated",
             "unchanged": "pull request already up to date", "committed": "committed to the default branch",
             "written": "files rewritten in the working tree", "failed": "failed", "off": "off (--write-back off)"}
    if wb.result != "nothing":
        where = f": {wb.url}" if wb.url else ""
        files = f" ({len(wb.files)} file{'s' if len(wb.files) != 1 else ''})" if wb.files else ""
        lines.append(f"tracking {label.get(wb.result, wb.result)}{files}{where}")
    for skipped in wb.skipped:
        lines.append(f"tracking skipped {skipped}")
    if wb.error:
        lines.append(f"error: tracking write-back: {wb.error}")
    return lines


def summary_line(result: RunResult) -> str:
    report = result.report
    parts = [f"{report.count(name)} {name}" for name in ("created", "adopted", "updated", "closed", "failed",
                                                         "not-attempted") if report.count(name)]
    unchanged = report.count("unchanged") + report.count("done") + report.count("linked") + report.count("external")
    parts.append(f"{unchanged} unchanged")
    return "summary: " + ", ".join(parts) + _skipped(result)


def markdown_summary(result: RunResult, repository: str) -> str:
    """The job summary (GITHUB_STEP_SUMMARY): counts, problems, and the status table's overdue rows."""
    lines = ["## Postmortem follow-ups", ""]
    if result.report is not None:
        lines.append(summary_line(result).replace("summary: ", "Sync of `" + repository + "`: ") + ".")
    if result.writeback is not None:
        lines += [f"- {line}" for line in writeback_lines(result)]
    if result.load and result.load.findings:
        lines += ["", "### Incident files with errors", ""]
        lines += [f"- `{f.path}` line {f.line}: {f.message}" for f in result.load.findings[:50]]
    if result.report is not None and (result.report.errors or result.report.stopped):
        lines += ["", "### GitHub errors", ""]
        lines += [f"- {error}" for error in result.report.errors[:50]]
        if result.report.stopped:
            lines.append(f"- stopped: {result.report.stopped}")
    overdue = [row for row in result.rows if row.status == "overdue"]
    if overdue:
        lines += ["", "### Overdue", "", "| Incident | # | Issue | Owner | Due | Days | Action |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in sorted(overdue, key=lambda r: -r.overdue_days)[:100]:
            action = row.action.replace("|", "\\|")
            lines.append(f"| {row.incident} | {row.index + 1} | #{row.issue} | {row.owner} | {row.due} | "
                         f"{row.overdue_days} | {action} |")
    return "\n".join(lines) + "\n"
