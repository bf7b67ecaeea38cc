"""`postmortem import`: real-shaped RCA documents, their variations and malformed ones.

The fixtures in tests/data/rca/ are documents as teams write them from the RCA
prompt.  Every case writes a file (a partial one when the document is
incomplete), prints clear findings, and never raises.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postmortem_kit.core import load_yaml_file

DATA = Path(__file__).resolve().parents[1] / "data" / "rca"


def imported(run_cli, tmp_path: Path, name: str, *extra: str, incident_id: str = "INC-2026-0100"):
    target = tmp_path / f"{incident_id}.yaml"
    code, out, err = run_cli("import", str(DATA / name), "-o", str(target), *extra)
    assert "Traceback" not in out + err
    data = load_yaml_file(target).data if target.exists() else None
    if data is not None:
        data.pop("x-import", None)  # where the file came from (tests/integration/test_import_variations.py)
    return code, out, err, data


# A document in the exact layout of the RCA prompt -------------------------------------------------------

def test_prompt_layout_imports_as_a_clean_in_review_incident(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "prompt-layout.md", "--author", "@mara-okafor")
    assert code == 0, out + err
    assert data["id"] == "INC-2026-0100" and data["status"] == "in-review"
    assert data["authors"] == ["@mara-okafor"] and data["services"] == ["checkout-api"]
    assert data["title"].startswith("For 95 minutes on 14 March about 31% of checkout attempts failed")
    assert "title is taken from the executive summary" in out
    summary = data["summary"]
    assert summary == {
        "start": "2026-03-14T09:12:00+01:00", "detection": "2026-03-14T09:19:00+01:00",
        "resolution": "2026-03-14T10:47:00+01:00", "total_duration": "1:35", "severity": "SEV2",
        "severity_justification": "A core purchase flow failed for about a third of requests for over an hour, but "
                                  "browsing and order tracking kept working and no data was lost."}
    assert data["impact"]["downstream_systems"] == [
        {"system": "fulfilment-scheduler", "effect": "no new orders for 95 minutes, then a burst of 6,200 delayed orders"},
        {"system": "support-desk", "effect": "ticket queue grew from 40 to 1,910"}]
    assert data["root_cause"]["category"] == "configuration-error"
    assert data["root_cause"]["why_it_happened"].startswith("production and staging settings lived")
    assert len(data["contributing_factors"]) == 3
    assert [entry["time"] for entry in data["timeline"]] == ["09:02", "09:12", "09:19", "09:40", "10:05", "10:33", "10:47"]
    assert "action" not in data["timeline"][1]  # "None" is no action
    assert data["prevention"]["immediate"][0]["owner"] == "team-checkout"  # "Checkout Team"
    assert data["prevention"]["short_term"][1]["owner"] == "team-platform"  # "Platform Team"
    assert data["lesson"]["what_changed"] == ("Pool sizes now have enforced bounds and review, and readiness reflects "
                                              "pool saturation.")
    follow_ups = data["follow_ups"]
    assert [item["due"] for item in follow_ups] == ["2026-03-20", "2026-04-10", "2026-04-03", "2026-03-27", "2026-06-30"]
    assert [item["tracking"] for item in follow_ups] == ["OPS-4411", "OPS-4412", "new", "new", "OPS-4415"]
    assert set(data["communication"]["executive_summary"]) == {"what_failed", "root_cause", "prevention_cost"}
    assert data["communication"]["customer_statement"].startswith("On 14 March between 09:12 and 10:47 CET")
    assert data["blameless"]["human_factors"][0]["gap_type"] == "missing-safeguard"
    inputs = data["inputs"]
    assert inputs["incident_data"]["notes"].startswith("09:02 CET deploy checkout-api")  # free text kept raw
    assert inputs["system_context"] == {
        "service": {"name": "Checkout API", "purpose": "takes payment and creates orders for the web and mobile shop"},
        "architecture": "microservices", "traffic_volume": "1.2M requests/day",
        "sla": {"uptime_percent": 99.95, "latency_ms": {"p50": 120, "p99": 800}}, "on_call_response_minutes": 5}
    assert "x-unplaced" not in data
    assert "0 unplaced item(s)" in err and "check: 0 error(s)" in err


def test_written_file_has_the_editor_schema_line_and_passes_check(run_cli, tmp_path):
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "postmortem.schema.json").write_text("{}")
    target = tmp_path / "postmortems" / "INC-2026-0100.yaml"
    code, out, err = run_cli("import", str(DATA / "prompt-layout.md"), "-o", str(target), "--author", "team-checkout")
    assert code == 0, out + err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/postmortem.schema.json\nid: INC-2026-0100\n")
    assert '  start: "2026-03-14T09:12:00+01:00"' in text
    assert run_cli("check", str(target))[0] == 0


def test_windows_line_ends_read_like_unix_ones(run_cli, tmp_path):
    raw = (DATA / "windows-line-ends.md").read_bytes()
    assert b"\r\n" in raw, "the fixture must keep its CRLF line ends (see tests/data/rca/.gitattributes)"
    _, _, _, unix = imported(run_cli, tmp_path, "prompt-layout.md", incident_id="INC-2026-0101")
    code, out, err, windows = imported(run_cli, tmp_path, "windows-line-ends.md", incident_id="INC-2026-0101",
                                       *("--force",))
    assert windows == unix


def test_lower_case_headings_missing_bold_star_bullets_and_tables(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "lowercase-variations.md")
    assert code == 0, out + err
    assert data["title"] == "Order notifications delayed overnight after a broker disk filled"  # "Postmortem:" dropped
    assert data["authors"] == ["team-data-platform", "@priya-raman"]
    assert data["tags"] == ["messaging", "disk", "capacity"]
    assert data["summary"]["start"] == "2026-05-20T23:51:00Z" and data["summary"]["timezone"] == "UTC"
    assert data["summary"]["detection"] == "2026-05-21T03:58:00Z"
    assert data["summary"]["severity"] == "SEV3"
    assert data["summary"]["severity_justification"].startswith("moderate – no orders were lost")
    # The stated duration (6 hours 10 minutes) disagrees with resolution - start: reported, recomputed.
    assert data["summary"]["total_duration"] == "6:21"
    assert "Total Duration says 6:10 but resolution - start is 6:21; wrote 6:21" in out
    assert data["impact"]["user_experience"] == ("Customers placed orders but received no confirmation e-mail for up "
                                                 "to six hours. Some contacted support or placed duplicate orders.")
    assert [item["system"] for item in data["impact"]["downstream_systems"]] == ["notifications", "analytics-warehouse"]
    assert data["root_cause"]["category"] == "capacity-issue"
    assert [factor["how_it_contributed"][:15] for factor in data["contributing_factors"]] == [
        "The replay topi", "Most replay par"]
    timeline = data["timeline"]
    assert [entry["time"] for entry in timeline] == ["22:40", "23:51", "03:58", "04:20", "06:12"]
    assert timeline[2]["date"] == "2026-05-21" and "date" not in timeline[3]
    assert "crossed midnight" not in out and "read as 2026-05-21 (date added)" in out
    assert "action" not in timeline[0] and "action" not in timeline[1]  # "None" and "-"
    assert data["prevention"]["long_term"][1]["owner"] == "team-sre"
    assert data["monitoring"]["missing_alert"] == "Predicted disk full within 2 hours on any broker."
    assert data["lesson"]["why_it_matters"].startswith("Defaults decide")
    assert [item["due"] for item in data["follow_ups"]][1] == "2026-06-19"  # "19 June 2026"
    assert data["follow_ups"][1]["tracking"] == "#212"
    assert data["communication"] == {"executive_summary": {
        "what_failed": "Order confirmation and shipping e-mails were delayed by up to six hours for about 41,000 "
                       "customers overnight.",
        "root_cause": "A data job was allowed to keep unlimited data and filled the storage of one message server.",
        "prevention_cost": "The fixes take about three engineer-weeks, against roughly EUR 9,000 in vouchers each "
                           "time it recurs."}}  # "Customer communication: Not required." leaves no statement
    assert data["blameless"] == {"human_factors": []}


# Input blocks only: a draft ready for `postmortem draft` -----------------------------------------------

def test_input_blocks_only_become_a_draft(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "inputs-only.md")
    assert code == 0, out + err
    assert data["status"] == "draft" and data["services"] == ["search-api"]
    assert set(data) == {"id", "title", "status", "services", "inputs"}
    notes = data["inputs"]["incident_data"]["notes"]
    assert notes.startswith("14:05 PDT search-api 4.18.0 rolled out") and notes.endswith("checkout unaffected.")
    assert data["inputs"]["system_context"]["service"] == {
        "name": "search-api", "purpose": "full-text product search for the shop and partner API"}
    assert data["inputs"]["system_context"]["on_call_response_minutes"] == 10
    assert "draft/missing-sections" in out  # the check's notice: what `postmortem draft` will fill
    text = (tmp_path / "INC-2026-0100.yaml").read_text(encoding="utf-8")
    stubs = [line.split()[2] for line in text.splitlines() if line.startswith("# stub: ")]
    assert len(stubs) == 12 and stubs[0] == "summary" and stubs[-1] == "blameless"  # where each draft goes


def test_a_filled_in_prompt_imports_its_inputs_and_ignores_the_template(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "filled-prompt.md")
    assert code == 0, out + err
    assert data["status"] == "draft"
    assert data["inputs"]["system_context"]["sla"] == {"uptime_percent": 99.9, "latency_ms": {"p99": 2000}}
    assert "x-unplaced" not in data and set(data) == {"id", "title", "status", "services", "inputs"}


def test_structured_incident_data_becomes_structured_inputs(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "structured-inputs.md")
    assert code == 0, out + err
    assert data["status"] == "draft" and data["authors"] == ["@ana-silva"]
    incident = data["inputs"]["incident_data"]
    assert incident["events"] == [
        {"time": "2026-07-02T16:18:00+02:00", "event": "DNS outage begins", "source": "provider status page"},
        {"time": "2026-07-02T16:24:00+02:00", "event": "LoginSuccessRateLow paged on-call", "source": "pager"}]
    assert incident["logs"][0]["source"] == "auth-gateway"
    assert incident["logs"][0]["excerpt"].count("SERVFAIL") == 2
    assert incident["metrics"] == [{"name": "login success rate", "observation": "12% (baseline 97%)",
                                    "time": "2026-07-02T16:30:00+02:00"}]
    assert incident["alerts"][0] == {"time": "2026-07-02T16:24:00+02:00", "name": "LoginSuccessRateLow",
                                     "details": "login success 12% (baseline 97%)"}
    assert incident["response_actions"][0]["responder"] == "@ana-silva"
    assert incident["notes"] == "Timeline:\n- sometime after 17:00 the provider recovered"  # kept, not dropped
    assert data["inputs"]["system_context"]["sla"] == {"uptime_percent": 99.9}


def test_an_unreadable_incident_data_part_is_kept_as_raw_notes(run_cli, tmp_path):
    source = tmp_path / "rca.md"
    source.write_text('### INCIDENT DATA\n"""\nEvents:\n- 2026-07-02 16:18 CEST outage begins\n- yesterday lunch\n'
                      'Alerts:\n- 2026-07-02 16:24 CEST LoginSuccessRateLow\n"""\n', encoding="utf-8")
    code, out, err = run_cli("import", str(source), "-o", str(tmp_path / "INC-2026-0100.yaml"))
    data = load_yaml_file(tmp_path / "INC-2026-0100.yaml").data["inputs"]["incident_data"]
    assert data["alerts"] == [{"time": "2026-07-02T16:24:00+02:00", "name": "LoginSuccessRateLow"}]
    assert data["notes"] == "Events:\n- 2026-07-02 16:18 CEST outage begins\n- yesterday lunch"
    assert "INCIDENT DATA part 'Events' kept as raw notes" in out and ":5:1:" in out


