"""`postmortem new`: write a new draft incident file with the next free id."""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.github import actor
from postmortem_kit.incident import DEFAULT_DIR, NewIncident, create_incident


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem new", description=(
        "Write a new draft incident file with the next free id and the input sections ready to fill."))
    parser.add_argument("--dir", default=DEFAULT_DIR, help=f"folder for incident files (default: {DEFAULT_DIR})")
    parser.add_argument("--id", help="incident id (default: the next free INC-<year>-NNNN)")
    parser.add_argument("--title", default="TODO: what failed and its visible effect", help="one-line title")
    parser.add_argument("--service", default="service-name", help="affected service (lower-case slug)")
    parser.add_argument("--author", default=None, help="your GitHub handle or team (default: $GITHUB_ACTOR or TODO)")
    parser.add_argument("--now", default=None, help="timestamp for the first event (default: now, UTC)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    target = create_incident(NewIncident(directory=args.dir, title=args.title, service=args.service,
                                         author=args.author or actor(), incident_id=args.id, now=args.now))
    print(target, file=sys.stdout)
    return 0
