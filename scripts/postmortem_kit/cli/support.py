"""Argument parsing that returns exit code 2 instead of raising SystemExit."""

from __future__ import annotations

import argparse
import os
import sys

from postmortem_kit.core import PostmortemError


class UsageError(PostmortemError):
    pass


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter with the terminal width found as ``shutil.get_terminal_size`` finds
    it: argparse builds a formatter for every argument added, and its own imports ``shutil``
    (with bz2 and lzma), a few milliseconds of every cold `postmortem check`."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def _columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but errors raise UsageError so `main(argv)` can return 2."""

    def __init__(self, *args, formatter_class: type = _Formatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None):  # type: ignore[override]
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


class _Exit(PostmortemError):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def parse(parser: ArgumentParser, argv: list[str]) -> argparse.Namespace | int:
    """Parse ``argv``; on --help or a usage error return the exit code instead."""
    try:
        return parser.parse_args(argv)
    except UsageError as error:
        sys.stderr.write(f"{parser.format_usage()}{error}\n")
        return 2
    except _Exit as done:
        return done.status
