"""`postmortem stats [PATH...]`: incident analytics as a table or JSON.

Exit status: 0 every file read; 1 some file or the follow-up status file
could not be used (named on stderr; the rest is counted); 2 no usable path,
or bad arguments.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.incident import DEFAULT_DIR

STATUS_FILE = "build/followups-status.json"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem stats", description=(
        "Time to detect and to resolve (mean, median, p90) overall and by severity, service and quarter; incidents "
        "by root-cause category; recurring services and tags; follow-up completion and overdue counts."))
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"files or directories (default: {DEFAULT_DIR}/)")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.add_argument("--followups-status", metavar="FILE", default=None,
                        help=f"follow-up status from `postmortem followups --status --format json` (default: "
                             f"{STATUS_FILE} when it exists)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="the day overdue is measured against (default: today)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.followups import StatusFileError
    from postmortem_kit.stats import compute_stats, load_records, read_status, render_table

    today = date.today()
    if args.today:
        try:
            today = date.fromisoformat(args.today)
        except ValueError:
            print(f"postmortem stats: --today {args.today!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 2
    status_path = Path(args.followups_status or STATUS_FILE)
    if args.followups_status and not status_path.is_file():
        print(f"postmortem stats: --followups-status {status_path}: no such file", file=sys.stderr)
        return 2

    records, problems, files = load_records(args.paths or [DEFAULT_DIR])
    if any(problem.fatal for problem in problems) and not records:
        for problem in problems:
            print(f"postmortem stats: {problem.path}:{problem.line}:{problem.column}: {problem.message}", file=sys.stderr)
        return 2
    status = None
    status_failed = False
    if status_path.is_file():
        try:
            status = read_status(status_path)
        except StatusFileError as error:
            print(f"postmortem stats: {error}; follow-up status not counted", file=sys.stderr)
            status_failed = True

    stats = compute_stats(records, status=status, today=today)
    stats["files"] = {"read": files, "skipped": len(problems)}
    if args.format == "json":
        stats["problems"] = [f"{p.path}:{p.line}:{p.column}: {p.message}" for p in problems]
        json.dump(stats, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(stats))
    for problem in problems:
        print(f"postmortem stats: {problem.path}:{problem.line}:{problem.column}: {problem.message} (skipped)",
              file=sys.stderr)
    return 1 if problems or status_failed else 0
