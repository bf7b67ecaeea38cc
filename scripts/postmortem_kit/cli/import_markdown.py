"""`postmortem import FILE.md [-o FILE.yaml] [--id ID] [--timezone ZONE]`: RCA Markdown -> incident YAML.

Thin: parse the arguments and call ``rca.import_command`` (see there for what
is written where).  Exit status: 0 written (or up to date) and clean; 1
written, with errors from the import or the check, or with content that
could not be placed; 2 nothing written (unusable input or arguments).
"""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.core import FORMATS
from postmortem_kit.incident import DEFAULT_DIR, STATUSES


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem import", description=(
        "Convert an RCA Markdown document (the layout of the RCA prompt) into an incident YAML file, "
        "then check it. Exit 0 clean, 1 written with problems to fix, 2 nothing written."))
    parser.add_argument("file", metavar="FILE.md", help="the Markdown document")
    parser.add_argument("-o", "--output", metavar="FILE.yaml",
                        help=f"where to write, named after the id (INC-2026-0042.yaml); default: the file an earlier "
                             f"import of this document wrote, else {DEFAULT_DIR}/<next free id>.yaml; '-' for "
                             "standard output")
    parser.add_argument("--id", help="incident id (default: the output file's name, else the next free id)")
    parser.add_argument("--timezone", metavar="ZONE",
                        help="zone for times that state none: IANA name (Europe/Berlin), offset (+01:00) or CET/PST/UTC")
    parser.add_argument("--status", choices=STATUSES, help="status to set (default: in-review for a complete "
                                                           "document, draft for one with only the input blocks)")
    parser.add_argument("--author", action="append", default=None, metavar="HANDLE",
                        help="author handle or team (repeatable; default: the document's Authors line, else "
                             "git's configured user, which the report names)")
    parser.add_argument("--dir", default=DEFAULT_DIR, help=f"incident folder for the next free id (default: {DEFAULT_DIR})")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file that no import of this document wrote; on "
                             "re-import, take the document's version of fields edited in the file")
    parser.add_argument("--format", choices=FORMATS, default="text", help="format of the findings (default: text)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.rca import import_command

    return import_command(args.file, output=args.output, incident_id=args.id, zone_text=args.timezone,
                          status=args.status, authors=args.author, directory=args.dir, force=args.force,
                          fmt=args.format, out=sys.stdout, err=sys.stderr)
