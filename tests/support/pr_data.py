"""Incident texts for the pull-request job tests and benchmark (built from the repository's examples)."""

from __future__ import annotations

import re
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "postmortems"


def example(name: str) -> str:
    return (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


def draft_incident(number: int) -> str:
    """INC-2026-0003 (a draft with only the inputs) under another id: every analysis section missing."""
    return re.sub(r"^id: INC-2026-0003$", f"id: INC-2026-{number:04d}", example("INC-2026-0003"), flags=re.MULTILINE)


def draft_path(number: int) -> str:
    return f"postmortems/INC-2026-{number:04d}.yaml"


def published_with_error() -> str:
    """INC-2026-0001 (published, complete) with an unknown key: one schema error."""
    return example("INC-2026-0001").replace("status: published\n", "status: published\nreviewd_by: sre-team\n", 1)
