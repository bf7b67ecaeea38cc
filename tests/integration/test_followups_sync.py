"""`postmortem followups` against the GitHub emulator: one issue per follow-up, exactly once,
through faults, edits and reruns; real push payloads decide whether a run syncs."""

from __future__ import annotations

import pytest

from support.followups_world import BOT, IssueView, World, incident_text
from support.github.fixtures import webhook_names

SEV3 = "INC-2026-0002"  # in-review, SEV3; owners: team-data-platform (3), team-observability, @priya-raman
SEV1 = "INC-2026-0004"  # published, SEV1; owners: team-identity (2), team-sre (2), @ana-silva
SEV3_TITLES = [
    "Cap retention on every replay and backfill topic",
    "Make bounded retention the Kafka cluster default",
    "Alert on predicted time-to-full-disk for brokers",
    "Route overnight alerts for customer-facing pipelines to paging",
    "Disk-aware partition placement policy",
]
SEV1_TITLES = [
    "Enable serve-stale DNS for the identity provider zone",
    "Replace 20-second login retries with one retry and an error page",
    "Route provider status-page incidents into alerting",
    "Break-glass identity provider for staff support tools",
    "Dependency failure catalogue with DNS failure tests for tier-1 dependencies",
]


@pytest.fixture
def world(tmp_path, github_emulator, monkeypatch):
    world = World(tmp_path, github_emulator, monkeypatch, collaborators={"priya-raman": "write"})
    world.write(SEV3, incident_text(SEV3))
    world.write(SEV1, incident_text(SEV1))
    return world


def expected_issues() -> list[IssueView]:
    sev3 = [("team:team-data-platform",), ("team:team-data-platform",), ("team:team-observability",), (), ("team:team-data-platform",)]
    sev1 = [("team:team-identity",), ("team:team-identity",), ("team:team-sre",), ("owner:ana-silva",), ("team:team-sre",)]
    views = []
    number = 1
    for incident, titles, severity, extras in ((SEV3, SEV3_TITLES, "SEV3", sev3), (SEV1, SEV1_TITLES, "SEV1", sev1)):
        for title, extra in zip(titles, extras):
            labels = tuple(sorted(("postmortem", f"severity:{severity}", *extra)))
            assignees = ("priya-raman",) if title.startswith("Route overnight") else ()
            views.append(IssueView(number, title, "open", None, labels, assignees, BOT, incident))
            number += 1
    return views


def test_first_sync_opens_one_issue_per_follow_up(world):
    code, out, err = world.run()
    assert (code, err) == (0, "")
    assert world.issues() == expected_issues()
    body = world.repo.issues[4].body
    assert body.startswith('<!-- postmortem-kit:follow-up {"incident":"INC-2026-0002","slot":3,')
    assert '"assignee":"priya-raman"' in body.splitlines()[0]
    assert "| @priya-raman | 2026-06-05 | [`postmortems/INC-2026-0002.yaml`]" in body
    assert "Routing config review signed off by each owning team." in body
    assert "https://github.com/Codertocat/Hello-World/blob/master/postmortems/INC-2026-0002.yaml" in body
    assert "`@ana-silva`" in world.repo.issues[9].body  # not a collaborator: named, not pinged
    assert {label.name: label.color for label in world.repo.labels.values()} == {
        "postmortem": "5319e7", "severity:SEV3": "fbca04", "team:team-data-platform": "1d76db",
        "team:team-observability": "1d76db", "severity:SEV1": "b60205", "team:team-identity": "1d76db",
        "team:team-sre": "1d76db", "owner:ana-silva": "c5def5"}
    assert "created  INC-2026-0002 follow-up 1  #1" in out
    assert "summary: 10 created, 0 unchanged" in out
    assert world.list_passes() == 1


def test_rerun_with_nothing_changed_writes_nothing(world):
    assert world.run()[0] == 0
    world.emu.reset_calls()
    code, out, _ = world.run()
    assert code == 0
    assert world.writes() == []
    assert world.list_passes() == 1
    assert "tracking pull request already up to date" in out
    assert world.issues() == expected_issues()