# Malformed documents: a clear message and a partial result --------------------------------------------

def test_missing_sections_are_named_and_the_partial_file_is_written(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "missing-sections.md")
    assert code == 1
    assert data["status"] == "in-review" and set(data) >= {"summary", "root_cause", "timeline"}
    for heading in ("CUSTOMER IMPACT ANALYSIS", "PREVENTION MEASURES", "FOLLOW-UP ACTIONS"):
        assert f"warning import/missing-section no {heading} section" in out
    # blameless is required only when a human action is part of the cause: a notice, not a warning
    assert "notice import/missing-section no human-factors text (BLAMELESS ANALYSIS)" in out
    assert "the ROOT CAUSE IDENTIFICATION section gave no contributing_factors" in out
    assert "error schema/required section `impact` is required" in out  # the check's findings follow


def test_two_sections_with_the_same_heading(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "duplicate-section.md")
    assert code == 1
    assert "duplicate-section.md:13:1: warning import/duplicate-section a second TIMELINE RECONSTRUCTION section " \
           "(the first starts at line 9)" in out
    assert [entry["time"] for entry in data["timeline"]] == ["14:00", "14:06"]
    assert data["x-unplaced"] == [{"section": "TIMELINE RECONSTRUCTION", "text": (
        "14:30 - Request rate per prefix reduced - Error rate falling - Upload keys spread over more prefixes\n"
        "14:50 - Error rate back to baseline - Normal operation - Incident resolved")}]
    assert data["summary"]["timezone"] == "Europe/Berlin" and data["summary"]["total_duration"] == "0:50"


