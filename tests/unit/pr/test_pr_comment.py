"""The sticky comment: found by marker and the bot's login, edited in place, split under GitHub's
65,536-character limit, and drafts that have no anchor line shown as YAML blocks."""

from __future__ import annotations

import json

import pytest

from postmortem_kit.pr import COMMENT_LIMIT, pack, part_of
from support.github.fixtures import BOT_LOGIN
from support.pr_data import draft_incident, draft_path
from support.pr_scenario import PrScenario

DRAFT = draft_path(3)


@pytest.fixture
def scenario(github_emulator, tmp_path, monkeypatch):
    return PrScenario(github_emulator, tmp_path, monkeypatch)


def nested_edit(text: str) -> str:
    """Change one nested line in the middle of the file: no top-level key and not the last line in the diff."""
    return text.replace('observation: "35% baseline, 100% on all 24 pods from 14:07"',
                        'observation: "35% baseline, 100% on all 24 pods from 14:07 to 14:34"')


def test_someone_elses_comment_with_the_marker_is_never_touched(scenario, run_cli, github_emulator, github_api):
    scenario.open({DRAFT: draft_incident(3)})
    github_emulator.add_token("ghp_mallory0000000000000000000000000000", "mallory")
    mallory = github_api("ghp_mallory0000000000000000000000000000").get_repo(scenario.repo_name)
    pull = mallory.get_pull(scenario.issue.number)
    forged = "<!-- postmortem-kit:pr-comment -->\nApproved by the bot, merge now!"
    copy = pull.create_issue_comment(forged)
    fake = pull.create_review_comment(
        "<!-- postmortem-kit:suggestion key=000000000000000000000000 section=summary -->\nfake",
        scenario.head_sha, DRAFT, line=55, side="RIGHT")
    scenario.check(run_cli)
    assert scenario.post(run_cli)[0] == 0
    assert scenario.repo.comments[copy.id].body == forged
    assert fake.id in scenario.repo.review_comments  # not ours: kept although its key is not wanted
    mine = [c for c in scenario.comments() if c.user == BOT_LOGIN]
    assert len(mine) == 1 and mine[0].id != copy.id
    touched = [c for c in github_emulator.calls if c.method != "GET" and c.login == BOT_LOGIN]
    assert not [c for c in touched if str(copy.id) in c.path or str(fake.id) in c.path]


def test_a_duplicate_sticky_comment_of_ours_is_removed(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    scenario.post(run_cli)
    (first,) = [c for c in scenario.comments() if c.user == BOT_LOGIN]
    from support.github.state import IssueComment, next_id

    twin = IssueComment(next_id(), scenario.issue.number, first.body, BOT_LOGIN)  # e.g. left by an old crash
    scenario.repo.comments[twin.id] = twin
    code, out, _ = scenario.post(run_cli)
    assert code == 0
    assert [c.id for c in scenario.comments() if c.user == BOT_LOGIN] == [first.id]


def test_drafts_without_an_anchor_line_are_yaml_blocks_in_the_comment(github_emulator, tmp_path, monkeypatch, run_cli):
    scenario = PrScenario(github_emulator, tmp_path, monkeypatch, base_files={DRAFT: draft_incident(3)})
    scenario.open({DRAFT: nested_edit(draft_incident(3))})
    assert scenario.check(run_cli)[0] == 0
    (entry,) = json.loads(scenario.result.read_text())["files"]
    assert entry["anchor"] is None and len(entry["drafts"]) == 12
    code, out, _ = scenario.post(run_cli)
    assert code == 0 and scenario.review_comments() == []
    (sticky,) = [c for c in scenario.comments() if c.user == BOT_LOGIN]
    assert sticky.body.count("<details><summary>Drafted <code>") == 12
    assert "no line of this file's diff can anchor a suggestion that appends it" in sticky.body
    assert "```yaml\nroot_cause:\n" in sticky.body
    assert "12 as YAML below" in sticky.body


def test_a_long_report_is_split_over_several_comments_and_shrinks_again(github_emulator, tmp_path, monkeypatch,
                                                                       run_cli):
    numbers = range(100, 122)
    base = {draft_path(n): draft_incident(n) for n in numbers}
    scenario = PrScenario(github_emulator, tmp_path, monkeypatch, base_files=base)
    scenario.open({path: nested_edit(text) for path, text in base.items()})
    assert scenario.check(run_cli)[0] == 0
    code, out, _ = scenario.post(run_cli)
    assert code == 0, out
    parts = sorted((part_of(c.body), c) for c in scenario.comments() if c.user == BOT_LOGIN)
    assert len(parts) >= 2
    assert [number for number, _ in parts] == list(range(1, len(parts) + 1))
    assert all(len(c.body) < COMMENT_LIMIT for _, c in parts)
    assert f"This report continues in {len(parts) - 1} more comment" in parts[0][1].body
    assert sum(c.body.count("<details><summary>Drafted") for _, c in parts) == 22 * 12

    github_emulator.reset_calls()
    scenario.post(run_cli)
    assert github_emulator.stats().writes == 0

    keep = [draft_path(n) for n in list(numbers)[:3]]
    scenario.push({path: text for path, text in base.items() if path not in keep})  # reverted: out of the diff
    assert len(scenario.issue.pull.files) == 3
    scenario.check(run_cli, event="pull_request.synchronize.1")
    code, out, _ = scenario.post(run_cli)
    assert code == 0
    mine = [c for c in scenario.comments() if c.user == BOT_LOGIN]
    assert len(mine) == 1 and part_of(mine[0].body) == 1 and mine[0].id == parts[0][1].id
    assert "old parts removed" in out


def test_pack_trims_a_block_too_long_for_one_comment_and_says_so():
    huge = "```yaml\n" + "line: x\n" * 20000 + "```"
    bodies, notes = pack(["head", huge, "tail"], "footer")
    assert all(len(body) < COMMENT_LIMIT for body in bodies)
    assert notes and "trimmed" in notes[0]
    assert "trimmed: too long for one comment" in "".join(bodies)
    assert "".join(bodies).count("```") % 2 == 0  # the cut fence was closed


def test_pack_stops_at_ten_comments_and_says_what_was_left_out():
    blocks = ["x" * 30_000 for _ in range(40)]
    bodies, notes = pack(blocks, "footer")
    assert len(bodies) == 10
    assert "left out: more than 10 comments would be needed" in bodies[-1]
    assert all(len(body) < COMMENT_LIMIT for body in bodies)
