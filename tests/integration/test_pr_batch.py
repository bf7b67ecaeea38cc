"""Reviewing drafts (issue 20): each drafted section is a suggestion on its own stub line, so a
reviewer commits any set of them in one commit (GitHub's "Add suggestion to batch", applied by the
emulator as GitHub does); reruns re-anchor nothing accepted and leave no stale suggestion."""

from __future__ import annotations

import re

import pytest

from support.github.fixtures import BOT_LOGIN
from support.github.suggestion_batch import SuggestionError
from support.pr_data import draft_incident, draft_path
from support.pr_scenario import PrScenario

DRAFT = draft_path(3)
SECTIONS = ["summary", "impact", "root_cause", "contributing_factors", "timeline", "prevention", "monitoring",
            "testing", "lesson", "follow_ups", "communication", "blameless"]


@pytest.fixture
def scenario(github_emulator, tmp_path, monkeypatch):
    return PrScenario(github_emulator, tmp_path, monkeypatch)


def section_of(comment) -> str:
    return re.search(r"section=(\w+)", comment.body).group(1)


def live(scenario) -> dict[str, object]:
    """Our suggestion comments that can still be committed, by section (fails on a duplicate)."""
    found: dict[str, object] = {}
    for comment in scenario.review_comments():
        assert comment.user == BOT_LOGIN
        if comment.line is None:
            continue
        assert section_of(comment) not in found, f"duplicate suggestion for {section_of(comment)}"
        found[section_of(comment)] = comment
    return found


def sticky(scenario) -> str:
    (comment,) = [c for c in scenario.comments() if c.user == BOT_LOGIN]
    return comment.body


def run(scenario, run_cli, event="pull_request.synchronize.1") -> str:
    code, out, err = scenario.check(run_cli, event=event)
    assert code == 0, out + err
    code, out, err = scenario.post(run_cli)
    assert code == 0, out + err
    return out


def check_passes(run_cli, scenario) -> str:
    code, out, err = run_cli("check", str(scenario.workspace / DRAFT))
    assert code == 0, out + err
    assert "leftover-stub" not in out + err
    return out


def test_each_drafted_section_is_its_own_suggestion_on_its_stub_line(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3, stubs=True)})
    out = run(scenario, run_cli, event="pull_request.opened.1")
    suggestions = live(scenario)
    assert set(suggestions) == {*SECTIONS, "all_sections"}
    text = draft_incident(3, stubs=True).splitlines()
    lines = [suggestions[name].line for name in SECTIONS]
    assert len(set(lines)) == 12  # distinct, non-overlapping anchors
    for name in SECTIONS:
        assert text[suggestions[name].line - 1].startswith(f"# stub: {name} ")
        assert suggestions[name].start_line is None
    together = suggestions["all_sections"]
    assert (together.start_line, together.line) == (min(lines), max(lines))
    assert "suggestions: 13 offered (13 new, 0 already there), 1 of them combined (accept all)" in out
    body = sticky(scenario)
    assert "| `root_cause` | drafted, **waiting**: suggestion on line" in body
    assert "Review criteria (as the file would be with every waiting draft accepted):" in body
    assert "*instead of* the per-section ones" in body
    assert "⚠️ not in the evidence:" in body  # the offline impact draft names a 30-day month


def test_a_reviewer_accepts_all_twelve_sections_in_one_commit(scenario, run_cli, github_emulator):
    scenario.open({DRAFT: draft_incident(3, stubs=True)})
    run(scenario, run_cli, event="pull_request.opened.1")
    before = scenario.head_sha
    batch = [c for name, c in live(scenario).items() if name != "all_sections"]
    assert len(batch) == 12
    sha = scenario.apply_suggestions(batch)
    assert scenario.repo.git.commits[sha].parents == [before]  # exactly one commit
    text = scenario.repo.read_file("changes", DRAFT)
    assert "# stub:" not in text and text.count("\n\n\n") == 0
    check_passes(run_cli, scenario)

    github_emulator.reset_calls()
    out = run(scenario, run_cli)
    assert live(scenario) == {}  # nothing re-anchored: every section is in the file
    assert scenario.review_comments() == []  # the 13 outdated suggestions of ours are deleted
    assert "13 stale removed" in out
    body = sticky(scenario)
    assert body.count("drafted, **accepted**") == 12 and "waiting" not in body
    assert "```yaml" not in body  # no re-draft to paste

    github_emulator.reset_calls()
    out = run(scenario, run_cli)  # and a further run changes nothing
    assert github_emulator.stats().writes == 0, out


