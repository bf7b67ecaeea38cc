"""`postmortem init [DIR]`: scaffold a repository of postmortems (see ``scaffold``).

Exit status: 0 done (files created, unchanged or skipped: skipped ones are listed with what to add
by hand); 2 the folder cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from postmortem_kit.cli.support import ArgumentParser, parse


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem init", description=(
        "Scaffold a repository of postmortems: postmortems/ (with an example), the schema, pre-commit "
        "pinned to this release, GitHub workflows using the Action at this release, the lessons site's "
        "mkdocs.yml, .postmortem-kit.yaml, VS Code settings and a README. Never overwrites a file unless "
        "--force; running it twice changes nothing."))
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the repository (default: here)")
    parser.add_argument("--no-example", action="store_true", help="no example incident in postmortems/")
    parser.add_argument("--force", action="store_true", help="overwrite files that are already there")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.scaffold import init_repository

    result = init_repository(Path(args.dir), example=not args.no_example, force=args.force)
    print(result.report(), file=sys.stdout)
    return 0
