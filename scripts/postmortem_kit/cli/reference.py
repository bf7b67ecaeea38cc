"""The command-line reference, generated from each verb's argument parser.

Every verb module in ``cli.main.VERBS`` has a ``build_parser()``; this turns
its description, arguments and epilog into Markdown (one section per verb),
so the documentation cannot drift from the code.  `scripts/tools/gen_docs.py`
writes the page and a test fails when the committed page is stale.  The
Markdown is built from the parser's actions, not from ``--help`` text, so it
does not depend on the terminal width or the Python version's help layout.
"""

from __future__ import annotations

import argparse
import importlib

from postmortem_kit.cli.main import USAGE, VERBS

HEADER = """# Command-line reference

Generated from the parsers by `python scripts/tools/gen_docs.py`; do not edit by hand
(a test fails when this page is out of date).

"""


def cli_reference() -> str:
    parts = [HEADER, f"`{USAGE}`\n\n", "| verb | what it does |\n| --- | --- |\n"]
    parts += [f"| [`{verb}`](#{verb}) | {summary} |\n" for verb, (_, summary) in VERBS.items()]
    for verb, (module_name, _) in VERBS.items():
        parser = importlib.import_module(module_name).build_parser()
        parts.append("\n" + _verb_section(verb, parser))
    return "".join(parts)


def _verb_section(verb: str, parser: argparse.ArgumentParser) -> str:
    lines = [f"## `{verb}` {{#{verb}}}", ""]
    usage = " ".join(parser.format_usage().split())
    lines += ["```text", usage.removeprefix("usage: "), "```", ""]
    if parser.description:
        lines += [_text(parser.description), ""]
    rows = [_row(action) for action in parser._actions if not isinstance(action, argparse._HelpAction)]
    if rows:
        lines += ["| argument | meaning |", "| --- | --- |", *rows, ""]
    if parser.epilog:
        lines += [_text(parser.epilog), ""]
    return "\n".join(lines)


def _row(action: argparse.Action) -> str:
    if action.option_strings:
        metavar = "" if action.nargs == 0 else " " + _metavar(action)
        names = ", ".join(f"`{option}{metavar}`" for option in action.option_strings)
    else:
        names = f"`{_metavar(action)}`"
    meaning = _text(action.help or "") if action.help != argparse.SUPPRESS else ""
    return f"| {names} | {meaning.replace('|', '&#124;')} |"


def _metavar(action: argparse.Action) -> str:
    if action.metavar:
        return action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    if action.choices:
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    name = action.dest.upper() if action.option_strings else action.dest
    return f"{name}..." if action.nargs in ("*", "+") else name


def _text(text: str) -> str:
    text = " ".join(text.split())
    return text.replace("%%", "%").replace("%(prog)s", "postmortem")
