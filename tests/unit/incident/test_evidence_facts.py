"""Evidence source labels and the facts they decide (detection: first alert, start: first symptom, resolution:
last resolve event), and that a written summary or untagged text still behaves as before."""

from __future__ import annotations

from postmortem_kit.incident import SourceLabel, compute_facts, evidence_times, parse_label


def test_label_round_trip_and_long_files_keep_their_id():
    label = SourceLabel("pagerduty", "resolve", "pd.json", "R0RESO0007")
    assert label.text() == "pagerduty/resolve pd.json#R0RESO0007"
    assert parse_label(label.text()) == label
    long = SourceLabel("slack", "message", "x" * 400 + ".zip:incidents/2026-03-14.json", "1773479200.000100")
    assert len(long.text()) == 200 and long.text().endswith("2026-03-14.json#1773479200.000100")
    assert parse_label(long.text()).id == "1773479200.000100"
    for other in ("chat", "deploy log", "TODO: deploy log, chat, pager", "slack/unknownrole f#1", None, "a/b " * 100):
        assert parse_label(other) is None


def _incident(**sections):
    return {"id": "INC-2026-0001", "title": "t", "status": "draft", "inputs": {"incident_data": sections}}


EVIDENCE = dict(
    events=[{"time": "2026-03-14T09:50:00+00:00", "event": "Alert X resolved", "source": "alertmanager/resolve a.json#f@1"},
            {"time": "2026-03-14T10:30:00+00:00", "event": "all clear, back to normal", "source": "slack/message s:c/d.json#1.2"}],
    alerts=[{"time": "2026-03-14T09:08:00+00:00", "name": "Late", "source": "alertmanager/alert a.json#g@2"},
            {"time": "2026-03-14T09:07:30+00:00", "name": "Page", "source": "pagerduty/alert pd.json#R1"}],
    response_actions=[{"time": "2026-03-14T09:52:00+00:00", "action": "Resolved", "source": "pagerduty/resolve pd.json#R7"}],
    metrics=[{"time": "2026-03-14T09:05:00+00:00", "name": "err", "observation": "crossed 0.01",
              "source": "prometheus/symptom p.json#err@crossed"}],
)


def test_evidence_decides_start_detection_and_resolution():
    start, detection, resolution = evidence_times(EVIDENCE)
    assert start[0].isoformat() == "2026-03-14T09:05:00+00:00" and "prometheus/symptom" in start[1]
    assert detection[0].isoformat() == "2026-03-14T09:07:30+00:00" and "pagerduty/alert pd.json#R1" in detection[1]
    assert resolution[0].isoformat() == "2026-03-14T09:52:00+00:00" and "pagerduty/resolve" in resolution[1]
    facts = compute_facts(_incident(**EVIDENCE))
    # the chat "all clear" at 10:30 would win by text alone; the resolve event decides
    assert (facts.start.at.isoformat(), facts.detection.at.isoformat(), facts.resolution.at.isoformat()) == (
        "2026-03-14T09:05:00+00:00", "2026-03-14T09:07:00+00:00", "2026-03-14T09:52:00+00:00")


def test_without_evidence_the_text_rules_apply_and_a_written_summary_wins():
    plain = {"events": [{"time": "2026-03-14T09:05:00+00:00", "event": "errors spiking"},
                        {"time": "2026-03-14T10:30:00+00:00", "event": "all clear, back to normal"}]}
    assert evidence_times(plain) == (None, None, None)
    facts = compute_facts(_incident(**plain))
    assert facts.resolution.at.isoformat() == "2026-03-14T10:30:00+00:00"
    data = _incident(**EVIDENCE)
    data["summary"] = {"start": "2026-03-14T09:00:00+00:00", "resolution": "2026-03-14T10:00:00+00:00"}
    facts = compute_facts(data)
    assert facts.start.basis == facts.resolution.basis == "the written summary"
    assert facts.detection.at.isoformat() == "2026-03-14T09:07:00+00:00"
