"""`postmortem followups --dry-run`, `--status`, the status file, options and bad input."""

from __future__ import annotations

import json
import re

import pytest

from support.followups_world import World, incident_text
from support.github.fixtures import BOT_LOGIN

SEV3 = "INC-2026-0002"
SEV1 = "INC-2026-0004"


@pytest.fixture
def world(tmp_path, github_emulator, monkeypatch):
    world = World(tmp_path, github_emulator, monkeypatch, collaborators={"priya-raman": "write"})
    world.write(SEV3, incident_text(SEV3))
    return world


DRY_RUN = """\
postmortem followups: dry run for Codertocat/Hello-World: nothing is written
create   INC-2026-0002 follow-up 1  "Cap retention on every replay and backfill topic"  [postmortem, severity:SEV3, team:team-data-platform]
create   INC-2026-0002 follow-up 2  "Make bounded retention the Kafka cluster default"  [postmortem, severity:SEV3, team:team-data-platform]
create   INC-2026-0002 follow-up 3  "Alert on predicted time-to-full-disk for brokers"  [postmortem, severity:SEV3, team:team-observability]
create   INC-2026-0002 follow-up 4  "Route overnight alerts for customer-facing pipelines to paging"  [postmortem, severity:SEV3]  assign @priya-raman
create   INC-2026-0002 follow-up 5  "Disk-aware partition placement policy"  [postmortem, severity:SEV3, team:team-data-platform]
tracking (one pull request):
  postmortems/INC-2026-0002.yaml follow-up 1: new -> #<new issue>
  postmortems/INC-2026-0002.yaml follow-up 2: new -> #<new issue>
  postmortems/INC-2026-0002.yaml follow-up 3: new -> #<new issue>
  postmortems/INC-2026-0002.yaml follow-up 4: new -> #<new issue>
  postmortems/INC-2026-0002.yaml follow-up 5: new -> #<new issue>
plan: 5 to create, 0 to update, 0 to close, 0 unchanged, 0 done, 0 linked, 0 external
"""


def test_dry_run_prints_the_plan_and_writes_nothing(world):
    code, out, err = world.run("--dry-run")
    assert (code, out, err) == (0, DRY_RUN, "")
    assert world.writes() == []
    assert not world.status_file.exists()


def test_dry_run_after_a_sync_shows_edits_and_closes(world):
    world.run()
    text = incident_text(SEV3).replace("Cap retention on every replay and backfill topic",
                                       "Cap retention on replay, backfill and scratch topics", 1)
    start = text.index("  - action: Disk-aware partition placement policy")
    text = text[:start] + text[text.index("\ncommunication:") + 1:].replace("communication:", "\ncommunication:", 1)
    world.write(SEV3, text)
    world.emu.reset_calls()
    code, out, _ = world.run("--dry-run")
    assert code == 0 and world.writes() == []
    assert out.splitlines()[1:] == [
        "update   INC-2026-0002 follow-up 1  #1: title, body",
        "update   INC-2026-0002 follow-up 2  #2: body",
        "update   INC-2026-0002 follow-up 3  #3: body",
        "update   INC-2026-0002 follow-up 4  #4: body",
        "close    INC-2026-0002  #5: no longer in the incident (not planned, with a comment)",
        "tracking (one pull request):",
        "  postmortems/INC-2026-0002.yaml follow-up 1: new -> #1",
        "  postmortems/INC-2026-0002.yaml follow-up 2: new -> #2",
        "  postmortems/INC-2026-0002.yaml follow-up 3: new -> #3",
        "  postmortems/INC-2026-0002.yaml follow-up 4: new -> #4",
        "plan: 0 to create, 4 to update, 1 to close, 0 unchanged, 0 done, 0 linked, 0 external",
    ]


