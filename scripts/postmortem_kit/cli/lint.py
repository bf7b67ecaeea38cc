"""`postmortem lint [PATH|-]...`: the blameless-language check for any document.

Markdown (.md, .markdown), plain text (anything else) and incident YAML
(.yaml, .yml: only the prose fields) are read; ``-`` (or no path) reads
stdin.  Directories are searched for .md, .markdown, .txt, .yaml and .yml.

Severity: every finding is a warning unless ``--severity error``, which
applies the policy of a published incident (blame rules become errors).
Exit status: 0 no findings, 1 findings (suppressed ones do not count),
2 unusable input or arguments.  ``--review`` adds the configured model's
second opinion as warnings and notes; the exit status stays the rules'.
"""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.core import FORMATS


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem lint", description=(
        "Check Markdown, plain text or incident YAML for blaming language (counterfactuals, blame verbs, "
        "'human error', character judgements, hindsight, naming people as causes) and suggest rewrites. "
        "Exit 0 when clean, 1 when there are findings, 2 when a file or argument is unusable."))
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; - or nothing reads stdin")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--severity", choices=("warning", "error"), default="warning",
                        help="warning (default): report everything as warnings; error: high-confidence blame rules are errors, "
                             "as in an in-review or published incident")
    parser.add_argument("--kind", choices=("auto", "markdown", "text", "yaml"), default="auto",
                        help="how to read the input (default: by file suffix; stdin is Markdown)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    parser.add_argument("--rules", metavar="FILE", help="use this rule file instead of the built-in one")
    parser.add_argument("--review", action="store_true",
                        help="ask the configured model (as for `postmortem draft`) to confirm or dismiss each finding and to "
                             "point out blame the rules missed; its answers are warnings and suggestions only and never "
                             "change the exit status")
    parser.add_argument("--config", metavar="FILE",
                        help="with --review: the configuration file (default: .postmortem-kit.yaml near the first path)")
    parser.add_argument("--model", help="with --review: the model (default: from the configuration)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    if args.review and not args.list_rules:
        from postmortem_kit.drafting import lint_review_command

        return lint_review_command(args.paths, fmt=args.format, severity=args.severity, kind=args.kind,
                                   exit_zero=args.exit_zero, rules_file=args.rules, config_file=args.config,
                                   model=args.model, out=sys.stdout, err=sys.stderr)
    from postmortem_kit.blameless import lint_command

    return lint_command(args.paths, fmt=args.format, severity=args.severity, kind=args.kind,
                        exit_zero=args.exit_zero, list_rules=args.list_rules, rules_file=args.rules,
                        out=sys.stdout, err=sys.stderr)
