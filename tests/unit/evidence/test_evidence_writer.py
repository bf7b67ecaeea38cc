"""Insertion-only writing: every byte a person wrote stays; the result reads back as old data plus new entries."""

from __future__ import annotations

import pytest

from postmortem_kit.core import load_yaml_text
from postmortem_kit.evidence import EvidenceError, insert_entries

EVENT = {"time": "2026-03-14T09:05:00+00:00", "event": "pool exhausted: 503 errors", "source": "logs/log a.log#1"}
ALERT = {"time": "2026-03-14T09:07:00+00:00", "name": "HighErrors", "details": "ratio: 23%", "source": "alertmanager/alert a.json#f@1"}
LOG = {"source": "logs/log app.jsonl#2lines@1", "excerpt": "line one\nline two\n"}

LAYOUTS = {
    "block lists with comments and a literal block last": """\
# a comment a person wrote
id: INC-2026-0042   # trailing comment
title: 'Checkout errors'
status: draft
inputs:
  incident_data:
    events:
    # flush-left list items (dash at the key's column)
    - time: "2026-03-14T09:00:00+00:00"
      event: typed
    logs:
      - source: app
        excerpt: |
          09:01 first line

          09:02 after a blank line
    # a comment after the logs
  system_context:
    architecture: monolith
summary_note_for_people: &x 1
""",
    "no incident_data yet": """\
id: INC-2026-0042
title: Checkout errors
status: draft
inputs:
  system_context:
    architecture: monolith
""",
    "no inputs at all, no final newline": "id: INC-2026-0042\ntitle: Checkout errors\nstatus: draft",
    "four-space indentation, CRLF": "id: INC-2026-0042\r\ninputs:\r\n    incident_data:\r\n        events:\r\n"
                                    "            -   time: '2026-03-14T09:00:00+00:00'\r\n                event: typed\r\n",
}


@pytest.mark.parametrize("name", [n for n in LAYOUTS if "&x" not in LAYOUTS[n]])
def test_insertion_keeps_every_byte(name):
    text = LAYOUTS[name]
    doc = load_yaml_text(text, "f.yaml")
    out = insert_entries(doc, {"events": [EVENT], "alerts": [ALERT], "logs": [LOG]})
    assert _is_insertion(text, out)
    data = load_yaml_text(out, "f.yaml").data["inputs"]["incident_data"]
    assert data["events"][-1] == EVENT and data["alerts"] == [ALERT] and data["logs"][-1] == LOG
    if "\r\n" in text:
        assert "\n" not in out.replace("\r\n", "")


def test_comments_and_literal_blocks_survive():
    text = LAYOUTS["block lists with comments and a literal block last"].replace("summary_note_for_people: &x 1\n", "")
    out = insert_entries(load_yaml_text(text, "f.yaml"), {"events": [EVENT], "logs": [LOG]})
    assert _is_insertion(text, out)
    logs = load_yaml_text(out, "f.yaml").data["inputs"]["incident_data"]["logs"]
    assert logs[0]["excerpt"] == "09:01 first line\n\n09:02 after a blank line\n"


@pytest.mark.parametrize("text, message", [
    ("id: INC-2026-0042\ninputs:\n  incident_data:\n    events: []\n", "flow list"),
    ("id: INC-2026-0042\ninputs: {incident_data: {events: []}}\n", "flow list"),
    ("id: INC-2026-0042\ninputs:\n  incident_data:\n    events: 3\n", "is not a list"),
])
def test_layouts_that_cannot_take_an_insertion_are_refused(text, message):
    with pytest.raises(EvidenceError, match=message):
        insert_entries(load_yaml_text(text, "f.yaml"), {"events": [EVENT]})


def test_a_block_scalar_that_keeps_trailing_lines_keeps_them():
    text = "id: INC-2026-0042\ninputs:\n  incident_data:\n    events:\n      - time: x\n        event: |+\n          kept\n\n"
    out = insert_entries(load_yaml_text(text, "f.yaml"), {"events": [EVENT]})
    assert _is_insertion(text, out) and load_yaml_text(out, "f.yaml").data["inputs"]["incident_data"]["events"][0]["event"] == "kept\n\n"


def _is_insertion(old: str, new: str) -> bool:
    """``old`` is ``new`` with some runs of characters removed (nothing replaced or reordered)."""
    import difflib

    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return all(op in ("equal", "insert") for op, *_ in ops)