def test_rerun_after_the_tracking_pull_request_merged_writes_nothing(world):
    world.run()
    world.merge()
    assert 'tracking: "#6"' in world.text(SEV1)
    world.emu.reset_calls()
    code, out, _ = world.run()
    assert code == 0 and world.writes() == [] and world.list_passes() == 1
    assert world.issues() == expected_issues()


@pytest.mark.parametrize("event", [n for n in webhook_names("push") if n not in ("push.5", "push.6")])
def test_a_push_that_is_not_to_the_default_branch_does_nothing(tmp_path, github_emulator, monkeypatch, event):
    world = World(tmp_path, github_emulator, monkeypatch, event=event)
    world.write(SEV3, incident_text(SEV3))
    code, out, _ = world.run()
    assert code == 0
    assert out.startswith("postmortem followups: nothing to do: the push ")
    assert github_emulator.calls == []


def test_every_push_to_the_default_branch_syncs(tmp_path, github_emulator, monkeypatch):
    for event in ("push.5", "push.6"):
        world = World(tmp_path / event, github_emulator, monkeypatch, event=event)
        world.write(SEV3, incident_text(SEV3))
        assert world.run()[0] == 0
        assert world.titles() == SEV3_TITLES
        github_emulator.repos.clear()


def test_lost_create_response_does_not_duplicate(world):
    fault = world.emu.fail_next(502, operation="issues/create", applied=True, times=2)
    code, out, _ = world.run()
    assert code == 0
    assert fault.hits == 2
    assert world.issues() == expected_issues()
    assert out.count("adopted  INC-2026-0002 follow-up") == 2 and "summary: 8 created, 2 adopted" in out
    assert len(world.emu.calls_to("issues/create")) == 10


def test_create_that_failed_before_applying_is_sent_again(world):
    world.emu.fail_next(502, operation="issues/create", times=1)
    assert world.run()[0] == 0
    assert world.issues() == expected_issues()
    assert len(world.emu.calls_to("issues/create")) == 11


def test_timeout_after_create_is_adopted_not_repeated(world):
    world.emu.slow(1.5, operation="issues/create", times=1)
    code, out, _ = world.run("--timeout", "1")
    assert code == 0
    assert "adopted" in out
    assert world.issues() == expected_issues()


def test_secondary_rate_limit_is_waited_out(world):
    world.emu.secondary_rate_limit(operation="issues/create", retry_after=37, times=1)
    code, _, _ = world.run()
    assert code == 0
    assert world.issues() == expected_issues()
    assert world.clock.slept >= 37


def test_rate_limit_longer_than_allowed_stops_and_the_next_run_finishes(world):
    world.emu.secondary_rate_limit(operation="issues/create", retry_after=3600, times=1)
    code, out, _ = world.run("--max-rate-limit-wait", "60")
    assert code == 1
    assert "stopped: GitHub secondary rate limit: retry in 3600 s, more than the 60 s this run may wait" in out
    assert world.issues() == []
    assert world.run()[0] == 0
    assert world.issues() == expected_issues()


def test_existing_label_with_another_colour_is_used_as_is(world):
    world.emu.add_issue(world.repository, "unrelated", user="octocat", labels=["PostMortem"])
    world.repo.label("postmortem").color = "000000"
    assert world.run()[0] == 0
    assert world.repo.label("postmortem").color == "000000"
    assert [c for c in world.emu.calls if c.operation in ("issues/update-label",)] == []
    created = [c.request["name"] for c in world.emu.calls_to("issues/create-label")]
    assert "postmortem" not in [name.lower() for name in created]
    assert [view.title for view in world.issues() if view.author == BOT] == SEV3_TITLES + SEV1_TITLES


def test_label_created_meanwhile_is_not_an_error(world):
    world.emu.fail_next(422, operation="issues/create-label", times=1)
    code, out, _ = world.run()
    assert code == 0 and "error" not in out
    assert world.issues() == expected_issues()


def test_owner_who_is_not_a_collaborator_becomes_a_label(world):
    world.run()
    ana = world.issues()[8]
    assert (ana.assignees, "owner:ana-silva" in ana.labels) == ((), True)
    priya = world.issues()[3]
    assert (priya.assignees, any(l.startswith("owner:") for l in priya.labels)) == (("priya-raman",), False)


