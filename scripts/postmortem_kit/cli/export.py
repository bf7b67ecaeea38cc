"""`postmortem export FILE.yaml --format markdown [-o FILE.md]`: an incident as RCA Markdown.

The Markdown has the layout `postmortem import` reads, so import -> export ->
import gives the same incident.  Exit status: 0 exported; 1 exported, but
some part had an unexpected type and was left out (named on stderr); 2 the
file is unusable or the arguments are wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

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
    from postmortem_kit.core import YamlLoadError, load_yaml_file
    from postmortem_kit.rca import render_markdown

    try:
        doc = load_yaml_file(args.file)
    except YamlLoadError as error:
        f = error.finding
        print(f"postmortem export: {f.path}:{f.line}:{f.column}: {f.message}", file=sys.stderr)
        return 2
    duplicate = next((f for f in doc.findings if f.severity == "error"), None)
    if duplicate is not None:
        print(f"postmortem export: {duplicate.path}:{duplicate.line}:{duplicate.column}: {duplicate.message}",
              file=sys.stderr)
        return 2
    if not isinstance(doc.data, dict):
        print(f"postmortem export: {args.file}: not an incident (the file is not a mapping of fields)", file=sys.stderr)
        return 2
    text, notes = render_markdown(doc.data)
    if args.output:
        target = Path(args.output)
        if target.exists() and not args.force:
            print(f"postmortem export: {target} already exists; not overwriting it (use --force)", file=sys.stderr)
            return 2
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        except OSError as error:
            print(f"postmortem export: {target}: cannot write: {error.strerror or error}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    for note in notes:
        print(f"postmortem export: {args.file}: {note}", file=sys.stderr)
    skipped = [note for note in notes if "extension field" not in note]
    return 1 if skipped else 0
