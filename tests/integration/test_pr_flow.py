"""`postmortem pr check` then `postmortem pr post`, end to end: PyGithub against the GitHub
emulator, real webhook payloads, the stage-1 artifact handed over as a file."""

from __future__ import annotations

import json
import re

import pytest

from support.github.fixtures import BOT_LOGIN, load_webhook, webhook_names
from support.pr_data import draft_incident, draft_path, example, published_with_error
from support.pr_scenario import PrScenario

DRAFT = draft_path(3)
PUBLISHED = "postmortems/INC-2026-0001.yaml"
PULL_EVENTS = webhook_names("pull_request.opened") + webhook_names("pull_request.synchronize") + \
    webhook_names("pull_request.reopened")


@pytest.fixture
def scenario(github_emulator, tmp_path, monkeypatch):
    return PrScenario(github_emulator, tmp_path, monkeypatch)


def bot_comments(scenario):
    return [c for c in scenario.comments() if c.user == BOT_LOGIN]


def suggestion_sections(scenario) -> list[str]:
    return sorted(re.search(r"section=(\w+)", c.body).group(1) for c in scenario.review_comments())


@pytest.mark.parametrize("event", PULL_EVENTS)
def test_every_pull_request_payload_is_checked_and_posted(scenario, run_cli, event):
    scenario.open({DRAFT: draft_incident(3), PUBLISHED: published_with_error()})
    code, out, err = scenario.check(run_cli, event=event)
    assert code == 1, err  # the published file has an error; the draft's missing sections are not errors
    assert f"::error file={PUBLISHED},line=" in out and "title=schema/unknown-key" in out
    assert f"::notice file={DRAFT}" in out
    assert "exit status 1: a file that is not a draft has errors" in out
    summary = scenario.summary_text()
    assert "| `postmortems/INC-2026-0001.yaml` | added | published | **failed** | 1 |" in summary
    result = json.loads(scenario.result.read_text())
    assert result["pull_number"] == 2 and result["head_sha"] == scenario.head_sha and result["provider"] == "offline"

    code, out, err = scenario.post(run_cli)
    assert code == 0, out + err
    (sticky,) = bot_comments(scenario)
    assert sticky.body.startswith("<!-- postmortem-kit:pr-comment -->")
    assert "**Check failed**" in sticky.body and "unknown key `reviewd_by`" in sticky.body
    assert "input sha256:`" in sticky.body and "prompts `v" in sticky.body  # provenance
    reviews = scenario.review_comments()
    assert len(reviews) == 12 and {c.path for c in reviews} == {DRAFT}
    last_line = len(draft_incident(3).splitlines())
    assert {c.line for c in reviews} == {last_line}
    for comment in reviews:
        assert comment.user == BOT_LOGIN
        assert "```suggestion\n    on_call_response_minutes: 10\n\n" in comment.body
    assert "suggestions: 12 offered (12 new, 0 already there)" in out
    assert "sticky comment: created (1 part)" in out


def test_a_rerun_on_the_same_input_writes_nothing(scenario, run_cli, github_emulator):
    scenario.open({DRAFT: draft_incident(3)})
    assert scenario.check(run_cli)[0] == 0
    assert scenario.post(run_cli)[0] == 0
    first = {c.id: c.body for c in scenario.comments()} | {c.id: c.body for c in scenario.review_comments()}
    github_emulator.reset_calls()

    assert scenario.check(run_cli, event="pull_request.synchronize.1")[0] == 0
    code, out, _ = scenario.post(run_cli)
    assert code == 0
    assert github_emulator.stats().writes == 0
    assert "done: 0 write requests (nothing changed)" in out
    assert "suggestions: 12 offered (0 new, 12 already there)" in out and "sticky comment: unchanged" in out
    after = {c.id: c.body for c in scenario.comments()} | {c.id: c.body for c in scenario.review_comments()}
    assert after == first