def test_assignment_refused_by_github_falls_back_to_a_label(world):
    world.emu.add_collaborator(world.repository, "ana-silva", "read")  # a collaborator ...
    original = world.emu.op_issues_create

    def refuse_ana(req):
        if "ana-silva" in (req.body or {}).get("assignees", []):
            from support.github.handlers import invalid

            raise invalid("Issue", "assignees", value="ana-silva")  # ... that GitHub will not assign
        return original(req)

    world.emu.op_issues_create = refuse_ana
    assert world.run()[0] == 0
    assert world.issues() == expected_issues()


def test_invalid_yaml_file_is_skipped_and_the_rest_syncs(world):
    world.write("INC-2026-0009", "id: INC-2026-0009\ntitle: [broken\n")
    code, out, err = world.run()
    assert code == 1
    assert "postmortems/INC-2026-0009.yaml:" in out and "invalid YAML" in out and "follow-ups are skipped" in out
    assert world.issues() == expected_issues()


def test_issues_of_an_incident_whose_file_breaks_are_left_alone(world):
    world.run()
    world.write(SEV3, incident_text(SEV3).replace("follow_ups:\n", "follow_ups:\n  - [\n", 1))
    code, _, _ = world.run()
    assert code == 1
    assert world.issues() == expected_issues()  # nothing closed


def test_invalid_follow_up_is_skipped_and_its_incident_closes_nothing(world):
    world.run()
    text = incident_text(SEV3).replace('due: "2026-05-27"', 'due: "next week"', 1)
    text = text.replace("Disk-aware partition placement policy", "Disk-aware placement policy v2", 1)
    world.write(SEV3, text)
    code, out, _ = world.run()
    assert code == 1
    assert "follow-up 1: due 'next week' is not a date" in out
    issues = world.issues()
    assert [i.state for i in issues] == ["open"] * 10
    assert issues[4].title == "Disk-aware placement policy v2"  # edited in place (same position)


def test_editing_a_follow_up_updates_its_issue(world):
    world.run()
    human = world.repo.issues[2]
    world.emu.add_label(world.repository, "in-progress")
    human.labels.append("in-progress")
    world.emu.add_collaborator(world.repository, "devon-lee")
    human.assignees.append("devon-lee")
    text = incident_text(SEV3).replace("Make bounded retention the Kafka cluster default",
                                       "Make bounded retention the default on every Kafka cluster", 1)
    text = text.replace("owner: team-data-platform\n    due: \"2026-06-19\"", "owner: \"@priya-raman\"\n    due: \"2026-06-19\"", 1)
    world.write(SEV3, text)
    world.emu.reset_calls()
    code, out, _ = world.run()
    assert code == 0
    issue = world.repo.issues[2]
    assert issue.title == "Make bounded retention the default on every Kafka cluster"
    assert sorted(issue.labels) == ["in-progress", "postmortem", "severity:SEV3"]
    assert issue.assignees == ["devon-lee", "priya-raman"]
    assert "updated  INC-2026-0002 follow-up 2  #2: title, body, labels, assignee" in out
    # the tracking branch is rebuilt on the new default branch, and its pull request lists the new wording
    assert [c.operation for c in world.writes()] == ["issues/update", "git/create-tree", "git/create-commit",
                                                     "git/update-ref", "pulls/update"]
    assert len(world.issues()) == 10


def test_rewording_a_follow_up_in_place_keeps_its_issue(world):
    world.run()
    text = incident_text(SEV3).replace("Disk-aware partition placement policy", "Quarterly broker capacity review", 1)
    text = text.replace("Placement test shows no broker with more than 40% of a new topic's partitions.",
                        "Review minutes list each broker's headroom.", 1)
    world.write(SEV3, text)
    assert world.run()[0] == 0
    assert [(v.number, v.title, v.state) for v in world.issues()][4] == (5, "Quarterly broker capacity review", "open")
    assert "Review minutes list each broker's headroom." in world.repo.issues[5].body
    assert len(world.issues()) == 10


