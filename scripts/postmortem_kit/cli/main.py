"""`postmortem <verb>`: dispatches to one thin module per verb.

Each verb module exposes ``build_parser()`` and ``main(argv) -> int``: it
parses, calls one library function and maps the result to an exit code.  Verb
modules are imported only when their verb runs, so `postmortem check` (the
pre-commit path) never pays for the openai, PyGithub or mkdocs imports.

Every expected failure is a ``PostmortemError``; this is the one place that
turns it into a one-line message and an exit code (never a traceback).  A
closed pipe (``postmortem check --format json | head -c1``) ends quietly.
"""

from __future__ import annotations

import importlib
import os
import sys

from postmortem_kit import __version__
from postmortem_kit.core import PostmortemError

VERBS: dict[str, tuple[str, str]] = {
    "init": ("postmortem_kit.cli.init", "scaffold a repository of postmortems (pre-commit, workflows, site)"),
    "check": ("postmortem_kit.cli.check", "validate incident files (schema, rules, blameless language)"),
    "new": ("postmortem_kit.cli.new", "write a new incident file with the next free id"),
    "lint": ("postmortem_kit.cli.lint", "blameless-language check for any text or Markdown"),
    "rules": ("postmortem_kit.cli.rules", "list every rule the checks apply, with its severity and documentation"),
    "draft": ("postmortem_kit.cli.draft", "draft the missing analysis sections (LLM or offline)"),
    "pr": ("postmortem_kit.cli.pr", "pull-request job: check, annotate, comment drafted sections"),
    "followups": ("postmortem_kit.cli.followups", "sync follow-up actions with GitHub issues"),
    "evidence": ("postmortem_kit.cli.evidence", "merge chat, pager, alert, deploy, log and metric evidence into the inputs"),
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


def _unknown(verb: str) -> str:
    import difflib

    close = difflib.get_close_matches(verb, VERBS, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"postmortem: unknown verb {verb!r}{hint}\n\n{_help()}"


def main(argv: list[str] | None = None) -> int:
    """Run one verb; stdout and stderr are guarded so no printed text can issue a workflow command."""
    from postmortem_kit.core import GuardedStream

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = GuardedStream(saved[0]), GuardedStream(saved[1])
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader went away (a verb's output, or the top-level help or version)
        return _closed_pipe()
    finally:
        sys.stdout, sys.stderr = saved


def _main(argv: list[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_help())
        return 0 if args else 2
    if args[0] == "--version":
        print(f"postmortem-kit {__version__}")
        return 0
    verb, rest = args[0], args[1:]
    if verb not in VERBS:
        print(_unknown(verb), file=sys.stderr)
        return 2
    module = importlib.import_module(VERBS[verb][0])
    try:
        status = module.main(rest)
        sys.stdout.flush()
        return status
    except PostmortemError as error:
        print(f"postmortem {verb}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("postmortem: interrupted", file=sys.stderr)
        return 130


def _closed_pipe() -> int:
    """The reader went away (``| head``): stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    return 141 if os.name == "posix" else 1
