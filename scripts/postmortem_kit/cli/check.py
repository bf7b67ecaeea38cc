"""`postmortem check [PATH...]`: validate incident files.

Exit status: 0 no errors, 1 findings of error severity, 2 unusable input or arguments.
"""

from __future__ import annotations

import sys

from postmortem_kit.checks import check_command
from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.core import FORMATS
from postmortem_kit.incident import DEFAULT_DIR


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem check", description=(
        "Check incident files against the schema, the consistency rules and the blameless-language rules. "
        "Exit 0 when clean, 1 when there are errors, 2 when a file or argument is unusable."))
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"files or directories (default: {DEFAULT_DIR}/)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--no-blameless", action="store_true", help="skip the blameless-language rules")
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only (text format)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    return check_command(args.paths or [DEFAULT_DIR], fmt=args.format, blameless=not args.no_blameless,
                         strict=args.strict, quiet=args.quiet, out=sys.stdout, err=sys.stderr)