def test_removing_a_follow_up_in_the_middle_closes_only_its_issue(world):
    world.run()
    text = incident_text(SEV3)
    start = text.index("  - action: Make bounded retention the Kafka cluster default")
    end = text.index("  - action: Alert on predicted time-to-full-disk for brokers")
    world.write(SEV3, text[:start] + text[end:])
    code, out, _ = world.run()
    assert code == 0
    states = {view.number: (view.title, view.state, view.state_reason) for view in world.issues()}
    assert states[2] == (SEV3_TITLES[1], "closed", "not_planned")
    assert all(states[n][1] == "open" for n in (1, 3, 4, 5))
    assert [states[n][0] for n in (1, 3, 4, 5)] == [SEV3_TITLES[0], *SEV3_TITLES[2:]]
    assert "Follow-up action 2 of 4" in world.repo.issues[3].body
    assert len(world.issues()) == 10


def test_follow_up_removed_from_the_list_closes_its_issue(world):
    world.run()
    text = incident_text(SEV3)
    start = text.index("  - action: Disk-aware partition placement policy")
    end = text.index("\ncommunication:")
    world.write(SEV3, text[:start] + text[end + 1:].replace("communication:", "\ncommunication:", 1))
    code, out, _ = world.run()
    assert code == 0
    closed = world.repo.issues[5]
    assert (closed.state, closed.state_reason) == ("closed", "not_planned")
    comments = [c for c in world.repo.comments.values() if c.issue_number == 5]
    assert len(comments) == 1 and comments[0].user == BOT
    assert "no longer listed in [INC-2026-0002]" in comments[0].body
    assert "close    INC-2026-0002  #5" in out or "closed   INC-2026-0002  #5" in out
    assert len(world.issues()) == 10
    world.emu.reset_calls()
    assert world.run()[0] == 0 and [c for c in world.writes() if c.operation.startswith("issues/")] == []


def test_issue_closed_by_a_person_is_never_reopened_or_recreated(world):
    world.run()
    first = world.repo.issues[1]
    first.state, first.state_reason, first.closed_by = "closed", "completed", "priya-raman"
    world.repo.issues[7].state, world.repo.issues[7].state_reason = "closed", "not_planned"
    world.emu.reset_calls()
    code, _, _ = world.run()
    assert code == 0
    assert [c for c in world.writes() if c.operation.startswith("issues/")] == []
    assert len(world.issues()) == 10
    assert (world.repo.issues[1].state, world.repo.issues[7].state) == ("closed", "closed")
    rows = {(r["incident"], r["index"]): r for r in world.status()["follow_ups"]}
    assert rows[(SEV3, 0)]["status"] == "done" and rows[(SEV1, 1)]["status"] == "not-planned"


def test_issue_reopened_by_a_person_after_the_sync_closed_it_stays_open(world):
    world.run()
    text = incident_text(SEV3)
    start = text.index("  - action: Disk-aware partition placement policy")
    end = text.index("\ncommunication:")
    world.write(SEV3, text[:start] + text[end + 1:].replace("communication:", "\ncommunication:", 1))
    world.run()
    reopened = world.repo.issues[5]
    reopened.state, reopened.state_reason, reopened.closed_at = "open", "reopened", None
    world.emu.reset_calls()
    code, out, _ = world.run()
    assert code == 0 and world.repo.issues[5].state == "open"
    assert [c for c in world.writes() if c.operation.startswith("issues/")] == []


def test_a_copied_marker_on_someone_elses_issue_is_ignored(world):
    world.run()
    copy = world.repo.issues[1].body
    world.emu.add_issue(world.repository, "copy", user="mallory", body=copy, labels=["postmortem"])
    world.emu.reset_calls()
    assert world.run()[0] == 0
    assert world.writes() == []
    copy_issue = next(v for v in world.issues() if v.title == "copy")
    assert (copy_issue.author, copy_issue.state) == ("mallory", "open")


def test_content_creating_requests_stay_under_githubs_limit(tmp_path, github_emulator, monkeypatch):
    world = World(tmp_path, github_emulator, monkeypatch)
    github_emulator.clock = world.clock.now
    github_emulator.enforce_secondary_limit(80)
    for n in range(20):
        world.write(f"INC-2026-{n + 100:04d}", incident_text(SEV3, f"INC-2026-{n + 100:04d}"))
    code, out, _ = world.run()
    assert code == 0
    assert len(world.issues()) == 100
    assert github_emulator.max_content_creating_per_minute() <= 80
    assert not [c for c in github_emulator.calls if c.is_write and c.status == 403]
    assert world.clock.now() - 1000 >= 60  # 100+ writes at 80 a minute take more than a minute
