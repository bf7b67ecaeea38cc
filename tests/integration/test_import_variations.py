"""`postmortem import` on documents as people write them from the RCA prompt (issue 16).

The documents in tests/data/import/ are written for these tests, in the prompt's layout, and
cover the variations the importer reads (see docs/pages/guide/import.md): relative times,
12-hour clocks, dates in words, zone names and abbreviations, separators and bullets in input
items, ticket hints, human factors as prose, no authors and no blameless section.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem_kit.core import load_yaml_file
from postmortem_kit.incident import format_duration, parse_timestamp

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
COMPLETE = ["complete-relative-times.md", "complete-12-hour-words.md", "complete-iana-relative-only.md"]
INPUT_ONLY = ["inputs-only-separators.md"]


@pytest.fixture
def git_user(tmp_path, monkeypatch):
    """A git configuration of our own, so the default author does not depend on the machine."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Rowan Test\n\temail = rowan@example.com\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return "rowan-test"


def _import(run_cli, source: Path, target: Path, *extra: str):
    code, out, err = run_cli("import", str(source), "-o", str(target), *extra)
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("name", COMPLETE + INPUT_ONLY)
def test_each_document_imports_passes_check_and_re_imports_unchanged(run_cli, tmp_path, git_user, name):
    target = tmp_path / "postmortems" / "INC-2026-0300.yaml"
    code, out, err = _import(run_cli, DATA / name, target)
    assert code == 0, out + err
    data = load_yaml_file(target).data
    assert data["id"] == "INC-2026-0300"  # from the file name
    assert data["status"] == ("draft" if name in INPUT_ONLY else "in-review")
    assert run_cli("check", str(target))[0] == 0  # no hand edits
    assert data["services"] == [data["inputs"]["system_context"]["service"]["name"].lower().replace(" ", "-")]
    if name in COMPLETE:
        summary = data["summary"]
        end_minus_start = parse_timestamp(summary["resolution"]) - parse_timestamp(summary["start"])
        assert summary["total_duration"] == format_duration(end_minus_start)
    before = target.read_bytes()
    code, out, err = _import(run_cli, DATA / name, target)
    assert code == 0 and "unchanged" in err and "nothing changed" in out
    assert target.read_bytes() == before
    code, out, err = run_cli("import", str(DATA / name), "--dir", str(target.parent))  # found by its fingerprint
    assert code == 0 and f"unchanged {target}" in err
    assert sorted(p.name for p in target.parent.iterdir()) == ["INC-2026-0300.yaml"]  # never a duplicate


def test_relative_times_separators_ticket_hints_and_git_author(run_cli, tmp_path, git_user):
    target = tmp_path / "INC-2026-0301.yaml"
    code, out, err = _import(run_cli, DATA / "complete-relative-times.md", target)
    data = load_yaml_file(target).data
    # "2026-04-02 09:12 UTC - 8 minutes after the start" is UTC with a remark, not UTC-08:00
    assert data["summary"]["detection"] == "2026-04-02T09:12:00Z" and "Detection Time says" not in out
    assert data["authors"] == [git_user] and "authors: rowan-test from git config user.name" in out
    assert "import/inferred services: [search-api] from the SYSTEM CONTEXT service 'Search API'" in out
    assert "5 inferred value(s)" in err  # authors, services and three tracking values
    events = data["inputs"]["incident_data"]
    assert [e["event"] for e in events["events"]] == ["Nightly index rebuild started on search-indexer",
                                                      "Rebuild stalled at 62% with the shard lock held"]
    assert events["alerts"][0]["name"] == "SearchFreshnessLag"
    assert [a["action"] for a in events["response_actions"]] == [
        "on-call acknowledged the page and opened the indexer dashboard",
        "lock released by restarting the indexer leader"]
    timeline = data["timeline"]
    assert [entry["event"] for entry in timeline[:5]] == [
        "Nightly index rebuild started", "Rebuild stalled with the shard lock held",
        "SearchFreshnessLag alert fired", "Page acknowledged", "Snapshot volume throttling found"]
    assert [f["tracking"] for f in data["follow_ups"]] == ["new", "new", "SHAKE-472", "new", "SHAKE-474"]
    assert data["x-import"]["hints"] == [{"field": "follow_ups[1].tracking", "text": "SHAKE-471 (to create)"}]
    assert "blameless" not in data  # no human-factors text; not required without root_cause.human_action
    code, markdown, err = run_cli("export", str(target))
    assert code == 0 and "x-import" not in err  # provenance, not content: exported quietly without it
    assert "- Tracking: SHAKE-471 (to create)" in markdown  # the hint goes back where it was written
    assert "notice import/missing-section no human-factors text" in out


def test_twelve_hour_clocks_dates_in_words_and_human_factors_prose(run_cli, tmp_path, git_user):
    target = tmp_path / "INC-2026-0302.yaml"
    code, out, err = _import(run_cli, DATA / "complete-12-hour-words.md", target)
    data = load_yaml_file(target).data
    assert data["summary"]["start"] == "2026-04-02T09:04:00-04:00"  # "April 2nd, 2026 at 9:04 AM EDT"
    assert data["summary"]["resolution"] == "2026-04-02T10:52:00-04:00"
    assert data["authors"] == ["@lena-vogt", "team-identity"]  # the document's Authors line wins over git
    assert [entry["time"] for entry in data["timeline"]][-2:] == ["10:40", "10:52"]
    actions = data["inputs"]["incident_data"]["response_actions"]
    assert actions[0] == {"time": "2026-04-02T09:25:00-04:00", "action": "paused the reset e-mail worker",
                          "responder": "@lena-vogt"}  # "Thursday, 2 April 2026 9:25 a.m. EDT - [@lena-vogt] ..."
    assert data["follow_ups"][0]["due"] == "2026-04-09" and data["follow_ups"][1]["tracking"] == "new"
    [factor] = data["blameless"]["human_factors"]
    assert factor["factor"].startswith("The certificate bundle was assembled by hand")
    assert factor["system_gap"].startswith("The runbook did not say") and factor["gap_type"] == "unclear-documentation"
    assert "blameless.human_factors[0]: read from the text" in out


