"""`postmortem export --format markdown`, and the round trips import -> export -> import."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from postmortem_kit.core import load_yaml_file
from postmortem_kit.rca import import_markdown, render_markdown
from support.examples import EXAMPLES
from support.incident_factory import make_incident

DATA = Path(__file__).resolve().parents[2] / "data" / "rca"
EXAMPLE_FILES = sorted(EXAMPLES.glob("INC-*.yaml"))
HEADINGS = ["### INCIDENT DATA", "### SYSTEM CONTEXT", "**INCIDENT SUMMARY**", "**CUSTOMER IMPACT ANALYSIS**",
            "**ROOT CAUSE IDENTIFICATION**", "**TIMELINE RECONSTRUCTION**", "**PREVENTION MEASURES**",
            "### SYSTEM IMPROVEMENT RECOMMENDATIONS", "### LEARNING DOCUMENTATION", "### FOLLOW-UP ACTIONS",
            "### COMMUNICATION REQUIREMENTS", "### BLAMELESS ANALYSIS"]


def without_trailing_newlines(value):
    """Pasted text may gain or lose its final line break on the way (YAML `|` keeps one, quotes none)."""
    if isinstance(value, dict):
        return {key: without_trailing_newlines(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_trailing_newlines(item) for item in value]
    return value.rstrip("\n") if isinstance(value, str) else value


def reimported(data: dict) -> dict:
    text, notes = render_markdown(data)
    outcome = import_markdown(text, "exported.md")
    assert not outcome.report.unplaced, [u.text for u in outcome.report.unplaced]
    return {"id": data["id"], **outcome.data}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_survives_export_and_import(path):
    data = load_yaml_file(path).data
    again = reimported(data)
    assert without_trailing_newlines(again) == without_trailing_newlines(data)
    first, _ = render_markdown(data)
    second, _ = render_markdown(again)
    assert second == first  # and the Markdown is a fixed point


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.md")))
def test_import_export_import_is_stable_for_every_fixture(name):
    first = import_markdown((DATA / name).read_text(encoding="utf-8"), name).data
    text, notes = render_markdown({"id": "INC-2026-0100", **first})
    second = import_markdown(text, "again.md").data
    assert second == first
    assert render_markdown({"id": "INC-2026-0100", **second})[0] == text


def test_generated_incidents_survive_the_round_trip():
    rng = random.Random(2026)
    for index in range(40):
        data = make_incident(index, status=rng.choice(["published", "in-review", "draft"]), rng=random.Random(index))
        assert without_trailing_newlines(reimported(data)) == without_trailing_newlines(data), data["id"]


def test_text_that_looks_like_layout_survives():
    data = load_yaml_file(EXAMPLES / "INC-2026-0001.yaml").data
    data["timeline"][0]["event"] = "Deploy - step 2 | canary (responder: bot) done"
    data["timeline"][1].pop("system_state")
    data["timeline"][1]["action"] = "Paged"
    data["communication"]["executive_summary"]["root_cause"] = "Root cause: a setting."
    data["prevention"]["immediate"][0]["action"] = "Owner: review needed"
    data["impact"]["user_experience"] = "First line.\n\nSecond paragraph - with a dash."
    data["inputs"]["incident_data"]["events"][0]["event"] = "[bracketed] start\n  second line"
    data["inputs"]["incident_data"]["notes"] = "Events:\n- not really an event list"
    assert without_trailing_newlines(reimported(data)) == without_trailing_newlines(data)


def test_export_cli(run_cli, tmp_path):
    code, out, err = run_cli("export", str(EXAMPLES / "INC-2026-0001.yaml"), "--format", "markdown")
    assert code == 0 and err == ""
    assert out.startswith("# INC-2026-0001: Checkout API returned 503s after a database connection-pool change\n")
    positions = [out.index(heading + "\n") for heading in HEADINGS]
    assert positions == sorted(positions)
    assert "- Severity: SEV 2 - A core purchase flow failed" in out
    assert "- Detection Time: 2026-03-14T09:19:00+01:00 - 7 minutes after the start" in out
    assert "- Why It Happened: Configuration error - Production and staging settings" in out
    assert "- 09:19 - CheckoutErrorBudgetBurnFast alert fired. - Error rate 21%. - On-call acknowledged" in out

    target = tmp_path / "rca.md"
    assert run_cli("export", str(EXAMPLES / "INC-2026-0003.yaml"), "-o", str(target))[0] == 0
    draft = target.read_text(encoding="utf-8")
    assert "### INCIDENT DATA" in draft and "INCIDENT SUMMARY" not in draft and "- Status: draft" in draft
    code, _, err = run_cli("export", str(EXAMPLES / "INC-2026-0003.yaml"), "-o", str(target))
    assert code == 2 and "already exists" in err
    assert run_cli("export", str(EXAMPLES / "INC-2026-0003.yaml"), "-o", str(target), "--force")[0] == 0


def test_export_then_import_through_the_cli(run_cli, tmp_path):
    markdown = tmp_path / "INC-2026-0002.md"
    assert run_cli("export", str(EXAMPLES / "INC-2026-0002.yaml"), "-o", str(markdown))[0] == 0
    target = tmp_path / "INC-2026-0002.yaml"
    code, out, err = run_cli("import", str(markdown), "-o", str(target))
    assert code == 0, out + err
    imported = load_yaml_file(target).data
    assert imported.pop("x-import")["source"] == markdown.as_posix()  # the provenance of the import
    assert without_trailing_newlines(imported) == \
        without_trailing_newlines(load_yaml_file(EXAMPLES / "INC-2026-0002.yaml").data)


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("id: [unclosed\n", "invalid YAML"),
    ("- a\n- b\n", "not an incident"),
    ("id: INC-2026-0001\nid: INC-2026-0002\n", "duplicate key"),
])
def test_export_of_unusable_files(run_cli, tmp_path, content, message):
    path = tmp_path / "INC-2026-0001.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run_cli("export", str(path))
    assert code == 2 and message in err and out == ""


def test_export_skips_parts_of_the_wrong_type_and_says_so(run_cli, tmp_path):
    path = tmp_path / "INC-2026-0001.yaml"
    path.write_text("id: INC-2026-0001\ntitle: T\nstatus: draft\ntimeline: not a list\nsummary: [1]\n"
                    "x-team: {owner: a}\n", encoding="utf-8")
    code, out, err = run_cli("export", str(path))
    assert code == 1 and out.startswith("# INC-2026-0001: T")
    assert "timeline is not a list; not exported" in err and "summary is not a mapping" in err
    assert "x-team is an extension field" in err
    assert run_cli("export", str(path), "--format", "pdf")[0] == 2
