"""Faults injected by the GitHub emulator while the pull-request job posts: lost responses (502),
secondary rate limits (403 with retry-after), suggestions GitHub refuses (422), a 10,000-file pull
request, and an API that fails part way.  Nothing is posted twice; every run ends with a summary."""

from __future__ import annotations

import io
import json

import pytest

from postmortem_kit.github import GitHubSettings, Pacer, WriteGate, connect
from postmortem_kit.pr import PostOptions, read_event, run_post
from support.github.fixtures import BOT_LOGIN, BOT_TOKEN
from support.github.state import PullFile
from support.pr_data import draft_incident, draft_path
from support.pr_scenario import PrScenario

DRAFT = draft_path(3)


@pytest.fixture
def scenario(github_emulator, tmp_path, monkeypatch):
    return PrScenario(github_emulator, tmp_path, monkeypatch)


def post(scenario, clock, *, max_wait: float = 120.0):
    """Stage 2 in-process, with writes paced and rate limits waited out on a virtual clock."""
    event = read_event(str(scenario.workflow_run_event()))
    gh = connect(GitHubSettings(token=BOT_TOKEN, api_url=scenario.emu.url, max_rate_limit_wait=max_wait)).withLazy(True)
    gate = WriteGate(Pacer(80, clock=clock.now, sleep=clock.sleep), max_rate_limit_wait=max_wait)
    out = io.StringIO()
    outcome = run_post(event, gh, PostOptions(results=[str(scenario.result)]), gate, out)
    return outcome, out.getvalue()


def sticky_comments(scenario):
    return [c for c in scenario.comments() if c.user == BOT_LOGIN]


@pytest.mark.parametrize("applied", [True, False], ids=["write-applied-response-lost", "write-not-applied"])
def test_a_502_on_the_comment_post_never_posts_twice(scenario, run_cli, github_emulator, virtual_clock, applied):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    github_emulator.fail_next(502, operation="issues/create-comment", applied=applied)
    outcome, out = post(scenario, virtual_clock)
    assert outcome.exit_status == 0, out
    assert len(sticky_comments(scenario)) == 1
    posts = github_emulator.calls_to("issues/create-comment")
    assert [c.status for c in posts] == ([502] if applied else [502, 201])


@pytest.mark.parametrize("applied", [True, False], ids=["write-applied-response-lost", "write-not-applied"])
def test_a_502_on_the_suggestion_review_never_posts_twice(scenario, run_cli, github_emulator, virtual_clock, applied):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    github_emulator.fail_next(502, operation="pulls/create-review", applied=applied)
    outcome, out = post(scenario, virtual_clock)
    assert outcome.exit_status == 0, out
    keys = [c.body.split("key=", 1)[1][:24] for c in scenario.review_comments()]
    assert len(keys) == 12 and len(set(keys)) == 12
    assert [c.status for c in github_emulator.calls_to("pulls/create-review")] == ([502] if applied else [502, 200])


def test_a_secondary_rate_limit_is_waited_out_and_the_comment_posted_once(scenario, run_cli, github_emulator,
                                                                         virtual_clock):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    github_emulator.secondary_rate_limit(operation="issues/create-comment", retry_after=60)
    outcome, out = post(scenario, virtual_clock)
    assert outcome.exit_status == 0, out
    assert len(sticky_comments(scenario)) == 1
    assert [c.status for c in github_emulator.calls_to("issues/create-comment")] == [403, 201]
    assert virtual_clock.slept >= 60


def test_a_rate_limit_longer_than_the_bounded_wait_ends_with_a_clear_summary(scenario, run_cli, github_emulator,
                                                                             virtual_clock):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    github_emulator.secondary_rate_limit(operation="issues/create-comment", retry_after=3600)
    outcome, out = post(scenario, virtual_clock, max_wait=120)
    assert outcome.exit_status == 1
    assert "suggestions: 12 offered (12 new" in out  # done before the failure, and said so
    assert "3600" in out and "more than the 120 s this run may wait" in out
    assert "run the job again to finish (nothing is posted twice)" in out.lower()
    assert sticky_comments(scenario) == []
    assert virtual_clock.slept < 3600
    outcome, out = post(scenario, virtual_clock)  # the re-run finishes the job
    assert outcome.exit_status == 0 and len(sticky_comments(scenario)) == 1
    assert "12 already there" in out


def test_suggestions_github_refuses_go_into_the_comment_and_are_not_retried(scenario, run_cli, github_emulator,
                                                                          virtual_clock):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    github_emulator.fail_next(422, operation="pulls/create-review")
    github_emulator.fail_next(422, operation="pulls/create-review-comment", times=12)
    outcome, out = post(scenario, virtual_clock)
    assert outcome.exit_status == 0, out
    assert scenario.review_comments() == []
    (sticky,) = sticky_comments(scenario)
    assert sticky.body.count("<!-- postmortem-kit:unanchored key=") == 12
    assert sticky.body.count("```yaml\nsummary:") == 1 and "GitHub refused a suggestion on line" in sticky.body
    assert "12 refused by GitHub" in out

    github_emulator.reset_calls()
    outcome, out = post(scenario, virtual_clock)
    assert outcome.exit_status == 0
    assert github_emulator.stats().writes == 0  # not asked again, comment unchanged


