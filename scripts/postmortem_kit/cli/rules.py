"""`postmortem rules`: every rule of every family, with its severity and documentation."""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem rules", description=(
        "List every rule the checks apply (schema, YAML, files, consistency, blameless language, follow-ups, ...) "
        "with its default severity. The rule reference in the documentation is generated from the same registry."))
    parser.add_argument("family", nargs="*", help="only these families (e.g. blameless times)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="output format (default: text)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.cli.catalog import every_rule
    from postmortem_kit.core import render_rules

    rules = [rule for rule in every_rule() if not args.family or rule.family in args.family]
    render_rules(rules, args.format, sys.stdout)
    return 0 if rules else 1
