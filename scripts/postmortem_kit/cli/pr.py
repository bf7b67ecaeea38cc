"""`postmortem pr check|post`: the two stages of the pull-request job.

    postmortem pr check --out result.json     # stage 1, on pull_request, read-only token, no secrets needed
    postmortem pr post result.json            # stage 2, on workflow_run, pull-requests: write

Both read the event from ``GITHUB_EVENT_PATH`` (or ``--event``), the token
from ``GITHUB_TOKEN`` and the API from ``GITHUB_API_URL`` (GitHub Enterprise
Server works), and write the job summary to ``GITHUB_STEP_SUMMARY``.

Exit status of `check`: 0 no errors outside drafts, 1 a file that is not a
draft has errors, 2 unusable event, settings or API.  Of `post`: 0 posted
(or nothing to post), 1 GitHub failed part way (re-run to finish), 2 the
artifact, event or settings are unusable.
"""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse

PROG = "postmortem pr"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog=PROG, description=(
        "The pull-request job in two stages: `check` (unprivileged: checks the incident files the pull request "
        "changes, drafts what is missing, writes annotations, a job summary and a result file) and `post` "
        "(on workflow_run, with pull-requests: write: validates that result as untrusted data and updates one "
        "sticky comment and the suggestion comments)."))
    sub = parser.add_subparsers(dest="stage", metavar="STAGE", parser_class=ArgumentParser)

    check = sub.add_parser("check", help="stage 1: check, draft, annotate, write the result file", description=(
        "Stage 1 on a pull_request event. Exit 0 when no file outside a draft has errors, 1 when one does, "
        "2 on an unusable event, setting or API failure."))
    check.add_argument("--event", metavar="FILE", help="event payload (default: $GITHUB_EVENT_PATH)")
    check.add_argument("--out", metavar="FILE", default="postmortem-pr-result.json",
                       help="result file for stage 2 (default: postmortem-pr-result.json)")
    check.add_argument("--workspace", metavar="DIR", default=".",
                       help="checkout of the pull request's head commit (default: current directory)")
    check.add_argument("--incident-dir", action="append", metavar="DIR",
                       help="folder holding incident files (repeatable; default: postmortems)")
    check.add_argument("--provider", choices=("auto", "offline", "openai"), default="auto",
                       help="drafting provider; auto: openai when OPENAI_API_KEY is set and the pull request is "
                            "not from a fork, else offline (forks are always offline)")
    check.add_argument("--no-drafts", action="store_true", help="check only, draft nothing")
    check.add_argument("--config", metavar="FILE",
                       help="drafting configuration from outside the pull request's checkout (the base branch's "
                            "copy or the workflow's); the checkout's own .postmortem-kit.yaml is never read")
    check.add_argument("--trusted-config", metavar="FILE",
                       help="as --config, but a missing file means the defaults (e.g. the base checkout's "
                            ".postmortem-kit.yaml, which may not exist)")
    check.add_argument("--model", help="model for the openai provider")
    check.add_argument("--cache-dir", metavar="DIR",
                       help="draft cache (default: $RUNNER_TEMP or the temporary folder, never the checkout); keep it between runs "
                            "so unchanged incidents cost no model calls")
    check.add_argument("--no-blameless", action="store_true", help="skip the blameless-language rules")
    check.add_argument("--review", action="store_true",
                       help="ask the drafting model (same trusted configuration, endpoint and key; never for forks) to "
                            "confirm or dismiss each blameless finding and point out missed blame; warnings and "
                            "suggestions only, the exit status stays the rules'")

    post = sub.add_parser("post", help="stage 2: validate a result file and comment on the pull request",
                          description=("Stage 2 on a workflow_run event (or pull_request for same-repository "
                                       "set-ups). Exit 0 posted or nothing to post, 1 GitHub failed part way, "
                                       "2 unusable result, event or settings."))
    post.add_argument("results", nargs="+", metavar="RESULT",
                      help="result file(s) of stage 1; missing ones are skipped, the last one present is used")
    post.add_argument("--event", metavar="FILE", help="event payload (default: $GITHUB_EVENT_PATH)")
    post.add_argument("--bot-login", metavar="LOGIN",
                      help="login the token writes as (default: asked from the API; github-actions[bot] for "
                           "GITHUB_TOKEN); only comments by this login are ever edited or deleted")
    post.add_argument("--allow-link-host", action="append", default=[], metavar="HOST",
                      help="host whose links stay clickable in drafted text (repeatable)")
    post.add_argument("--writes-per-minute", type=float, default=80.0, metavar="N",
                      help="pace content-creating requests (default 80, GitHub's secondary limit)")
    post.add_argument("--max-rate-limit-wait", type=float, default=120.0, metavar="SECONDS",
                      help="longest wait for a rate limit before giving up with a summary (default 120)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.pr import PrCheckRequest, PrPostRequest, PrUsageError, pr_check_command, pr_post_command

    if args.stage == "check":
        return pr_check_command(PrCheckRequest(
            event=args.event, out=args.out, workspace=args.workspace, incident_dirs=args.incident_dir,
            provider=args.provider, drafts=not args.no_drafts, config=args.config or args.trusted_config,
            config_optional=not args.config and bool(args.trusted_config), model=args.model,
            cache_dir=args.cache_dir, blameless=not args.no_blameless, review=args.review), out=sys.stdout,
            err=sys.stderr)
    if args.stage == "post":
        return pr_post_command(PrPostRequest(
            results=args.results, event=args.event, bot_login=args.bot_login,
            allow_link_hosts=tuple(args.allow_link_host), writes_per_minute=args.writes_per_minute,
            max_rate_limit_wait=args.max_rate_limit_wait), out=sys.stdout)
    raise PrUsageError("choose a stage: check or post (postmortem pr --help)")