def test_the_emulator_refuses_a_line_outside_the_diff_with_422(scenario, run_cli, github_emulator):
    """The real 422 logic of the emulator (no injected fault): a line that is not in the patch."""
    from github.GithubException import GithubException

    from postmortem_kit.github import describe_error, is_transient
    from postmortem_kit.pr import Anchor, Suggestion, sync

    base = draft_incident(3)
    scenario = PrScenario(github_emulator, scenario.tmp / "second", {}, repo="octo/second",
                          base_files={DRAFT: base})
    scenario.open({DRAFT: base.replace("traffic_volume: 9M queries/day", "traffic_volume: 10M queries/day")})
    gh = connect(GitHubSettings(token=BOT_TOKEN, api_url=github_emulator.url)).withLazy(True)
    pull = gh.get_repo("octo/second").get_pull(scenario.issue.number)
    gate = WriteGate(Pacer(None))
    lines = scenario.repo.read_file("changes", DRAFT).splitlines()
    changed = next(n for n, line in enumerate(lines, 1) if "10M queries/day" in line)
    assert len(lines) > changed + 3  # the last line is outside the hunk (3 lines of context)
    outside = Suggestion(DRAFT, "lesson", Anchor(len(lines), "append", lines[-1]), "lesson:\n  what_happened: x\n", None)
    inside = Suggestion(DRAFT, "summary", Anchor(changed, "append", lines[changed - 1]), "summary:\n  start: x\n", None)
    commit = pull.base.repo.get_commit(scenario.head_sha)
    report = sync(pull, [outside, inside], BOT_LOGIN, gate, commit, is_transient, describe_error)
    assert set(report.refused) == {outside.key} and report.created == {inside.key}
    assert "Line could not be resolved" in json.dumps(
        [c.response for c in github_emulator.calls_to("pulls/create-review")])
    assert "must be part of the diff" in report.refused[outside.key]
    assert [c.line for c in scenario.review_comments()] == [changed]
    with pytest.raises(GithubException):  # and PyGithub sees the same 422 directly
        pull.create_review_comment("x", commit, DRAFT, line=len(lines), side="RIGHT")


def test_a_pull_request_of_10000_files_says_that_github_lists_only_3000(github_emulator, tmp_path, monkeypatch,
                                                                       run_cli):
    scenario = PrScenario(github_emulator, tmp_path, monkeypatch)
    early, late = draft_path(3), draft_path(4)
    entries = [PullFile(early, "added", "@@ -0,0 +1,1 @@\n+id: x")]
    entries += [PullFile(f"src/generated/file{i:05d}.txt", "added", "@@ -0,0 +1 @@\n+x") for i in range(9998)]
    entries.append(PullFile(late, "added", "@@ -0,0 +1,1 @@\n+id: y"))
    scenario.open({})
    scenario.issue.pull.files = entries
    scenario._write(early, draft_incident(3))
    scenario._write(late, draft_incident(4))
    code, out, _ = scenario.check(run_cli, "--no-drafts")
    assert code == 0
    result = json.loads(scenario.result.read_text())
    assert result["listing"] == {"listed": 3000, "changed_files": 10000, "truncated": True, "incident_files": 1}
    assert [f["path"] for f in result["files"]] == [early]
    summary = scenario.summary_text()
    assert "GitHub's API lists at most 3,000 files of a pull request; this one changes 10,000" in summary
    assert "incident files past that point were not checked" in summary
    assert len(github_emulator.calls_to("pulls/list-files")) == 30  # 100 a page
    assert scenario.post(run_cli)[0] == 0
    (sticky,) = sticky_comments(scenario)
    assert "lists at most 3,000 files of a pull request and this one changes 10,000" in sticky.body


def test_an_api_failing_part_way_exits_1_with_what_was_done(scenario, run_cli, github_emulator, virtual_clock):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    assert post(scenario, virtual_clock)[0].exit_status == 0
    scenario.push({DRAFT: draft_incident(3).replace("9M queries/day", "11M queries/day")})
    scenario.check(run_cli, event="pull_request.synchronize.1")
    github_emulator.fail_next(500, operation="issues/update-comment", times=10)
    outcome, out = post(scenario, virtual_clock)
    assert outcome.exit_status == 1
    assert "suggestions: 12 offered" in out
    assert "problem: comment part 1: HTTP 500" in out
    assert "GitHub failed part way" in out
    assert "**GitHub failed part way**" in scenario.summary_text()
    assert len(github_emulator.calls_to("issues/update-comment")) == 4  # a PATCH is retried, boundedly