def test_a_timeline_line_without_a_time_is_listed_not_dropped(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "timeline-without-time.md")
    assert code == 1
    assert len(data["timeline"]) == 3
    assert data["x-unplaced"] == [{"section": "TIMELINE RECONSTRUCTION",
                                   "text": "- Around then the database CPU climbed to 95%."}]
    assert ("timeline-without-time.md:11:1: warning import/unplaced TIMELINE RECONSTRUCTION: a timeline line without "
            "a time (HH:MM)") in out
    assert "1 unplaced item(s) kept under x-unplaced" in err


def test_a_time_zone_that_is_not_one(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "bad-timezone.md")
    assert code == 1
    assert ("bad-timezone.md:4:1: error import/timezone Start Time: 'XYZ' is not a time zone; use an IANA name "
            "(Europe/Berlin), an offset (+01:00) or a known abbreviation (UTC, CET, PST)") in out
    assert data["summary"]["start"] == "2026-04-07 08:15 XYZ"  # kept in place; the check points at it
    assert "error schema/pattern '2026-04-07 08:15 XYZ' is not a timestamp" in out


def test_times_without_a_zone_ask_for_one(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "no-timezone.md")
    assert code == 1
    assert "Start Time: '2026-04-07 08:15' states no time zone" in out and "--timezone ZONE" in out
    assert data["summary"]["start"] == "2026-04-07 08:15"

    code, out, err, data = imported(run_cli, tmp_path, "no-timezone.md", "--timezone", "Europe/Berlin", "--force")
    assert "states no time zone" not in out
    assert data["summary"]["start"] == "2026-04-07T08:15:00+02:00" and data["summary"]["timezone"] == "Europe/Berlin"
    assert data["summary"]["total_duration"] == "1:50"

    code, out, err, data = imported(run_cli, tmp_path, "no-timezone.md", "--timezone", "CET", "--force")
    assert data["summary"]["start"] == "2026-04-07T08:15:00+01:00" and "timezone" not in data["summary"]


