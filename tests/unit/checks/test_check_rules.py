"""`postmortem check`: the schema and the named rules, each pointing at the right line."""

from __future__ import annotations

import json

import pytest

from support.examples import DRAFT, edited, example_text, write_incident


def _check(run_cli, path, *extra):
    code, out, err = run_cli("check", "--format", "json", "--no-blameless", *extra, str(path))
    return code, json.loads(out), err


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_examples_pass(run_cli, examples_dir):
    code, out, err = run_cli("check", str(examples_dir))
    assert code == 0, out
    assert "error" not in out
    assert f"{DRAFT}.yaml:" in out and "draft/missing-sections" in out
    assert "4 files checked" in err


def test_draft_reports_missing_sections_as_one_notice(run_cli, examples_dir):
    code, findings, _ = _check(run_cli, examples_dir / f"{DRAFT}.yaml")
    assert code == 0
    [notice] = findings
    assert notice["severity"] == "notice" and "root_cause" in notice["message"]


def test_unknown_key_points_at_the_key_and_suggests(run_cli, tmp_path):
    text = edited("\nimpact:\n", "\nimpcat:\n")
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    assert code == 1
    unknown = [f for f in findings if f["rule"] == "schema/unknown-key"]
    assert unknown[0]["line"] == _line_of(text, "impcat:") and unknown[0]["column"] == 1
    assert "did you mean `impact`" in unknown[0]["message"]
    assert any(f["rule"] == "schema/required" and "impact" in f["message"] for f in findings)


def test_complete_status_requires_every_section(run_cli, tmp_path):
    text = edited("status: draft", "status: in-review", DRAFT)
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text, DRAFT))
    assert code == 1
    missing = {f["message"] for f in findings if f["rule"] == "schema/required"}
    assert "section `root_cause` is required once status is in-review or published" in missing
    assert len(missing) == 11  # every analysis section but blameless, required only with root_cause.human_action


def test_blameless_is_required_when_a_human_action_is_part_of_the_cause(run_cli, tmp_path):
    text = example_text()
    start = text.index("\nblameless:")
    end = text.index("\n", text.index("gap_type:", start))
    without = text[:start] + text[end:]
    code, findings, _ = _check(run_cli, write_incident(tmp_path, without))
    assert not [f for f in findings if f["rule"] == "schema/required"]
    flagged = without.replace("\n  why_not_caught:", "\n  human_action: true\n  why_not_caught:", 1)
    code, findings, _ = _check(run_cli, write_incident(tmp_path, flagged))
    assert code == 1 and any(f["rule"] == "schema/required" and "when a human action is part of the cause"
                             in f["message"] for f in findings)


def test_exactly_five_follow_ups(run_cli, tmp_path):
    text = example_text()
    start = text.index("  - action: Automatic rollback on post-deploy 5xx regression")
    end = text.index("\ncommunication:")
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text[:start] + text[end + 1:]))
    [count] = [f for f in findings if f["rule"] == "schema/item-count"]
    assert "exactly five follow-up actions" in count["message"] and "(found 4)" in count["message"]
    assert count["line"] == _line_of(text, "  - action: Enforce a production")


@pytest.mark.parametrize("old, new, rule, needle", [
    ('detection: "2026-03-14T09:19:00+01:00"', 'detection: "2026-03-14T09:02:00+01:00"', "times/order", "detection:"),
    ('resolution: "2026-03-14T10:47:00+01:00"', 'resolution: "2026-03-14T09:15:00+01:00"', "times/order", "resolution:"),
    ('total_duration: "1:35"', 'total_duration: "1:45"', "times/duration", "total_duration:"),
    ('start: "2026-03-14T09:12:00+01:00"', 'start: "2026-02-30T09:12:00+01:00"', "times/invalid", "start:"),
    ("timezone: Europe/Berlin", "timezone: Europe/Lisbon", "times/zone", "start:"),
    ("timezone: Europe/Berlin", "timezone: Mars/Olympus", "times/zone", "timezone:"),
    ('due: "2026-03-20"', 'due: "2026-03-01"', "followups/due-date", 'due: "2026-03-01"'),
    ("severity: SEV2", "severity: SEV5", "schema/enum", "severity: SEV5"),
    ('- time: "09:40"', '- time: "09:10"', "timeline/order", '- time: "09:10"'),
    ('- time: "09:40"', '- time: "9:40"', "schema/pattern", '- time: "9:40"'),
    ("tracking: \"#101\"", "tracking: ticket 101", "schema/pattern", "tracking: ticket 101"),
    ("category: configuration-error", "category: configuration", "schema/enum", "category: configuration"),
    ("on_call_response_minutes: 5", "on_call_response_minutes: five", "schema/type", "on_call_response_minutes: five"),
])
def test_rule_findings_point_at_the_value(run_cli, tmp_path, old, new, rule, needle):
    text = edited(old, new)
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    assert code == 1
    matching = [f for f in findings if f["rule"] == rule]
    assert matching, findings
    assert matching[0]["line"] == _line_of(text, needle), matching[0]


