"""The YAML writer used by `postmortem import`: the examples' layout, exact read-back, determinism."""

from __future__ import annotations

import pytest

from postmortem_kit.core import load_yaml_file, load_yaml_text
from postmortem_kit.incident import load_schema
from postmortem_kit.incident.yaml_writer import _render, dump_incident
from support.examples import EXAMPLES

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/postmortem.schema.json"
EXAMPLE_FILES = sorted(EXAMPLES.glob("INC-*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_examples_are_written_in_their_own_layout(path):
    data = load_yaml_file(path).data
    text = dump_incident(data, schema_ref="../schema/postmortem.schema.json")
    assert text == _render(data, "../schema/postmortem.schema.json", quote_all=False)  # no fallback needed
    assert load_yaml_text(text).data == data
    assert text == dump_incident(data, schema_ref="../schema/postmortem.schema.json")  # deterministic
    lines = text.splitlines()
    assert lines[0] == SCHEMA_LINE and lines[1] == f"id: {data['id']}"
    top = [line.split(":")[0] for line in lines if line and not line[0].isspace() and not line.startswith("#")]
    order = list(load_schema()["properties"])
    assert top == sorted(top, key=order.index)
    for key in top:
        if isinstance(data[key], dict):
            assert lines[lines.index(f"{key}:") - 1] == "", f"no blank line before {key}"
    original = path.read_text(encoding="utf-8")
    for line in original.splitlines():  # the examples' quoting of times, dates and durations is kept
        if line.strip().startswith(("start:", "detection:", "resolution:", "due:", "total_duration:", "- time:")):
            assert line in lines


def test_summary_layout():
    text = dump_incident(load_yaml_file(EXAMPLES / "INC-2026-0001.yaml").data)
    assert '  total_duration: "1:35"' in text and "  severity: SEV2" in text
    assert 'authors: ["@mara-okafor", team-checkout]' in text
    assert "      latency_ms: {p50: 120, p99: 800}" in text
    assert "  severity_justification: >-\n    A core purchase flow" in text
    assert "        excerpt: |\n          2026-03-14T09:12:41+01:00 ERROR" in text
    assert '        responder: "@devon-lee"' in text


TRICKY = [
    "no", "yes", "on", "off", "null", "~", "true", "1:35", "22:30", "2026-01-05", "0o17", "0x1F", "1e3", ".inf",
    "#not a comment", "a: b", "a #b", "- dash", "? q", "@handle", "`tick`", "|pipe", ">fold", "%percent", "!bang",
    "*star", "&amp", "'single'", '"double"', "[flow]", "{flow}", "trailing:", " lead", "trail ", "two  spaces",
    "tab\there", "bell\x07", "line\u2028sep", "nbsp\u00a0x", "emoji 🎉", "back\\slash", "multi\nline", "multi\nline\n",
    "ends\n\n", "\nstarts", "  indented\nblock", "trailing spaces \nline", "x" * 300, ("word " * 60).strip(),
    "a" + " b" * 200, "\ufeffbom", "=", "<<",
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_any_string_reads_back_exactly(value):
    data = {
        "id": "INC-2026-0001", "title": value, "status": "draft", "tags": [value, "x"],
        "inputs": {"incident_data": {"notes": value, "customer_impact": value,
                                     "logs": [{"source": value, "excerpt": value}]}},
        "impact": {"user_experience": value, "downstream_systems": [{"system": value, "effect": value}]},
        "x-extra": {value: value},
    }
    text = dump_incident(data)
    assert load_yaml_text(text).data == data
    assert text == _render(data, None, quote_all=False)  # the readable style holds it; no fallback


def test_numbers_and_empty_collections():
    data = {"id": "INC-2026-0001", "title": "t", "status": "draft", "tags": [],
            "inputs": {"system_context": {"sla": {"uptime_percent": 99.0, "latency_ms": {"p99.9": 1.5}},
                                          "on_call_response_minutes": 0}},
            "blameless": {"human_factors": []}, "x-flags": {"a": True, "b": None, "c": float("inf")}}
    text = dump_incident(data)
    assert load_yaml_text(text).data == data
    assert "tags: []" in text and "human_factors: []" in text and "sla: {uptime_percent: 99.0, " not in text