def test_relative_only_detection_and_undated_items(run_cli, tmp_path, git_user):
    target = tmp_path / "INC-2026-0303.yaml"
    code, out, err = _import(run_cli, DATA / "complete-iana-relative-only.md", target)
    data = load_yaml_file(target).data
    assert data["summary"]["detection"] == "2026-03-14T10:13:00+01:00"  # "8 minutes after the start"
    assert "computed as start + 0:08" in out
    assert data["summary"]["timezone"] == "Europe/Berlin"
    assert [e["time"] for e in data["inputs"]["incident_data"]["events"]] == [
        "2026-03-14T10:02:00+01:00", "2026-03-14T10:05:00+01:00", "2026-03-14T10:13:00+01:00"]
    assert data["blameless"] == {"human_factors": []}  # "No human action was involved ..."


@pytest.mark.parametrize("edit, field, says", [
    ("09:12 UTC - 8 minutes after the start", "detection", "says 0:18 after the start"),
    ("09:50 UTC", "resolution", "says 0:18 after the start"),
])
def test_a_relative_annotation_that_disagrees_is_reported_never_guessed(run_cli, tmp_path, git_user, edit, field,
                                                                        says):
    text = (DATA / "complete-relative-times.md").read_text(encoding="utf-8")
    source = tmp_path / "rca.md"
    source.write_text(text.replace(edit, edit.replace("8 minutes", "18 minutes") if "minutes" in edit
                                   else edit + " (18 minutes after the start)"), encoding="utf-8")
    target = tmp_path / "INC-2026-0304.yaml"
    code, out, err = _import(run_cli, source, target)
    summary = load_yaml_file(target).data["summary"]
    assert summary[field] == {"detection": "2026-04-02T09:12:00Z", "resolution": "2026-04-02T09:50:00Z"}[field]
    assert says in out and "the timestamps are kept" in out


def test_re_import_updates_changed_sections_keeps_edits_and_bytes(run_cli, tmp_path, git_user):
    source = tmp_path / "rca.md"
    text = (DATA / "complete-relative-times.md").read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    folder = tmp_path / "postmortems"
    code, out, err = run_cli("import", str(source), "--dir", str(folder))
    [target] = list(folder.iterdir())
    edited = target.read_text(encoding="utf-8").replace("Throttle the snapshot volume monthly",
                                                        "Throttle the snapshot volume weekly")
    target.write_text(edited, encoding="utf-8")
    source.write_text(text.replace("85 support contacts and no SLA breach", "92 support contacts and no SLA breach"),
                      encoding="utf-8")
    code, out, err = run_cli("import", str(source), "--dir", str(folder))
    assert code == 0 and f"updated {target}" in err
    assert "re-import: changed impact" in out and "kept your edits to testing" in out
    after = target.read_text(encoding="utf-8")
    assert "92 support contacts" in after and "volume weekly" in after
    outside = [line for line in after.splitlines() if "92 support" not in line and "sha256" not in line
               and not line.startswith("    impact:")]
    assert set(outside) <= set(edited.splitlines())  # every other line kept byte for byte
    assert sorted(p.name for p in folder.iterdir()) == [target.name]


def test_output_names_the_id_and_an_imported_document_is_not_imported_twice(run_cli, tmp_path, git_user):
    source = DATA / "complete-relative-times.md"
    code, out, err = run_cli("import", str(source), "-o", str(tmp_path / "incident.yaml"))
    assert code == 2 and "name the file after the incident id" in err
    assert _import(run_cli, source, tmp_path / "INC-2026-0042.yaml")[0] == 0
    assert load_yaml_file(tmp_path / "INC-2026-0042.yaml").data["id"] == "INC-2026-0042"
    code, out, err = run_cli("import", str(source), "-o", str(tmp_path / "INC-2026-0043.yaml"))
    assert code == 2 and "already imported as" in err and not (tmp_path / "INC-2026-0043.yaml").exists()


def test_a_reused_source_path_with_another_title_is_not_taken_for_the_same_incident(run_cli, tmp_path, git_user):
    source = tmp_path / "rca.md"
    folder = tmp_path / "postmortems"
    source.write_text((DATA / "complete-relative-times.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("import", str(source), "--dir", str(folder))[0] == 0
    [first] = list(folder.iterdir())
    source.write_text((DATA / "complete-12-hour-words.md").read_text(encoding="utf-8"), encoding="utf-8")
    before = first.read_bytes()
    code, out, err = run_cli("import", str(source), "--dir", str(folder))
    assert code == 2 and "was imported before as" in err and first.read_bytes() == before
    code, out, err = run_cli("import", str(source), "-o", str(folder / "INC-2026-0900.yaml"))
    assert code == 0 and sorted(p.name for p in folder.iterdir()) == sorted([first.name, "INC-2026-0900.yaml"])
