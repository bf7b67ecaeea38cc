"""The review checklist's parts: grounding marks, review criteria, section states, suggestion identity,
stub anchors (issue 20)."""

from __future__ import annotations

import time
from types import SimpleNamespace

from postmortem_kit.core import load_yaml_text
from postmortem_kit.pr import (
    Anchor,
    ChangedFile,
    Plan,
    Suggestion,
    SuggestionReport,
    evaluate,
    memory_markers,
    ours,
    plan,
    remembered_in,
    section_rows,
    slot_of,
    stub_anchors,
    ungrounded,
    value_hash,
)
from support.examples import COMPLETE, DRAFT, example_text


def test_figures_found_in_the_evidence_are_grounded_and_others_marked():
    evidence = [{"metrics": "p99 180 ms baseline, 10 s from 14:07:31; 62.5% of budget"}, {"total_duration": "0:27"}]
    draft = {"text": "p99 went from 180 ms to 10 s at 14:07 for 0:27, using 63% of the budget; 45 pods, 2 teams",
             "count": 1200}
    assert ungrounded(draft, evidence) == ["45", "1200"]  # 2 is below 10: not marked


def test_grounding_takes_linear_time_on_hostile_text():
    size = 100_000
    started = time.perf_counter()
    ungrounded({"t": "word " * (size // 5)}, ["x" * size])
    baseline = time.perf_counter() - started
    for bad in ("1." * (size // 2), "1:" * (size // 2), "9" * size, "1.1.1.1%" * (size // 8)):
        started = time.perf_counter()
        ungrounded({"t": bad}, [bad])
        assert time.perf_counter() - started < 20 * baseline + 0.1


def test_review_criteria_on_a_complete_incident_and_on_an_empty_draft():
    data = load_yaml_text(example_text(COMPLETE)).data
    results = {item["id"]: item["result"] for item in evaluate(data, [], None)}
    assert results["root-cause-depth"] == "reviewer"  # structure checked; depth is the reviewer's call
    assert results["follow-ups-actionable"] == "pass"
    assert results["timeline-evidence"] == "reviewer"  # no input times given
    empty = {item["id"]: item for item in evaluate({"id": "x"}, [], None)}
    assert {item["result"] for item in empty.values()} == {"fail"}
    times = evaluate({"timeline": [{"time": "14:05"}, {"time": "15:00"}]}, ["14:05  Event: deploy"], None)[-1]
    assert times["result"] == "fail" and "15:00" in times["detail"]


def _entry(**extra):
    entry = {"path": "postmortems/INC-2026-0009.yaml", "drafts": [], "dropped": [], "sections": {},
             "draft_error": None}
    entry.update(extra)
    return entry


def test_section_states_human_written_accepted_waiting_and_not_drafted():
    path = "postmortems/INC-2026-0009.yaml"
    accepted_value = {"what_happened": "x"}
    entry = _entry(sections={"summary": "aaaaaaaaaaaaaaaa", "lesson": value_hash(accepted_value)},
                   drafts=[{"section": "root_cause", "yaml": "root_cause: {}\n", "replaces": False,
                            "ungrounded": ["45"]}],
                   dropped=[{"section": "timeline", "reason": "the model said <b>no</b> @someone"}])
    suggestion = Suggestion(path, "root_cause", Anchor(30, "replace", "# stub: root_cause"), "root_cause: {}\n", None)
    report = SuggestionReport(created={suggestion.key})
    remembered = {(slot_of(path, "lesson"), value_hash(accepted_value))}
    rows = {name: (state, marks) for name, state, marks in
            section_rows(entry, Plan(suggestions=[suggestion]), report, remembered, "offline")}
    assert rows["summary"][0] == "written by a person"
    assert rows["lesson"][0] == "drafted, **accepted**"
    assert rows["root_cause"][0] == "drafted, **waiting**: suggestion on line 30" and "45" in rows["root_cause"][1]
    assert rows["timeline"][0].startswith("not drafted:") and "<b>" not in rows["timeline"][0]
    assert "`@someone`" in rows["timeline"][0]  # inert: a mention becomes a code span
    assert rows["impact"][0] == "missing"


def test_remembered_drafts_round_trip_through_the_comment_markers():
    pairs = {("0123456789abcdef", "fedcba9876543210"), ("1111111111111111", "2222222222222222")}
    assert remembered_in(["text " + memory_markers(pairs) + " more"]) == pairs


def test_our_suggestion_comments_are_known_by_author_and_a_slot_matching_their_path():
    path = "postmortems/INC-2026-0009.yaml"
    body = Suggestion(path, "lesson", Anchor(9, "replace", "# stub: lesson"), "lesson: {}\n", None).body

    def comment(login, where):
        return SimpleNamespace(user=SimpleNamespace(login=login), body=body, path=where)

    assert ours(comment("bot[bot]", path), "bot[bot]")[1] == "lesson"
    assert ours(comment("someone", path), "bot[bot]") is None  # copied marker, other author
    assert ours(comment("bot[bot]", "postmortems/other.yaml"), "bot[bot]") is None  # marker of another file's comment


def test_a_stub_outside_the_diff_gets_no_anchor_so_the_draft_falls_back():
    text = example_text(DRAFT)
    lines = text.splitlines()
    stub = next(n for n, line in enumerate(lines, 1) if line.startswith("# stub: lesson"))
    data = load_yaml_text(text).data
    value = {"what_happened": "x"}
    patch_with = f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join("+" + line for line in lines)
    patch_without = "@@ -1,2 +1,2 @@\n-x\n+" + lines[0] + "\n " + lines[1]
    anchors = stub_anchors(text, patch_with, data, {"lesson": value}, {"lesson": "lesson:\n  what_happened: x\n"})
    assert anchors == {"lesson": Anchor(stub, "replace", lines[stub - 1])}
    assert stub_anchors(text, patch_without, data, {"lesson": value}, {"lesson": "lesson:\n  what_happened: x\n"}) == {}


def test_a_redraft_of_an_accepted_section_is_not_offered_again():
    path = "postmortems/INC-2026-0009.yaml"
    value = {"what_happened": "TODO(draft): x"}
    entry = _entry(change="added", anchor=None, provenance=None, sections={"lesson": value_hash(value)},
                   drafts=[{"section": "lesson", "yaml": "lesson:\n  what_happened: y\n", "replaces": True}])
    result = {"files": [entry]}
    files = {path: ChangedFile(path, "added", None, "@@ -0,0 +1 @@\n+x")}
    remembered = {(slot_of(path, "lesson"), value_hash(value))}
    accepted = plan(result, files, set(), remembered)
    assert accepted.accepted == {(path, "lesson")} and not accepted.in_comment
    fresh = plan(result, files, set(), set())  # a section a person wrote: the re-draft is shown to paste over it
    assert (path, "lesson") in fresh.in_comment and not fresh.accepted


def test_a_forged_draft_anchor_that_is_not_its_stub_line_falls_back():
    path = "postmortems/INC-2026-0009.yaml"
    lines = ["id: x", "# stub: lesson (a drafted section replaces this line)", "title: y"]
    patch = "@@ -0,0 +1,3 @@\n" + "\n".join("+" + line for line in lines)
    entry = _entry(change="added", provenance=None, anchor={"line": 3, "mode": "insert", "text": "title: y"},
                   drafts=[{"section": "summary", "yaml": "summary:\n  a: b\n", "replaces": False,
                            "anchor": {"line": 2, "mode": "replace", "text": lines[1]}}])
    out = plan({"files": [entry]}, {path: ChangedFile(path, "added", None, patch)}, set())
    (suggestion,) = out.suggestions
    assert suggestion.anchor.mode == "insert"  # the lesson stub cannot carry the summary
    assert "stub line 2 is no longer part of the diff" in out.fallback[(path, "summary")]
