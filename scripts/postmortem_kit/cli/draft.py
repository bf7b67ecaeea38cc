"""`postmortem draft PATH`: draft the missing analysis sections of one incident.

Prints the drafted sections as YAML ready to append (default), as JSON, or
appends them to the file with ``--write`` (existing bytes untouched).  A
summary with token usage goes to stderr.

Exit status: 0 every requested section drafted (or nothing to draft),
1 a section was dropped (the reason is printed), 2 unusable input,
configuration or arguments.
"""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.drafting import SERVERS

PROG = "postmortem draft"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog=PROG, description=(
        "Draft the analysis sections an incident file is missing (or has invalid), for a person to review. "
        "Facts (times, durations, SLA budget, timeline) are computed; prose comes from the provider. "
        "Exit 0 when every section was drafted, 1 when one was dropped, 2 on unusable input or settings."))
    parser.add_argument("path", metavar="PATH", help="the incident YAML file")
    parser.add_argument("--provider", choices=("openai", "offline"),
                        help="openai (needs OPENAI_API_KEY) or offline (no key, placeholders for prose); "
                             "default: openai when OPENAI_API_KEY is set, else offline")
    parser.add_argument("--model", help="model name (default: from the configuration, else gpt-4.1-mini)")
    parser.add_argument("--base-url", help="OpenAI-compatible API base URL (default: OPENAI_BASE_URL or OpenAI)")
    parser.add_argument("--server", choices=SERVERS,
                        help="the kind of server, for the schema and response format it accepts (default auto)")
    parser.add_argument("--timeout", type=float, help="seconds to the first token of an answer (default 120)")
    parser.add_argument("--max-retries", type=int,
                        help="retries of 429/503/502/504, timeouts and lost connections (default 2)")
    parser.add_argument("--no-strict", dest="strict", action="store_false", default=None,
                        help="start below strict structured outputs (the format ladder steps down by itself)")
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: .postmortem-kit.yaml found from the incident upwards)")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
    parser.add_argument("--write", action="store_true",
                        help="append the drafted missing sections to PATH (existing lines are never changed)")
    parser.add_argument("--section", action="append", metavar="NAME",
                        help="draft only this section (repeatable)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the draft cache")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache directory (default: <repo>/.cache/postmortem-kit/drafts)")
    parser.add_argument("--token-budget", type=int, metavar="N", help="most tokens this run may use (default 150000)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="most requests in flight (default 12 for OpenAI/Azure; 4 for self-hosted servers, "
                             "which start at 2 and adapt)")
    parser.add_argument("--allow-link-host", action="append", metavar="HOST", default=[],
                        help="host whose links stay clickable in drafted text (repeatable)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.drafting import draft_command

    overrides = {"provider": args.provider, "model": args.model, "base_url": args.base_url, "server": args.server,
                 "timeout": args.timeout, "max_retries": args.max_retries, "strict": args.strict,
                 "cache_dir": args.cache_dir, "token_budget": args.token_budget, "jobs": args.jobs,
                 "cache": False if args.no_cache else None}
    return draft_command(args.path, config_file=args.config, overrides=overrides, sections=args.section,
                         fmt=args.format, write=args.write, allow_link_hosts=args.allow_link_host,
                         out=sys.stdout, err=sys.stderr)
