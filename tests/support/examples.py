"""Example incident files as text, for tests that edit one detail."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "postmortems"
COMPLETE = "INC-2026-0001"
DRAFT = "INC-2026-0003"


def example_text(incident_id: str = COMPLETE) -> str:
    return (EXAMPLES / f"{incident_id}.yaml").read_text(encoding="utf-8")


def write_incident(directory: Path, text: str, incident_id: str = COMPLETE, name: str | None = None) -> Path:
    path = directory / (name or f"{incident_id}.yaml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str, incident_id: str = COMPLETE, count: int = 1) -> str:
    text = example_text(incident_id)
    assert text.count(old) >= count, f"{old!r} not in {incident_id}"
    return text.replace(old, new, count)
