"""Argument parsing that returns exit code 2 instead of raising SystemExit."""

from __future__ import annotations

import argparse
import sys

from postmortem_kit.core import PostmortemError


class UsageError(PostmortemError):
    pass


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but errors raise UsageError so `main(argv)` can return 2."""

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
