"""`postmortem <verb>`: dispatches to one module per verb.

Each verb module exposes ``main(argv: list[str]) -> int`` and is imported
only when its verb runs, so `postmortem check` (the pre-commit path) never
pays for the openai, PyGithub or mkdocs imports.
"""

from __future__ import annotations

import importlib
import sys

from postmortem_kit import __version__

VERBS: dict[str, tuple[str, str]] = {
    "check": ("postmortem_kit.cli.check", "validate incident files (schema, rules, blameless language)"),
    "new": ("postmortem_kit.cli.new", "write a new incident file with the next free id"),
    "lint": ("postmortem_kit.cli.lint", "blameless-language check for any text or Markdown"),
    "draft": ("postmortem_kit.cli.draft", "draft the missing analysis sections (LLM or offline)"),
    "pr": ("postmortem_kit.cli.pr", "pull-request job: check, annotate, comment drafted sections"),
    "followups": ("postmortem_kit.cli.followups", "sync follow-up actions with GitHub issues"),
    "import": ("postmortem_kit.cli.import_markdown", "convert an RCA Markdown document to incident YAML"),
    "export": ("postmortem_kit.cli.export", "write an incident as RCA Markdown"),
    "stats": ("postmortem_kit.cli.stats", "incident analytics: time to detect/resolve, causes, follow-ups"),
}

USAGE = "usage: postmortem <verb> [options]   (postmortem <verb> --help for details)"


def _help() -> str:
    width = max(len(verb) for verb in VERBS)
    lines = [USAGE, "", "verbs:"]
    lines += [f"  {verb.ljust(width)}  {summary}" for verb, (_, summary) in VERBS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_help())
        return 0 if args else 2
    if args[0] == "--version":
        print(f"postmortem-kit {__version__}")
        return 0
    verb, rest = args[0], args[1:]
    if verb not in VERBS:
        print(f"postmortem: unknown verb {verb!r}\n\n{_help()}", file=sys.stderr)
        return 2
    module = importlib.import_module(VERBS[verb][0])
    try:
        return module.main(rest)
    except KeyboardInterrupt:
        print("postmortem: interrupted", file=sys.stderr)
        return 130