def test_an_unknown_timezone_option_is_a_usage_error(run_cli, tmp_path):
    code, out, err = run_cli("import", str(DATA / "no-timezone.md"), "-o", str(tmp_path / "INC-2026-0100.yaml"),
                             "--timezone", "Mars/Olympus_Mons")
    assert code == 2 and "--timezone 'Mars/Olympus_Mons' is not a time zone" in err
    assert not (tmp_path / "INC-2026-0100.yaml").exists()


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "nothing to import"),
    (b"Just some notes about an outage.\nNothing structured here.\n", "nothing to import"),
    (b"### INCIDENT SUMMARY\n\x00\x01binary", "binary file"),
    (b"### INCIDENT SUMMARY\n- Start Time: caf\xe9\n", "not valid UTF-8"),
    (b"x" * (4 * 1024 * 1024 + 10), "larger than 4 MiB"),
])
def test_unusable_input_writes_nothing(run_cli, tmp_path, content, message):
    source = tmp_path / "rca.md"
    if content is not None:
        source.write_bytes(content)
    target = tmp_path / "INC-2026-0100.yaml"
    code, out, err = run_cli("import", str(source), "-o", str(target))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


def test_a_directory_is_not_a_document(run_cli, tmp_path):
    code, out, err = run_cli("import", str(tmp_path), "-o", str(tmp_path / "INC-2026-0100.yaml"))
    assert code == 2 and "is a directory" in err


