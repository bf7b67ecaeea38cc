"""Facts computed from an incident's inputs: times, durations, SLA budget, merged timeline."""

from __future__ import annotations

import copy

import pytest

from postmortem_kit.core import load_yaml_file
from postmortem_kit.incident import compute_facts
from support.draft_data import DRAFT_DATA


@pytest.fixture
def payments():
    return load_yaml_file(DRAFT_DATA / "INC-2026-0101.yaml").data


def test_times_are_read_from_the_inputs(payments):
    facts = compute_facts(payments)
    assert facts.summary_fields() == {
        "start": "2026-04-07T10:05:00+02:00",  # first error-level log line (the deploy at 10:02 is a trigger)
        "detection": "2026-04-07T10:12:00+02:00",  # first alert (the 10:09 customer report comes from outside)
        "resolution": "2026-04-07T10:58:00+02:00",  # last recovery event
        "total_duration": "0:53",
    }
    assert int(facts.time_to_detect.total_seconds()) == 7 * 60
    assert "first error-level log line of payments-api" in facts.start.basis
    assert "PaymentsErrorRateHigh" in facts.detection.basis


def test_sla_budget_of_the_incident_month(payments):
    facts = compute_facts(payments)
    assert facts.sla.month == "2026-04" and facts.sla.month_minutes == 30 * 1440
    assert facts.sla.budget_minutes == pytest.approx(21.6)
    assert facts.sla.consumed_minutes == 53
    assert facts.sla.sentence().startswith("53 minutes of impact consumed 245% of the 21.6-minute monthly error budget")


def test_ninety_five_minutes_against_99_95_percent_in_march():
    data = {"inputs": {"system_context": {"sla": {"uptime_percent": 99.95}}},
            "summary": {"start": "2026-03-14T09:12:00+01:00", "detection": "2026-03-14T09:19:00+01:00",
                        "resolution": "2026-03-14T10:47:00+01:00", "timezone": "Europe/Berlin"}}
    facts = compute_facts(data)
    assert facts.sla.consumed_minutes == 95
    assert facts.sla.budget_minutes == pytest.approx(31 * 1440 * 0.0005)  # 22.32 minutes
    assert round(facts.sla.consumed_ratio * 100) == 426
    assert facts.summary_fields()["timezone"] == "Europe/Berlin"


def test_a_written_summary_is_authoritative(payments):
    data = copy.deepcopy(payments)
    data["summary"] = {"start": "2026-04-07T10:04:00+02:00", "detection": "2026-04-07T10:12:00+02:00",
                       "resolution": "2026-04-07T11:00:00+02:00"}
    facts = compute_facts(data)
    assert facts.summary_fields()["start"] == "2026-04-07T10:04:00+02:00"
    assert facts.summary_fields()["total_duration"] == "0:56"
    assert facts.start.basis == "the written summary"


def test_merged_sorted_timeline_from_events_alerts_logs_responses_and_metrics(payments):
    facts = compute_facts(payments)
    lines = facts.timeline_lines()
    assert [line[:5] for line in lines] == ["10:02", "10:05", "10:05", "10:09", "10:12", "10:14", "10:20", "10:41",
                                            "10:58"]
    assert "[2 similar lines until 10:31]" in lines[1]  # repeated log lines become one point
    kinds = [point.kind for point in facts.timeline]
    assert set(kinds) == {"event", "log", "alert", "response", "metric"}
    assert not any("INFO" in point.text for point in facts.timeline)  # routine log lines are not events


def test_an_incident_across_midnight_without_a_recovery_event():
    data = load_yaml_file(DRAFT_DATA / "INC-2026-0102.yaml").data
    facts = compute_facts(data)
    assert facts.summary_fields() == {"start": "2026-06-30T23:47:00+00:00",
                                      "detection": "2026-07-01T02:20:00+00:00"}
    assert facts.resolution is None and facts.total_duration is None and facts.sla is None
    assert "resolution: unknown (not computable from the inputs)" in facts.lines()
    assert facts.timeline_slots() == [(None, "23:10"), (None, "23:47"), ("2026-07-01", "02:20")]
    # Log lines without an offset ("[2026-06-30 23:47:05,112]") are read in the incident's offset.
    assert facts.timeline[1].at.isoformat() == "2026-06-30T23:47:00+00:00"


def test_detection_falls_back_to_reports_then_responses():
    data = {"inputs": {"incident_data": {
        "events": [{"time": "2026-05-01T08:00:00Z", "event": "customers report timeouts on login"}],
        "response_actions": [{"time": "2026-05-01T07:58:00Z", "action": "restarted a pod"}]}}}
    facts = compute_facts(data)
    assert facts.detection.at.isoformat() == "2026-05-01T08:00:00+00:00"
    del data["inputs"]["incident_data"]["events"]
    facts = compute_facts(data)
    assert facts.detection.at.isoformat() == "2026-05-01T07:58:00+00:00"
    assert "first response action" in facts.detection.basis


def test_start_is_never_after_detection():
    data = {"inputs": {"incident_data": {
        "alerts": [{"time": "2026-05-01T08:00:00Z", "name": "LatencyHigh"}],
        "logs": [{"excerpt": "2026-05-01T08:03:00Z ERROR upstream timeout"}]}}}
    facts = compute_facts(data)
    assert facts.start.at == facts.detection.at


def test_named_zone_converts_offsets(payments):
    data = copy.deepcopy(payments)
    data["summary"] = {"timezone": "America/New_York"}
    facts = compute_facts(data)
    assert facts.summary_fields()["start"] == "2026-04-07T04:05:00-04:00"
    assert facts.zone_label() == "America/New_York"


def test_empty_inputs_give_no_facts():
    facts = compute_facts({"id": "INC-2026-0001"})
    assert facts.summary_fields() == {} and facts.timeline == [] and facts.timeline_slots() == []
    assert facts.to_dict()["sla"] is None
