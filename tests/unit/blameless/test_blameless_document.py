"""The blameless check of incident files: prose fields only, exact positions, severity, suppression."""

from __future__ import annotations

import json

import pytest

from postmortem_kit.blameless import find_blame, prose_items
from postmortem_kit.core import load_yaml_file, load_yaml_text
from postmortem_kit.incident import prose_strings
from support.examples import COMPLETE, edited, example_text, write_incident

PRIMARY = "    The database connection pool of checkout-api was capped at 5 connections per pod instead\n"
SEVERITY_LINE = "    A core purchase flow failed for about a third of requests for over an hour,\n"


def blame(text: str, status: str = "published"):
    doc = load_yaml_text(text, "INC-2026-0001.yaml")
    return [f for f in find_blame(doc, doc.path, status) if f.rule != "blameless/suppression"]


def position_of(text: str, phrase: str) -> tuple[int, int]:
    index = text.index(phrase)
    line = text.count("\n", 0, index) + 1
    return line, index - text.rfind("\n", 0, index)


def test_examples_are_clean():
    for incident_id in ("INC-2026-0001", "INC-2026-0002", "INC-2026-0003", "INC-2026-0004"):
        doc = load_yaml_text(example_text(incident_id), f"{incident_id}.yaml")
        assert find_blame(doc, doc.path, "published") == []


def test_prose_walk_matches_the_schema_helper():
    for incident_id in ("INC-2026-0001", "INC-2026-0002", "INC-2026-0003", "INC-2026-0004"):
        data = load_yaml_text(example_text(incident_id)).data
        assert prose_items(data) == list(prose_strings(data))


@pytest.mark.parametrize("old, new, phrase, field", [
    # folded block scalar
    (PRIMARY, "    The operator error left the pool of checkout-api capped at 5 connections per pod instead\n",
     "operator error", "root_cause.primary"),
    # plain scalar
    ("  dashboard_update: Pool active, idle and waiting counts per pod next to request error rate.",
     "  dashboard_update: Pool counts per pod, which the on-call engineer failed to notice.",
     "failed to notice", "monitoring.dashboard_update"),
    # double-quoted scalar with an escape before the phrase
    ("  test_scenario: Start-up and load test with production configuration values, including pool sizes.",
     '  test_scenario: "Start-up \\"smoke\\" test; it was obvious that sizes mattered."',
     "obvious", "testing.test_scenario"),
    # single-quoted scalar with a doubled quote
    ("  chaos_experiment: Monthly experiment shrinking the pool on one pod to confirm the readiness probe removes it.",
     "  chaos_experiment: 'Monthly ''shrink'' experiment; anyone could have predicted the result.'",
     "anyone could have predicted", "testing.chaos_experiment"),
    # list item in the timeline
    ("    action: Decision to roll back rather than hot-fix the setting.",
     "    action: The incident commander should have rolled back sooner.",
     "should have rolled", "timeline[5].action"),
])
def test_findings_point_at_the_exact_phrase_in_every_scalar_style(old, new, phrase, field):
    text = edited(old, new)
    findings = blame(text)
    assert len(findings) == 1, findings
    finding = findings[0]
    assert finding.match == phrase
    assert finding.field == field
    assert (finding.line, finding.column) == position_of(text, phrase)
    assert finding.end_line == finding.line and finding.end_column == finding.column + len(phrase)
    assert finding.suggestion and finding.category and finding.rule.startswith("blameless/BL")


def test_literal_block_scalar_across_lines():
    text = edited("  customer_statement: >-\n", "  customer_statement: |-\n")
    text = text.replace("    No payment was taken for failed attempts, and we have added safeguards so that a\n",
                        "    No payment was taken; this was human\n    error, and we have added safeguards so that a\n")
    [finding] = blame(text)
    assert finding.match == "human\nerror"  # the value's text; the file has the block indentation
    assert (finding.line, finding.column) == position_of(text, "human\n    error")
    assert (finding.end_line, finding.end_column) == (finding.line + 1, len("    error") + 1)


def test_severity_follows_the_status():
    text = edited(PRIMARY, "    Human error capped the database connection pool of checkout-api at 5 connections per pod instead\n")
    assert [f.severity for f in blame(text, "published")] == ["error"]
    assert [f.severity for f in blame(text, "in-review")] == ["error"]
    assert [f.severity for f in blame(text, "draft")] == ["warning"]


def test_tone_rules_are_warnings_even_when_published():
    text = edited("  dashboard_update: Pool active, idle and waiting counts per pod next to request error rate.",
                  "  dashboard_update: Pool counts were missing again!!")
    [finding] = blame(text)
    assert finding.rule == "blameless/BL057" and finding.severity == "warning"


def test_only_prose_is_read():
    text = edited('        event: "deploy checkout-api v2026.03.14-1 (config: DB_POOL_MAX 50 -> 5)"',
                  '        event: "the operator error happened here, fat-fingered by @devon-lee"')
    text = text.replace('        responder: "@devon-lee"', '        responder: "@careless-human-error"', 1)
    assert blame(text) == []


