"""Draft stubs: one `# stub: <section>` comment line per missing analysis section."""

from __future__ import annotations

import time

from postmortem_kit.core import load_yaml_text
from postmortem_kit.incident import analysis_sections, find_stubs, parse_stub, replace_stubs, stub_block, stub_line
from support.examples import DRAFT, example_text


def test_the_example_draft_has_a_stub_per_missing_section_on_separate_lines():
    text = example_text(DRAFT)
    stubs = find_stubs(text, analysis_sections())
    assert list(stubs) == list(analysis_sections())
    lines = sorted(stub.line for stub in stubs.values())
    assert all(b - a == 2 for a, b in zip(lines, lines[1:]))  # a blank line between: never adjacent


def test_stubs_are_comments_so_the_data_is_unchanged():
    block = stub_block(["root_cause", "lesson"])
    base = "id: INC-2026-0009\ninputs:\n  a: 1\n"
    assert load_yaml_text(base + "\n" + block).data == load_yaml_text(base).data
    assert stub_block([]) == ""


def test_parse_stub_names_only_well_formed_stub_lines():
    assert parse_stub(stub_line("root_cause")) == "root_cause"
    assert parse_stub("# stub: lesson") == "lesson"
    for line in ("  # stub: lesson", "# stub: Lesson", "#stub: lesson", "lesson: {}", "# stub: " + "a" * 300):
        assert parse_stub(line) is None


def test_replace_stubs_puts_each_section_on_its_own_stub_line():
    text = "id: x\n\n" + stub_block(["summary", "lesson"])
    out = replace_stubs(text, {"lesson": "lesson:\n  what_happened: y\n"})
    assert "# stub: lesson" not in out and "# stub: summary" in out
    assert load_yaml_text(out).data == {"id": "x", "lesson": {"what_happened": "y"}}


def test_finding_stubs_takes_linear_time_on_hostile_text():
    size = 200_000
    ordinary = ("    event: rollback complete, latency normal\n" * 5000)[:size]
    started = time.perf_counter()
    find_stubs(ordinary)
    baseline = time.perf_counter() - started
    for bad in ("# stub: " + "a" * size, ("# stub: a_" * 30 + "\n") * (size // 300), "# stub: " * (size // 8)):
        started = time.perf_counter()
        find_stubs(bad)
        assert time.perf_counter() - started < 20 * baseline + 0.05
