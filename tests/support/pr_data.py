"""Incident texts for the pull-request job tests and benchmark (built from the repository's examples)."""

from __future__ import annotations

import re
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "postmortems"


def example(name: str) -> str:
    return (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


def draft_incident(number: int, *, stubs: bool = False) -> str:
    """INC-2026-0003 (a draft with only the inputs) under another id: every analysis section missing.

    Without ``stubs`` the ``# stub:`` lines (and their header) are taken out: a file written before
    stubs existed, whose drafts fall back to one shared append anchor on the last line."""
    text = re.sub(r"^id: INC-2026-0003$", f"id: INC-2026-{number:04d}", example("INC-2026-0003"), flags=re.MULTILINE)
    if not stubs:
        text = text.split("\n# stub: ", 1)[0]
        text = text.rstrip("\n") + "\n"
    return text


def draft_path(number: int) -> str:
    return f"postmortems/INC-2026-{number:04d}.yaml"


def published_with_error() -> str:
    """INC-2026-0001 (published, complete) with an unknown key: one schema error."""
    return example("INC-2026-0001").replace("status: published\n", "status: published\nreviewd_by: sre-team\n", 1)
