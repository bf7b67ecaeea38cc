"""`postmortem export FILE.yaml --format markdown [-o FILE.md]`: an incident as RCA Markdown.

The Markdown has the layout `postmortem import` reads, so import -> export ->
import gives the same incident.  Exit status: 0 exported; 1 exported, but
some part had an unexpected type and was left out (named on stderr); 2 the
file is unusable or the arguments are wrong.
"""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse

EXPORT_FORMATS = ("markdown",)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem export", description=(
        "Write an incident file as RCA Markdown (the layout of the RCA prompt, readable by `postmortem import`)."))
    parser.add_argument("file", metavar="FILE.yaml", help="the incident file")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="markdown", help="output format (default: markdown)")
    parser.add_argument("-o", "--output", metavar="FILE.md", help="write to this file (default: standard output)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.rca import export_command

    return export_command(args.file, output=args.output, force=args.force, out=sys.stdout, err=sys.stderr)