def test_names_are_neutral_in_the_timeline_but_flagged_in_causes():
    neutral = edited("    action: Decision to roll back rather than hot-fix the setting.",
                     "    action: Devon and @mara-okafor decided to roll back rather than hot-fix the setting.")
    assert blame(neutral) == []
    cause = edited("  - description: The readiness probe checked database reachability but not pool saturation.",
                   "  - description: Devon's change left the readiness probe checking reachability only.")
    [finding] = blame(cause)
    assert finding.field == "contributing_factors[0].description"
    assert finding.rule in ("blameless/BL075", "blameless/BL070") and finding.match.startswith("Devon")
    handle = edited("  what_happened: A configuration change capped",
                    "  what_happened: A configuration change by @devon-lee capped")
    assert [f.match for f in blame(handle)] == ["@devon-lee"]


def test_a_person_as_the_root_cause_is_flagged():
    text = edited(PRIMARY, "    An engineer copied the pool size of checkout-api, capping it at 5 connections per pod instead\n")
    [finding] = blame(text)
    assert finding.rule == "blameless/BL076" and finding.match == "An engineer"


def test_file_suppressions_mark_findings_without_hiding_them():
    text = edited(PRIMARY, "    Human error capped the database connection pool of checkout-api at 5 connections per pod instead\n")
    text += "\nsuppressions:\n  - rule: BL001\n    reason: Quoting the vendor's own incident report verbatim.\n"
    [finding] = blame(text)
    assert finding.suppressed and finding.suppression == "Quoting the vendor's own incident report verbatim."
    assert finding.severity == "error"


def test_yaml_comment_and_inline_markers_suppress_one_field():
    text = edited("root_cause:\n  primary: >-\n",
                  "root_cause:\n  # blameless-ignore BL001: the customer's ticket used these words\n  primary: >-\n")
    text = text.replace(PRIMARY, "    Human error capped the database connection pool of checkout-api at 5 connections per pod instead\n")
    text = text.replace("  dashboard_update: Pool active, idle and waiting counts per pod next to request error rate.",
                        "  dashboard_update: Human error made the panels go stale.")
    findings = sorted(blame(text), key=lambda f: f.line)
    assert [(f.field, f.suppressed) for f in findings] == [("root_cause.primary", True),
                                                          ("monitoring.dashboard_update", False)]
    inline = edited("  dashboard_update: Pool active, idle and waiting counts per pod next to request error rate.",
                    '  dashboard_update: "Human error made panels stale. <!-- blameless-ignore BL001: quoting the report -->"')
    [finding] = blame(inline)
    assert finding.suppressed and finding.suppression == "quoting the report"


def test_bad_suppressions_are_reported():
    text = example_text() + "\nsuppressions:\n  - rule: BL999\n    reason: There is no such rule at all.\n"
    text = text.replace("  missing_alert:", "  # blameless-ignore BL001\n  missing_alert:")
    doc = load_yaml_text(text, "INC-2026-0001.yaml")
    problems = [f for f in find_blame(doc, doc.path, "published") if f.rule == "blameless/suppression"]
    messages = " | ".join(f.message for f in problems)
    assert "BL999" in messages and "needs a reason" in messages
    assert all(f.severity == "warning" for f in problems)


# ----------------------------------------------------------------- through `postmortem check`

def test_check_reports_blameless_findings_in_json(tmp_path, run_cli):
    text = edited(PRIMARY, "    The operator error left the pool of checkout-api capped at 5 connections per pod instead\n")
    path = write_incident(tmp_path, text)
    code, out, _ = run_cli("check", "--format", "json", str(path))
    findings = [f for f in json.loads(out) if f["rule"].startswith("blameless/")]
    assert code == 1 and len(findings) == 1
    finding = findings[0]
    for key in ("path", "line", "column", "end_column", "rule", "category", "match", "message", "suggestion", "severity"):
        assert finding[key] not in (None, ""), key
    assert (finding["line"], finding["column"]) == position_of(text, "operator error")
    code, out, _ = run_cli("check", "--format", "json", "--no-blameless", str(path))
    assert code == 0 and not [f for f in json.loads(out) if f["rule"].startswith("blameless/")]


@pytest.mark.parametrize("fmt, expected", [
    ("text", "blameless/BL001"),
    ("github", "::error file="),
    ("sarif", '"ruleId": "blameless/BL001"'),
])
def test_check_reports_blameless_findings_in_every_format(tmp_path, run_cli, fmt, expected):
    text = edited(PRIMARY, "    Human error capped the database connection pool of checkout-api at 5 connections per pod instead\n")
    path = write_incident(tmp_path, text)
    code, out, _ = run_cli("check", "--format", fmt, str(path))
    assert code == 1 and expected in out
    assert "Describe what made the action possible" in out  # the suggestion travels with the finding


def test_a_draft_only_warns(tmp_path, run_cli):
    text = example_text("INC-2026-0003").replace("status: draft", "status: draft", 1)
    text = text.replace("title: ", "title: Human error - ", 1)
    path = write_incident(tmp_path, text, "INC-2026-0003")
    code, out, _ = run_cli("check", "--format", "json", str(path))
    blame_findings = [f for f in json.loads(out) if f["rule"].startswith("blameless/")]
    assert blame_findings and {f["severity"] for f in blame_findings} == {"warning"}
    assert code == 0  # warnings do not fail the check (use --strict for that)
    assert load_yaml_file(path).data["id"] != COMPLETE