def test_committing_a_suggestion_updates_the_sticky_comment_and_replaces_stale_suggestions(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    scenario.post(run_cli)
    (sticky,) = bot_comments(scenario)
    sticky_id, sticky_body = sticky.id, sticky.body  # the emulator edits its objects in place
    before = {c.id for c in scenario.review_comments()}
    summary = next(c for c in scenario.review_comments() if "section=summary" in c.body)
    block = summary.body.split("```suggestion\n", 1)[1].rsplit("\n```", 1)[0]
    lines = draft_incident(3).splitlines()
    committed = "\n".join(lines[:-1] + [block]) + "\n"  # what "Commit suggestion" writes
    scenario.push({DRAFT: committed})

    assert scenario.check(run_cli, event="pull_request.synchronize.1")[0] == 0
    code, out, _ = scenario.post(run_cli)
    assert code == 0, out
    (updated,) = bot_comments(scenario)
    assert updated.id == sticky_id and updated.body != sticky_body  # edited in place
    assert "summary" not in suggestion_sections(scenario) and len(suggestion_sections(scenario)) == 11
    assert not before & {c.id for c in scenario.review_comments()}  # every anchor moved: all replaced
    assert {c.line for c in scenario.review_comments()} == {len(committed.splitlines())}
    assert "12 stale removed" in out


def test_deleting_an_incident_file_removes_its_suggestions(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    scenario.post(run_cli)
    assert len(scenario.review_comments()) == 12
    scenario.push({DRAFT: None})

    code, out, _ = scenario.check(run_cli, event="pull_request.synchronize.1")
    assert code == 0
    result = json.loads(scenario.result.read_text())
    assert result["files"] == []  # the file was added and deleted again: the pull request no longer has it
    code, out, _ = scenario.post(run_cli)
    assert code == 0 and scenario.review_comments() == []
    (sticky,) = bot_comments(scenario)
    assert "This pull request changes no incident files." in sticky.body


def test_a_pull_request_that_deletes_an_existing_incident(github_emulator, tmp_path, monkeypatch, run_cli):
    scenario = PrScenario(github_emulator, tmp_path, monkeypatch, base_files={DRAFT: draft_incident(3)})
    scenario.open({DRAFT: None, "docs/notes.md": "notes\n"})
    code, out, _ = scenario.check(run_cli)
    assert code == 0
    (entry,) = json.loads(scenario.result.read_text())["files"]
    assert entry["change"] == "removed" and entry["outcome"] == "deleted" and entry["drafts"] == []
    assert "| `postmortems/INC-2026-0003.yaml` | removed | - | deleted |" in scenario.summary_text()
    assert scenario.post(run_cli)[0] == 0
    (sticky,) = bot_comments(scenario)
    assert "| `postmortems/INC-2026-0003.yaml` | removed | - | deleted |" in sticky.body
    assert scenario.review_comments() == []


def test_a_pull_request_without_incident_files_gets_no_comment(scenario, run_cli, github_emulator):
    scenario.open({"src/app.py": "print('hi')\n"})
    code, out, _ = scenario.check(run_cli)
    assert code == 0 and "0 incident files checked" in out
    code, out, _ = scenario.post(run_cli)
    assert code == 0 and scenario.comments() == []
    assert "sticky comment: none" in out
    assert github_emulator.stats().writes == 0


@pytest.mark.parametrize("name", webhook_names("workflow_run.completed"))
def test_workflow_runs_not_triggered_by_a_pull_request_post_nothing(github_emulator, tmp_path, monkeypatch,
                                                                     run_cli, name):
    event = tmp_path / "event.json"
    event.write_text(json.dumps(load_webhook(name)))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_EVENT_NAME", "workflow_run")
    code, out, err = run_cli("pr", "post", str(tmp_path / "missing.json"))
    assert code == 0
    assert "nothing to do: the completed run was triggered by" in out
    assert github_emulator.calls == []


def test_workflow_run_lists_pull_requests_of_other_repositories_which_are_ignored(webhook_payload):
    from postmortem_kit.pr import parse_event

    payload = webhook_payload("workflow_run.completed.3")
    assert payload["workflow_run"]["pull_requests"]  # it lists Codertocat/Hello-World#2 ...
    event = parse_event(payload)
    assert event.repository == "octo-org/octo-repo" and event.run.pull_numbers == ()  # ... of another repository


def test_a_fork_is_drafted_offline_and_its_pull_request_verified_through_the_api(scenario, run_cli, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-must-not-be-used")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens: a call would fail
    scenario.open({DRAFT: draft_incident(3)}, fork="mallory/Hello-World", user="mallory")
    code, out, err = scenario.check(run_cli)
    assert code == 0, err
    result = json.loads(scenario.result.read_text())
    assert result["fork"] is True and result["provider"] == "offline"
    assert result["head_repository"] == "mallory/Hello-World"
    code, out, _ = scenario.post(run_cli)  # the fork's run lists no pull request: the artifact names it
    assert code == 0, out
    assert "drafted offline" in bot_comments(scenario)[0].body
    assert len(scenario.review_comments()) == 12


def test_a_result_for_an_older_commit_posts_nothing(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    scenario.workflow_run_event()
    event = scenario.events[-1]
    scenario.push({DRAFT: draft_incident(3) + "# edited\n"})
    code, out, _ = run_cli("pr", "post", str(scenario.result), "--event", str(event), "--writes-per-minute", "1000")
    assert code == 0
    assert "has moved on to" in out and "nothing posted" in out
    assert scenario.comments() == [] and scenario.review_comments() == []


def test_an_artifact_naming_another_pull_request_is_refused(scenario, run_cli, github_emulator):
    other = github_emulator.add_pull(scenario.repo_name, title="Other", user="octocat", head="other",
                                     files={"postmortems/INC-2026-0009.yaml": draft_incident(9)})
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    result = json.loads(scenario.result.read_text())
    result["pull_number"] = other.number
    scenario.result.write_text(json.dumps(result))
    code, out, _ = scenario.post(run_cli)  # same-repository run: the event lists the real pull request
    assert code == 2 and f"names pull request #{other.number}, which the completed run does not belong to" in out
    code, out, _ = scenario.post(run_cli, list_pull=False)  # like a fork's run: only the API can tell
    assert code == 0 and "nothing posted" in out
    assert scenario.comments() == [] and [c for c in github_emulator.repo().comments.values()] == []


def test_the_last_result_given_is_used_and_missing_ones_are_skipped(scenario, run_cli, tmp_path):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    code, out, _ = scenario.post(run_cli, results=[str(scenario.result), str(tmp_path / "llm" / "absent.json")])
    assert code == 0 and "absent.json: not found, skipped" in out
    assert len(bot_comments(scenario)) == 1


# --------------------------------------------------------------------------- bad input: exit 2, one line


def test_bad_invocations_exit_2_with_one_line(run_cli, monkeypatch, tmp_path, github_emulator):
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    code, _, err = run_cli("pr", "check")
    assert code == 2 and "GITHUB_EVENT_PATH is not set" in err and "Traceback" not in err
    code, _, err = run_cli("pr")
    assert code == 2 and "choose a stage" in err
    code, _, err = run_cli("pr", "launch")
    assert code == 2 and "invalid choice" in err

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run_cli("pr", "check", "--event", str(bad))
    assert code == 2 and "is not JSON" in err
    bad.write_text("[1, 2]")
    code, _, err = run_cli("pr", "check", "--event", str(bad))
    assert code == 2 and "not a JSON object" in err
    broken = load_webhook("pull_request.opened.1")
    broken["pull_request"]["head"]["sha"] = "not-a-sha"
    bad.write_text(json.dumps(broken))
    code, _, err = run_cli("pr", "check", "--event", str(bad))
    assert code == 2 and "pull_request.head: `sha` is not a commit sha" in err

    run = tmp_path / "run.json"
    run.write_text(json.dumps(load_webhook("workflow_run.completed.1")))
    monkeypatch.setenv("GITHUB_EVENT_NAME", "workflow_run")
    code, _, err = run_cli("pr", "check", "--event", str(run))
    assert code == 2 and "runs on pull_request events" in err

    closed = load_webhook("pull_request.opened.1")
    closed["action"] = "closed"
    bad.write_text(json.dumps(closed))
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    code, out, _ = run_cli("pr", "check", "--event", str(bad))
    assert code == 0 and "nothing to do: pull_request action 'closed'" in out

    opened = tmp_path / "opened.json"
    opened.write_text(json.dumps(load_webhook("pull_request.opened.1")))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    code, _, err = run_cli("pr", "check", "--event", str(opened))
    assert code == 2 and "GITHUB_TOKEN is not set" in err


def test_post_refuses_a_missing_or_unusable_result(scenario, run_cli, tmp_path):
    scenario.open({DRAFT: draft_incident(3)})
    code, out, _ = scenario.post(run_cli, results=[str(tmp_path / "none.json")])
    assert code == 2 and "refused: no result file found" in out
    junk = tmp_path / "junk.json"
    junk.write_text("\x00\x01 binary")
    code, out, _ = scenario.post(run_cli, results=[str(junk)])
    assert code == 2 and "not JSON" in out
    assert scenario.comments() == []
    assert "**refused**" in scenario.summary_text()


def test_check_reports_a_file_missing_from_the_workspace(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3)})
    (scenario.workspace / DRAFT).unlink()
    code, out, _ = scenario.check(run_cli)
    assert code == 1 and "check out the pull request's head commit" in out


def test_check_never_reads_a_symlinked_incident_file(scenario, run_cli, tmp_path):
    secret = tmp_path / "runner-secret.txt"
    secret.write_text("id: TOP-SECRET-VALUE\n")
    scenario.open({DRAFT: draft_incident(3)})
    target = scenario.workspace / DRAFT
    target.unlink()
    target.symlink_to(secret)
    code, out, _ = scenario.check(run_cli)
    assert code == 1 and "symlinks are not read" in out
    assert "TOP-SECRET-VALUE" not in scenario.result.read_text() + scenario.summary_text()


def test_examples_pass_as_a_pull_request(scenario, run_cli):
    scenario.open({f"postmortems/{name}.yaml": example(name) for name in
                   ("INC-2026-0001", "INC-2026-0002", "INC-2026-0004")})
    code, out, _ = scenario.check(run_cli, "--no-blameless")  # the language rules have their own tests
    assert code == 0 and "3 incident files checked" in out
    assert scenario.post(run_cli)[0] == 0
    (sticky,) = bot_comments(scenario)
    assert "**Check passed**" in sticky.body and scenario.review_comments() == []


def test_check_ends_with_one_line_and_a_summary_when_the_api_fails(scenario, run_cli, github_emulator):
    scenario.open({DRAFT: draft_incident(3)})
    github_emulator.fail_next(404, operation="pulls/list-files")
    code, out, err = scenario.check(run_cli)
    assert code == 2 and "could not list the pull request's files: HTTP 404" in err
    assert "Traceback" not in err and "not checked" in scenario.summary_text()
    assert not scenario.result.exists()


def test_check_refuses_an_unusable_drafting_configuration(scenario, run_cli, tmp_path):
    scenario.open({DRAFT: draft_incident(3)})
    config = tmp_path / "bad.yaml"
    config.write_text("draft:\n  api_key: sk-live-123\n")
    code, _, err = scenario.check(run_cli, "--config", str(config))
    assert code == 2 and "never store API keys in the configuration file" in err


def test_annotations_stop_at_githubs_per_step_caps_and_the_rest_are_in_the_summary(scenario, run_cli):
    text = published_with_error()
    extra = "".join(f"unknown_key_{n:02d}: x\n" for n in range(14))  # 14 more errors: 15 in all
    scenario.open({PUBLISHED: text + extra})
    code, out, _ = scenario.check(run_cli, "--no-blameless")
    assert code == 1
    assert out.count("::error ") == 10
    summary = scenario.summary_text()
    assert "### Findings not shown as annotations (5)" in summary
    assert "GitHub shows at most 10 errors, 10 warnings and 10 notices per step; 10 were annotated." in summary
