"""Fixtures shared by every test module (helpers for files and the CLI)."""

from __future__ import annotations

import pytest


@pytest.fixture
def run_cli(capsys):
    """Call `postmortem <argv>` in-process; return (exit code, stdout, stderr)."""
    from postmortem_kit.cli.main import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