def test_enum_typo_gets_a_suggestion(run_cli, tmp_path):
    text = edited("category: configuration-error", "category: configuraton-error")
    _, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    assert "did you mean `configuration-error`" in findings[0]["message"]


def test_timeline_across_midnight_needs_a_date(run_cli, tmp_path, examples_dir):
    code, findings, _ = _check(run_cli, examples_dir / "INC-2026-0002.yaml")
    assert code == 0 and findings == []
    text = edited('  - date: "2026-05-21"\n    time: "03:58"', '  - time: "03:58"', "INC-2026-0002")
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text, "INC-2026-0002"))
    [order] = findings
    assert order["rule"] == "timeline/order"
    assert "add `date: 2026-05-21`" in order["message"]


def test_timeline_may_start_before_the_incident_and_last_days(run_cli, tmp_path):
    text = edited('  - time: "09:02"\n', '  - date: "2026-03-13"\n    time: "16:30"\n')
    text = text.replace('  - time: "09:12"\n', '  - date: "2026-03-14"\n    time: "09:12"\n', 1)
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    assert code == 0, findings


def test_file_name_must_match_id(run_cli, tmp_path):
    path = write_incident(tmp_path, example_text(), name="INC-2026-0099.yaml")
    code, findings, _ = _check(run_cli, path)
    assert [f["rule"] for f in findings] == ["id/file-name"]
    assert "rename the file to INC-2026-0001.yaml" in findings[0]["message"]


def test_ids_unique_across_folders(run_cli, tmp_path):
    write_incident(tmp_path / "2025", example_text())
    write_incident(tmp_path / "2026", example_text())
    code, findings, _ = _check(run_cli, tmp_path)
    assert code == 1
    [duplicate] = [f for f in findings if f["rule"] == "id/duplicate"]
    assert "2025" in duplicate["message"]


@pytest.mark.parametrize("placeholder", ["TODO", "[Name or team]", "<service-name>", "TBD", "[Timestamp with timezone]"])
def test_placeholders_rejected_in_non_draft(run_cli, tmp_path, placeholder):
    line = "verification: The alert's first link opens a dashboard showing the pool panels."
    text = edited(line, f'verification: "{placeholder} The alert\'s first link opens a dashboard."')
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    [leftover] = [f for f in findings if f["rule"] == "template/placeholder"]
    assert leftover["match"] == placeholder
    line = text.splitlines()[leftover["line"] - 1]
    assert line[leftover["column"] - 1:].startswith(placeholder)


def test_placeholders_allowed_in_draft_even_where_a_number_is_required(run_cli, tmp_path):
    text = example_text().replace("status: published", "status: draft")
    text = text.replace("users_affected: About 18,400 checkout", "users_affected: TODO(draft) About checkout")
    text = text.replace("18,400 checkout attempts from roughly 11,000 customers (31%", "checkout attempts (")
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    assert code == 0, findings


def test_log_excerpts_are_not_placeholder_checked(run_cli, tmp_path):
    text = edited("          2026-03-14T09:31:07+01:00 WARN", "          TODO <name> [Event] 2026-03-14T09:31:07+01:00 WARN")
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    assert code == 0, findings


def test_extension_keys_are_allowed(run_cli, tmp_path):
    text = example_text() + "x-jira-epic: OPS-12\n"
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    assert code == 0, findings


def test_unplaced_import_text_is_a_warning(run_cli, tmp_path):
    text = example_text() + "x-unplaced:\n  - section: TIMELINE RECONSTRUCTION\n    text: around noon - things got slow\n"
    code, findings, _ = _check(run_cli, write_incident(tmp_path, text))
    [warning] = findings
    assert (warning["rule"], warning["severity"]) == ("import/unplaced", "warning")
    assert warning["line"] == _line_of(text, "x-unplaced:") and code == 0
