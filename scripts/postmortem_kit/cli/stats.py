"""`postmortem stats [PATH...]`: incident analytics as a table or JSON.

Exit status: 0 every file read; 1 some file or the follow-up status file
could not be used (named on stderr; the rest is counted); 2 no usable path,
or bad arguments.
"""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.incident import DEFAULT_DIR
from postmortem_kit.stats import STATUS_FILE, stats_command


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
    return stats_command(args.paths or [DEFAULT_DIR], fmt=args.format, followups_status=args.followups_status,
                         today=args.today, out=sys.stdout, err=sys.stderr)