def test_dry_run_offline_needs_no_token(world, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    code, out, _ = world.run("--dry-run", "--offline")
    # without GitHub nobody is known to be a collaborator, so the owner would become a label
    assert code == 0 and out == DRY_RUN.replace("severity:SEV3]  assign @priya-raman", "severity:SEV3, owner:priya-raman]")
    assert world.emu.calls == []


STATUS_TABLE = """\
INCIDENT       #  ISSUE  STATUS       OWNER               DUE         OVERDUE  ACTION
INC-2026-0002  1  #1     overdue      team-data-platform  2026-05-27  14d      Cap retention on every replay and backfill topic
INC-2026-0002  2  #2     open         team-data-platform  2026-06-19  -        Make bounded retention the Kafka cluster default
INC-2026-0002  3  #3     done         team-observability  2026-06-12  -        Alert on predicted time-to-full-disk for brokers
INC-2026-0002  4  #4     overdue      @priya-raman        2026-06-05  5d       Route overnight alerts for customer-facing pipelines to pag…
INC-2026-0002  5  #5     not-planned  team-data-platform  2026-08-31  -        Disk-aware partition placement policy
INC-2026-0004  1  -      no-issue     team-identity       2026-07-09  -        Enable serve-stale DNS for the identity provider zone
INC-2026-0004  2  #404   unknown      team-identity       2026-07-31  -        Replace 20-second login retries with one retry and an error…
INC-2026-0004  3  OPS-7  external     team-sre            2026-07-24  -        Route provider status-page incidents into alerting
INC-2026-0004  4  #8     done         @ana-silva          2026-09-30  -        Break-glass identity provider for staff support tools
INC-2026-0004  5  -      no-issue     team-sre            2026-09-30  -        Dependency failure catalogue with DNS failure tests for tie…

10 follow-ups: 3 open (2 overdue), 2 done, 1 not planned, 2 without an issue, 1 tracked elsewhere, 1 unknown"""


@pytest.fixture
def tracked(world):
    """Five synced follow-ups in states, and an incident whose tracking fields point elsewhere."""
    world.run()
    issues = world.repo.issues
    issues[3].state, issues[3].state_reason = "closed", "completed"
    issues[5].state, issues[5].state_reason = "closed", "not_planned"
    world.emu.add_issue(world.repository, "Break-glass IdP (filed by hand)", user="ana-silva", state="closed", number=8)
    values = iter(["new", '"#404"', "OPS-7", '"#8"', "new"])
    world.write(SEV1, re.sub(r"tracking: new", lambda _: f"tracking: {next(values)}", incident_text(SEV1)))
    return world


def test_status_table(tracked):
    tracked.emu.reset_calls()
    code, out, err = tracked.run("--status", "--today", "2026-06-10")
    assert (code, err) == (0, "")
    assert out == STATUS_TABLE + "\n"
    assert tracked.writes() == []
    assert tracked.list_passes() == 1


def test_status_json_is_the_status_file(tracked):
    code, out, _ = tracked.run("--status", "--format", "json", "--today", "2026-06-10")
    assert code == 0
    printed = json.loads(out)
    assert printed == tracked.status()
    assert printed["format"] == "postmortem-kit/followups-status@1"
    assert printed["repository"] == "Codertocat/Hello-World" and printed["today"] == "2026-06-10"
    assert printed["summary"] == {"total": 10, "open": 3, "overdue": 2, "done": 2, "not_planned": 1, "no_issue": 2,
                                  "external": 1, "unknown": 1}
    first = printed["follow_ups"][0]
    assert first == {
        "incident": "INC-2026-0002", "index": 0, "action": "Cap retention on every replay and backfill topic",
        "owner": "team-data-platform", "due": "2026-05-27", "tracking": "new", "issue": 1,
        "url": "https://github.com/Codertocat/Hello-World/issues/1", "state": "open", "state_reason": None,
        "status": "overdue", "overdue_days": 14, "assignees": [],
        "incident_title": "Order events delayed for six hours after the message broker's disk filled",
        "severity": "SEV3", "file": "postmortems/INC-2026-0002.yaml"}
    assert printed["follow_ups"][3]["assignees"] == ["priya-raman"]


def test_the_lessons_site_reads_the_status_file(tracked):
    from postmortem_kit.site import load_status

    tracked.run("--status", "--today", "2026-06-10")
    table, problem = load_status(tracked.status_file)
    assert problem is None
    overdue = table.lookup(SEV3, 0, "Cap retention on every replay and backfill topic")
    assert (overdue.state, overdue.issue, overdue.overdue_days, overdue.overdue) == ("open", "#1", 14, True)
    assert table.lookup(SEV3, 2, "Alert on predicted time-to-full-disk for brokers").state == "closed"
    assert table.lookup(SEV1, 2, "Route provider status-page incidents into alerting").state == "unknown"


def test_the_status_file_reads_back_strictly_as_the_written_rows(tracked):
    from dataclasses import asdict

    from postmortem_kit.followups import read_status_document

    tracked.run("--status", "--today", "2026-06-10")
    rows = read_status_document(tracked.status_file)
    assert [asdict(row) for row in rows] == tracked.status()["follow_ups"] and len(rows) == 10


def test_sync_writes_the_status_file_too(world):
    world.run("--today", "2026-06-10")
    assert world.status()["summary"]["open"] == 5


def test_status_offline_reads_only_the_files(world, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    code, out, _ = world.run("--status", "--offline", "--format", "json")
    assert code == 0 and world.emu.calls == []
    assert {row["status"] for row in json.loads(out)["follow_ups"]} == {"no-issue"}


def test_milestone_mode_puts_due_dates_in_milestones(world):
    code, _, _ = world.run("--due-dates", "milestone")
    assert code == 0
    milestones = {m.title: m.due_on for m in world.repo.milestones.values()}
    dates = ("2026-05-27", "2026-06-19", "2026-06-12", "2026-06-05", "2026-08-31")
    assert sorted(milestones) == sorted(f"Due {d}" for d in dates)
    assert all(due.startswith(title.removeprefix("Due ")) for title, due in milestones.items())
    by_title = {m.number: m.title for m in world.repo.milestones.values()}
    assert [by_title[i.milestone] for i in world.repo.plain_issues().values()] == [
        "Due 2026-05-27", "Due 2026-06-19", "Due 2026-06-12", "Due 2026-06-05", "Due 2026-08-31"]
    world.emu.reset_calls()
    assert world.run("--due-dates", "milestone")[0] == 0 and world.writes() == []


def test_enterprise_server_api_path(world, monkeypatch):
    world.emu.api_prefix = "/api/v3"
    monkeypatch.setenv("GITHUB_API_URL", world.emu.url)
    assert world.run()[0] == 0
    assert len(world.issues()) == 5


def test_primary_rate_limit_longer_than_allowed_stops_with_a_clear_message(world):
    world.emu.primary_rate_limit(operation="issues/list-for-repo", reset_in=3600)
    code, out, err = world.run("--max-rate-limit-wait", "30")
    assert code == 1
    assert err.startswith("postmortem followups: ") and "rate limit" in err.lower()
    assert "Traceback" not in err
    assert world.issues() == []


def test_server_error_on_an_update_is_retried(world):
    world.run()
    world.write(SEV3, incident_text(SEV3).replace("Cap retention on every replay", "Cap retention on each replay", 1))
    fault = world.emu.fail_next(502, operation="issues/update", times=1)
    code, out, _ = world.run()
    assert code == 0 and fault.hits == 1
    assert world.repo.issues[1].title == "Cap retention on each replay and backfill topic"


def test_app_token_needs_its_bot_login(world, github_emulator, monkeypatch):
    github_emulator.add_token("ghs_app", "postmortem-app[bot]", app=True)
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_app")
    assert world.run("--bot-login", "postmortem-app[bot]")[0] == 0
    github_emulator.reset_calls()
    assert world.run("--bot-login", "postmortem-app[bot]")[0] == 0
    assert world.writes() == []
    assert {v.author for v in world.issues()} == {"postmortem-app[bot]"}


def test_personal_token_author_comes_from_get_user(world, github_emulator, monkeypatch):
    github_emulator.add_token("ghp_person", "octocat")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_person")
    assert world.run()[0] == 0
    assert {v.author for v in world.issues()} == {"octocat"}
    assert BOT_LOGIN not in {v.author for v in world.issues()}


@pytest.mark.parametrize("argv, env, message", [
    ((), {"GITHUB_TOKEN": None}, "GITHUB_TOKEN is not set"),
    (("--repo", "not-a-repo"), {}, "is not OWNER/NAME"),
    (("--repo", "nobody/nothing"), {}, "repository nobody/nothing not found"),
    (("--today", "someday", "--status"), {}, "--today 'someday' is not a date"),
    (("--offline",), {}, "--offline works with --dry-run or --status only"),
    (("missing-folder",), {}, "no such file or directory: missing-folder"),
    (("--format", "xml", "--status"), {}, "invalid choice: 'xml'"),
    ((), {"GITHUB_EVENT_PATH": "/nonexistent/event.json"}, "cannot read the event"),
    ((), {"GITHUB_API_URL": "ftp://example"}, "is not an http(s) URL"),
    ((), {"GITHUB_TOKEN": "wrong"}, "GitHub rejected the token"),
    (("--root", "no/such/dir"), {}, "--root no/such/dir: no such directory"),
    (("--max-writes-per-minute", "-1"), {}, "must not be negative"),
    (("--timeout", "0"), {}, "--timeout must be positive"),
    (("--write-back", "email"), {}, "invalid choice: 'email'"),
])
def test_bad_input_is_one_line_and_exit_2(world, monkeypatch, argv, env, message):
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    code, out, err = world.run(*argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert world.issues() == []


def test_event_file_that_is_not_json(world, monkeypatch, tmp_path):
    bad = tmp_path / "event.json"
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(bad))
    code, _, err = world.run()
    assert code == 2 and "the event file is not JSON" in err


def test_status_file_that_cannot_be_written(world, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    from postmortem_kit.cli.main import main

    code = main(["followups", "--status", "--status-file", str(blocker / "status.json")])
    assert code == 2


def test_duplicate_incident_ids_skip_the_second_file(world):
    world.write("INC-2026-0099", incident_text(SEV3))  # the file name differs, the id inside does not
    code, out, _ = world.run()
    assert code == 1
    assert "incident id INC-2026-0002 is also used by postmortems/INC-2026-0002.yaml" in out
    assert len(world.issues()) == 5
