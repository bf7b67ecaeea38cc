"""`postmortem lint [PATH|-]...`: the blameless-language check for any document.

Markdown (.md, .markdown), plain text (anything else) and incident YAML
(.yaml, .yml: only the prose fields) are read; ``-`` (or no path) reads
stdin.  Directories are searched for .md, .markdown, .txt, .yaml and .yml.

Severity: every finding is a warning unless ``--severity error``, which
applies the policy of a published incident (blame rules become errors).
Exit status: 0 no findings, 1 findings (suppressed ones do not count),
2 unusable input or arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.core import FORMATS, LIMITS, Finding, render, summary_line
from postmortem_kit.incident import collect

TEXT_SUFFIXES = (".md", ".markdown", ".mdx", ".txt", ".text", ".rst")
YAML_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
MAX_BYTES = LIMITS["document"]
STDIN = "-"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem lint", description=(
        "Check Markdown, plain text or incident YAML for blaming language (counterfactuals, blame verbs, "
        "'human error', character judgements, hindsight, naming people as causes) and suggest rewrites. "
        "Exit 0 when clean, 1 when there are findings, 2 when a file or argument is unusable."))
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; - or nothing reads stdin")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--severity", choices=("warning", "error"), default="warning",
                        help="warning (default): report everything as warnings; error: blame rules are errors, "
                             "as in an in-review or published incident")
    parser.add_argument("--kind", choices=("auto", "markdown", "text", "yaml"), default="auto",
                        help="how to read the input (default: by file suffix; stdin is Markdown)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    parser.add_argument("--rules", metavar="FILE", help="use this rule file instead of the built-in one")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.blameless import RuleFileError, load_rules

    try:
        rules = load_rules(args.rules)
    except RuleFileError as error:
        print(f"postmortem lint: {error}", file=sys.stderr)
        return 2
    if args.list_rules:
        _list_rules(rules)
        return 0
    status = "published" if args.severity == "error" else "draft"
    targets, findings = collect(args.paths or [STDIN], suffixes=TEXT_SUFFIXES + YAML_SUFFIXES,
                                what="documents (*.md, *.txt, *.yaml)", empty_rule="file/no-documents", stdin=STDIN)
    for target in targets:
        findings.extend(lint_target(target, kind=args.kind, status=status, rules=rules))
    findings.sort(key=Finding.sort_key)
    render(findings, args.format, sys.stdout)
    if args.format == "text":
        print(summary_line(findings, len(targets)), file=sys.stderr)
    if any(f.fatal for f in findings):
        return 2
    if args.exit_zero:
        return 0
    return 1 if any(not f.suppressed for f in findings) else 0


def lint_target(target: str, *, kind: str = "auto", status: str = "draft", rules=None) -> list[Finding]:
    """Findings for one path (or ``-`` for stdin); unusable input gives one fatal finding."""
    from postmortem_kit.blameless import lint_text
    from postmortem_kit.core import YamlLoadError, decode_source, read_source

    shown = "<stdin>" if target == STDIN else target
    try:
        if target == STDIN:
            raw = sys.stdin.buffer.read(MAX_BYTES + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
            text = decode_source(raw, shown, kind="document")
        else:
            text = read_source(target, kind="document")
    except YamlLoadError as error:
        finding = error.finding
        finding.message = finding.message.replace("for an incident file", "for a document")
        return [finding]
    resolved = _kind(target, kind)
    if resolved == "yaml":
        return _lint_yaml(text, shown, status, rules)
    return lint_text(text, shown, markdown=resolved == "markdown", status=status, rules=rules)


def _lint_yaml(text: str, shown: str, status: str, rules) -> list[Finding]:
    from postmortem_kit.blameless import find_blame
    from postmortem_kit.core import YamlLoadError, load_yaml_text

    try:
        doc = load_yaml_text(text, shown)
    except YamlLoadError as error:
        return [error.finding]
    return find_blame(doc, shown, status, rules=rules)


def _kind(target: str, kind: str) -> str:
    if kind != "auto":
        return kind
    if target == STDIN:
        return "markdown"
    suffix = Path(target).suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    return "markdown" if suffix in MARKDOWN_SUFFIXES else "text"


def _list_rules(rules) -> None:
    for rule in rules.rules:
        print(f"{rule.id}  {rule.category:<20} {rule.severity:<7} {rule.describe('…')}")
        print(f"       suggestion: {rule.suggestion}")