@pytest.mark.parametrize("chosen", [("summary", "impact", "root_cause"), ("timeline", "lesson", "blameless"),
                                    ("impact", "testing", "communication")])
def test_a_reviewer_accepts_any_three_sections_in_one_commit_then_the_rest(scenario, run_cli, github_emulator, chosen):
    scenario.open({DRAFT: draft_incident(3, stubs=True)})
    run(scenario, run_cli, event="pull_request.opened.1")
    first = live(scenario)
    before = scenario.head_sha
    sha = scenario.apply_suggestions([first[name] for name in chosen])
    assert scenario.repo.git.commits[sha].parents == [before]
    check_passes(run_cli, scenario)

    github_emulator.reset_calls()
    out = run(scenario, run_cli)
    now = live(scenario)
    rest = [name for name in SECTIONS if name not in chosen]
    assert set(now) == {*rest, "all_sections"}
    for name in rest:  # the waiting suggestions followed their lines: same comments, not posted again
        assert now[name].id == first[name].id
    assert now["all_sections"].id != first["all_sections"].id
    assert len(scenario.review_comments()) == 10  # no stale comment left
    assert "suggestions: 10 offered (1 new, 9 already there)" in out and "4 stale removed" in out
    body = sticky(scenario)
    assert body.count("drafted, **accepted**") == 3 and body.count("drafted, **waiting**") == 9

    scenario.apply_suggestions([now[name] for name in rest])
    run(scenario, run_cli)
    assert scenario.review_comments() == []
    assert sticky(scenario).count("drafted, **accepted**") == 12
    check_passes(run_cli, scenario)


def test_the_combined_suggestion_accepts_everything_and_cannot_be_batched_with_the_others(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3, stubs=True)})
    run(scenario, run_cli, event="pull_request.opened.1")
    suggestions = live(scenario)
    head = scenario.head_sha
    with pytest.raises(SuggestionError, match="overlap"):
        scenario.apply_suggestions([suggestions["all_sections"], suggestions["lesson"]])
    assert scenario.head_sha == head  # refused whole: nothing committed
    scenario.apply_suggestions([suggestions["all_sections"]])
    check_passes(run_cli, scenario)
    out = run(scenario, run_cli)
    assert scenario.review_comments() == [] and "13 stale removed" in out
    assert sticky(scenario).count("drafted, **accepted**") == 12


def test_a_section_without_a_stub_falls_back_to_the_shared_anchor_and_the_comment_says_so(scenario, run_cli):
    text = draft_incident(3, stubs=True).replace("# stub: lesson (a drafted section replaces this line)\n", "")
    scenario.open({DRAFT: text})
    run(scenario, run_cli, event="pull_request.opened.1")
    suggestions = live(scenario)
    assert set(suggestions) == {*SECTIONS, "all_sections"}
    assert not suggestions["lesson"].body.splitlines()[-2].startswith("# stub:")
    assert "replaces its stub line" not in suggestions["lesson"].body
    body = sticky(scenario)
    assert "No stub line in the diff for `lesson`" in body
    assert "| `lesson` | drafted, **waiting**: suggestion on line" in body and "(appended: the file has no stub" in body


def test_a_changed_draft_on_an_unchanged_stub_is_edited_in_place(scenario, run_cli, github_emulator):
    text = draft_incident(3, stubs=True)
    scenario.open({DRAFT: text})
    run(scenario, run_cli, event="pull_request.opened.1")
    first = {name: (c.id, c.body) for name, c in live(scenario).items()}
    scenario.push({DRAFT: text.replace('time: "2026-09-08T14:34:00-07:00"', 'time: "2026-09-08T14:36:00-07:00"')})
    out = run(scenario, run_cli)
    now = live(scenario)
    assert set(now) == set(first) and {name: c.id for name, c in now.items()} == {n: i for n, (i, _) in first.items()}
    changed = sorted(name for name, c in now.items() if c.body != first[name][1])
    assert "summary" in changed and "all_sections" in changed and "root_cause" not in changed
    assert f"{len(changed)} updated in place" in out and "stale removed" not in out