# Ids, output files, formats ----------------------------------------------------------------------------

def test_id_comes_from_the_output_name_then_id_then_next_free(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / "INC-2026-0007.yaml").write_text("id: INC-2026-0007\n")
    code, out, err = run_cli("import", str(DATA / "missing-sections.md"))
    assert "wrote postmortems/INC-2026-0008.yaml" in err  # next free id of the start's year
    code, out, err = run_cli("import", str(DATA / "missing-sections.md"), "--id", "INC-2026-0042")
    assert code == 2 and "already imported as postmortems/INC-2026-0008.yaml" in err  # never a duplicate
    code, out, err = run_cli("import", str(DATA / "missing-sections.md"), "--id", "INC-2026-0042", "--force")
    assert (tmp_path / "postmortems" / "INC-2026-0042.yaml").exists()
    code, out, err = run_cli("import", str(DATA / "missing-sections.md"), "-o", "elsewhere/INC-2025-0003.yaml",
                             "--force")
    assert load_yaml_file(tmp_path / "elsewhere" / "INC-2025-0003.yaml").data["id"] == "INC-2025-0003"
    code, out, err = run_cli("import", str(DATA / "missing-sections.md"), "-o", "x/INC-2026-0001.yaml",
                             "--id", "INC-2026-0002")
    assert code == 2 and "differs from the output file name" in err
    assert run_cli("import", str(DATA / "missing-sections.md"), "--id", "BUG-7")[0] == 2


def test_never_overwrites_without_force(run_cli, tmp_path):
    target = tmp_path / "INC-2026-0100.yaml"
    target.write_text("keep me")
    code, out, err = run_cli("import", str(DATA / "inputs-only.md"), "-o", str(target))
    assert code == 2 and "already exists" in err and target.read_text() == "keep me"
    code, out, err = run_cli("import", str(DATA / "inputs-only.md"), "-o", str(target), "--force")
    assert code == 0 and load_yaml_file(target).data["status"] == "draft"


def test_standard_output_and_json_findings(run_cli, tmp_path):
    code, out, err = run_cli("import", str(DATA / "timeline-without-time.md"), "-o", "-", "--id", "INC-2026-0100",
                             "--format", "json")
    assert code == 1
    assert out.startswith("# yaml-language-server: $schema=") and "id: INC-2026-0100" in out
    findings = json.loads(err[:err.rindex("]") + 1])
    assert any(f["rule"] == "import/unplaced" and f["line"] == 11 for f in findings)


def test_the_document_title_line_may_name_an_id(run_cli, tmp_path):
    source = tmp_path / "rca.md"
    source.write_text((DATA / "missing-sections.md").read_text().replace("# Payment", "# INC-2026-0003: Payment"))
    code, out, err = run_cli("import", str(source), "-o", str(tmp_path / "INC-2026-0100.yaml"))
    assert "the document names itself INC-2026-0003; written as INC-2026-0100" in out
    assert load_yaml_file(tmp_path / "INC-2026-0100.yaml").data["title"] == \
        "Payment webhooks rejected after a certificate rotation"


def test_status_option_and_document_status(run_cli, tmp_path):
    code, out, err, data = imported(run_cli, tmp_path, "missing-sections.md", "--status", "draft")
    assert data["status"] == "draft" and "import/missing-section" not in out
    assert "schema/required" not in out  # a draft may leave the analysis out


def test_the_recheck_prints_blameless_findings_too(run_cli, tmp_path):
    source = tmp_path / "rca.md"
    source.write_text((DATA / "prompt-layout.md").read_text(encoding="utf-8").replace(
        "- Factor 1: The readiness probe checked database reachability but not pool saturation.",
        "- Factor 1: The on-call engineer carelessly ignored the warning."), encoding="utf-8")
    target = tmp_path / "INC-2026-0100.yaml"
    code, out, err = run_cli("import", str(source), "-o", str(target), "--author", "@mara-okafor")
    assert code == 1 and target.exists()
    blameless = [line for line in out.splitlines() if " blameless/" in line]
    assert blameless and all(line.startswith(f"{target}:") for line in blameless)
