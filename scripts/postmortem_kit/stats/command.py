"""`postmortem stats` as one library call: read, compute, print, return the exit status."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

from postmortem_kit.core import PostmortemError, brief
from postmortem_kit.followups import StatusFileError
from postmortem_kit.stats.followups import read_status
from postmortem_kit.stats.incidents import compute_stats, load_records
from postmortem_kit.stats.table import render_table

STATUS_FILE = "build/followups-status.json"


class StatsError(PostmortemError):
    """Unusable arguments or no usable path (exit 2)."""


def stats_command(paths: list[str], *, fmt: str = "table", followups_status: str | None = None,
                  today: str | None = None, out: TextIO, err: TextIO) -> int:
    """0 every file read; 1 a file or the status file was skipped (named on ``err``); 2 nothing usable."""
    day = date.today()
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            raise StatsError(f"--today {today!r} is not a date (YYYY-MM-DD)") from None
    status_path = Path(followups_status or STATUS_FILE)
    if followups_status and not status_path.is_file():
        raise StatsError(f"--followups-status {status_path}: no such file")

    records, problems, files = load_records(paths)
    if any(problem.fatal for problem in problems) and not records:
        for problem in problems:
            err.write(f"postmortem stats: {brief(problem)}\n")
        return 2
    status = None
    status_failed = False
    if status_path.is_file():
        try:
            status = read_status(status_path)
        except StatusFileError as error:
            err.write(f"postmortem stats: {error}; follow-up status not counted\n")
            status_failed = True

    stats = compute_stats(records, status=status, today=day)
    stats["files"] = {"read": files, "skipped": len(problems)}
    if fmt == "json":
        stats["problems"] = [brief(p) for p in problems]
        json.dump(stats, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(render_table(stats))
    for problem in problems:
        err.write(f"postmortem stats: {brief(problem)} (skipped)\n")
    return 1 if problems or status_failed else 0
