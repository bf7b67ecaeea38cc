"""`postmortem followups` as one library call: check the request, run, report.

``followups_command`` is what the command line calls after parsing; it
returns the exit code (0 done, 1 errors in files or GitHub requests, 2
unusable arguments, environment or event) and writes its report through the
formatters in ``report.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Mapping, TextIO

from postmortem_kit.core import PostmortemError, render
from postmortem_kit.followups.report import markdown_summary, plan_lines, report_lines
from postmortem_kit.followups.runner import RunError, RunOptions, run
from postmortem_kit.followups.status import StatusRow, render_table, write_status
from postmortem_kit.github import append_summary, describe_error, repository_name


@dataclass
class FollowupsRequest:
    """What a person asked `postmortem followups` to do (the parsed command line)."""

    paths: list[str] = field(default_factory=list)
    root: str = "."
    repository: str | None = None
    dry_run: bool = False
    status: bool = False
    format: str = "table"
    status_file: str | None = None
    offline: bool = False
    write_back: str = "pr"
    due_dates: str = "text"
    bot_login: str | None = None
    today: str | None = None
    max_writes_per_minute: float = 0.0
    max_rate_limit_wait: float = 0.0
    timeout: int = 30
    ignore_event: bool = False


def _options(request: FollowupsRequest) -> RunOptions:
    today = None
    if request.today:
        try:
            today = date.fromisoformat(request.today)
        except ValueError:
            raise RunError(f"--today {request.today!r} is not a date (YYYY-MM-DD)") from None
    if request.offline and not (request.dry_run or request.status):
        raise RunError("--offline works with --dry-run or --status only (a sync needs GitHub)")
    if request.max_writes_per_minute < 0 or request.max_rate_limit_wait < 0 or request.timeout <= 0:
        raise RunError("--max-writes-per-minute and --max-rate-limit-wait must not be negative, "
                       "--timeout must be positive")
    if not Path(request.root).is_dir():
        raise RunError(f"--root {request.root}: no such directory")
    return RunOptions(
        paths=request.paths, root=Path(request.root), repository=request.repository, dry_run=request.dry_run,
        status_only=request.status, offline=request.offline, write_back=request.write_back,
        due_dates=request.due_dates, bot_login=request.bot_login, today=today,
        writes_per_minute=request.max_writes_per_minute or None, max_rate_limit_wait=request.max_rate_limit_wait,
        timeout=request.timeout, ignore_event=request.ignore_event or request.status or request.dry_run,
    )


def followups_command(request: FollowupsRequest, *, env: Mapping[str, str], out: TextIO, err: TextIO,
                      clock: Callable[[], float], sleep: Callable[[float], None]) -> int:
    """Sync, plan (``dry_run``) or report status (``status``); return the exit code."""
    options = _options(request)
    try:
        result = run(options, env=env, clock=clock, sleep=sleep)
    except PostmortemError:
        raise  # one line, exit 2 (cli.main)
    except Exception as error:  # noqa: BLE001 - the API failing outside a step: one clear line, no traceback
        err.write(f"postmortem followups: GitHub request failed: {describe_error(error)}\n")
        return 1

    if result.skipped_reason:
        out.write(f"postmortem followups: nothing to do: {result.skipped_reason}\n")
        return 0
    if result.fatal:
        render(result.load.findings if result.load else [], "text", err)
        err.write(f"postmortem followups: {result.fatal}\n")
        return result.code
    repository = options.repository or repository_name(env) or "the repository"
    if result.document and result.document.get("repository"):
        repository = result.document["repository"]

    if request.status:
        if request.format == "json":
            out.write(json.dumps(result.document, indent=2, ensure_ascii=False) + "\n")
        else:
            rows = result.rows if not request.offline else [StatusRow(**row) for row in result.document["follow_ups"]]
            out.write(render_table(rows) + "\n")
        render(result.load.findings, "text", err)
    elif request.dry_run:
        out.write("\n".join(plan_lines(result, repository, request.write_back)) + "\n")
    else:
        out.write("\n".join(report_lines(result, repository)) + "\n")
        try:
            append_summary(markdown_summary(result, repository).encode("utf-8"), env.get("GITHUB_STEP_SUMMARY"))
        except OSError as error:
            err.write(f"postmortem followups: cannot write the job summary: {error.strerror}\n")

    if request.status_file and result.document is not None and not request.dry_run:
        try:
            write_status(Path(request.status_file), result.document)
        except OSError as error:
            err.write(f"postmortem followups: cannot write {request.status_file}: {error.strerror or error}\n")
            return 2
    return result.code
