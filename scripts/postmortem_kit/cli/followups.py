"""`postmortem followups`: one GitHub issue per follow-up action, exactly once; status back.

    postmortem followups [PATHS...]            sync (the workflow runs this on push to the default branch)
    postmortem followups --dry-run             print the plan; nothing is written
    postmortem followups --status [--format json]

Exit codes: 0 done; 1 some incident file or follow-up had errors (skipped) or
some GitHub request failed (the summary says which); 2 unusable arguments,
environment or event.
"""

from __future__ import annotations

import os
import sys
import time

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.followups import MODES, STATUS_FILE
from postmortem_kit.github import DEFAULT_MAX_RATE_LIMIT_WAIT, GITHUB_SECONDARY_LIMIT_PER_MINUTE
from postmortem_kit.incident import DEFAULT_DIR

# The clock the write pacing and rate-limit waits use; tests replace both with a virtual clock.
CLOCK = time.monotonic
SLEEP = time.sleep


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="postmortem followups",
        description="Sync the follow-up actions of in-review and published incidents with GitHub issues "
                    "(one issue each, exactly once), record the issue numbers in the files, and report status.",
        epilog="Environment: GITHUB_TOKEN (required unless --offline), GITHUB_REPOSITORY, GITHUB_API_URL "
               "(GitHub Enterprise: https://HOST/api/v3), GITHUB_SERVER_URL, GITHUB_EVENT_NAME and "
               "GITHUB_EVENT_PATH (a push that is not to the default branch does nothing), GITHUB_STEP_SUMMARY. "
               "Exit codes: 0 done, 1 errors in files or GitHub requests (see the summary), 2 unusable input.")
    parser.add_argument("paths", nargs="*", default=[DEFAULT_DIR], help=f"incident files or folders (default: {DEFAULT_DIR})")
    parser.add_argument("--repo", metavar="OWNER/NAME", help="repository for the issues (default: GITHUB_REPOSITORY "
                        "or the push event's repository)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print the plan; read GitHub but write nothing")
    mode.add_argument("--status", action="store_true", help="print every follow-up with its issue state, owner, "
                      "due date and days overdue; write nothing to GitHub")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="--status output (default: table)")
    parser.add_argument("--status-file", default=STATUS_FILE, metavar="PATH",
                        help=f"where to write the status JSON the lessons site reads (default: {STATUS_FILE}; "
                             "'' to skip)")
    parser.add_argument("--write-back", choices=MODES, default="pr",
                        help="how issue numbers reach the tracking fields: pr (one pull request from the bot, "
                             "updated in place; default), commit (directly on the default branch), local (rewrite "
                             "the files here), off")
    parser.add_argument("--due-dates", choices=("text", "milestone"), default="text",
                        help="due date in the issue body only (default), or also as a 'Due YYYY-MM-DD' milestone")
    parser.add_argument("--bot-login", metavar="LOGIN", help="login the token writes as (default: from GET /user, "
                        "or github-actions[bot] for GITHUB_TOKEN); an app token needs its 'slug[bot]'")
    parser.add_argument("--offline", action="store_true", help="do not contact GitHub (--dry-run and --status only): "
                        "plan and status from the files alone")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="the date overdue days count from (default: today, UTC)")
    parser.add_argument("--root", default=".", help="repository root the file paths are relative to (default: .)")
    parser.add_argument("--max-writes-per-minute", type=float, default=GITHUB_SECONDARY_LIMIT_PER_MINUTE,
                        metavar="N", help=f"pace content-creating requests (default: {GITHUB_SECONDARY_LIMIT_PER_MINUTE}, "
                        "GitHub's secondary limit; 0: no pacing)")
    parser.add_argument("--max-rate-limit-wait", type=float, default=DEFAULT_MAX_RATE_LIMIT_WAIT, metavar="SECONDS",
                        help=f"longest wait for a rate limit before the run stops (default: {DEFAULT_MAX_RATE_LIMIT_WAIT:.0f})")
    parser.add_argument("--timeout", type=int, default=30, metavar="SECONDS",
                        help="seconds to wait for one GitHub response (default: 30)")
    parser.add_argument("--ignore-event", action="store_true", help="sync even when the GitHub event is a push "
                        "that is not to the default branch")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.followups import FollowupsRequest, followups_command

    request = FollowupsRequest(
        paths=args.paths, root=args.root, repository=args.repo, dry_run=args.dry_run, status=args.status,
        format=args.format, status_file=args.status_file, offline=args.offline, write_back=args.write_back,
        due_dates=args.due_dates, bot_login=args.bot_login, today=args.today,
        max_writes_per_minute=args.max_writes_per_minute, max_rate_limit_wait=args.max_rate_limit_wait,
        timeout=args.timeout, ignore_event=args.ignore_event)
    return followups_command(request, env=os.environ, out=sys.stdout, err=sys.stderr, clock=CLOCK, sleep=SLEEP)
