"""How `postmortem followups` recognises its own issues and closing comments when a person edits
the hidden marker out of them: a rerun must not open a second issue or post a second comment, and
must never adopt another author's issue that looks like ours. People edit through the API with their
own token (PyGithub against the emulator), as they would on github.com."""

from __future__ import annotations

import re

import pytest

from support.followups_world import BOT, World, incident_text

SEV3 = "INC-2026-0002"
SEV1 = "INC-2026-0004"
PERSON = "priya-raman"
PERSON_TOKEN = "ghp_personEditsMarkers000000000000000000"
MALLORY_TOKEN = "ghp_malloryLookalike00000000000000000000"
MARKER = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def without_markers(body: str) -> str:
    """What a person leaves after deleting the hidden HTML comments (the rest of the text stays)."""
    return MARKER.sub("", body)


@pytest.fixture
def world(tmp_path, github_emulator, monkeypatch):
    world = World(tmp_path, github_emulator, monkeypatch, collaborators={PERSON: "write"})
    world.write(SEV3, incident_text(SEV3))
    world.write(SEV1, incident_text(SEV1))
    github_emulator.add_token(PERSON_TOKEN, PERSON)
    return world


def as_person(world, github_api, token: str = PERSON_TOKEN):
    return github_api(token).get_repo(world.repository)



def test_an_issue_whose_marker_a_person_removed_is_not_opened_again(world, github_api):
    assert world.run()[0] == 0
    assert len(world.issues()) == 10 and len(world.repo.pulls()) == 1  # the tracking pull request: unmerged
    issue = as_person(world, github_api).get_issue(2)
    issue.edit(body=without_markers(issue.body))
    assert "postmortem-kit" not in world.repo.issues[2].body

    code, out, _ = world.run()
    assert code == 0, out
    assert len(world.issues()) == 10  # no second issue for follow-up 2
    assert world.repo.issues[2].body.startswith('<!-- postmortem-kit:follow-up {"incident":"INC-2026-0002","slot":1,')
    assert "updated  INC-2026-0002 follow-up 2  #2: body" in out
    world.emu.reset_calls()
    assert world.run()[0] == 0 and [c for c in world.writes() if c.operation.startswith("issues/")] == []
    assert not world.emu.calls_to("repos/get-content")  # every marker is back: the tracking branch is not read


def test_the_unmerged_tracking_branch_finds_an_unmarked_issue_whose_action_was_reworded(world, github_api):
    world.run()
    issue = as_person(world, github_api).get_issue(2)
    issue.edit(body=without_markers(issue.body))
    old, new = "Make bounded retention the Kafka cluster default", "Make bounded retention the default on every cluster"
    world.write(SEV3, incident_text(SEV3).replace(old, new))  # the title no longer matches either
    world.emu.reset_calls()
    code, out, _ = world.run()
    assert code == 0, out
    assert len(world.issues()) == 10
    assert world.repo.issues[2].title == new
    assert world.repo.issues[2].body.startswith('<!-- postmortem-kit:follow-up {"incident":"INC-2026-0002","slot":1,')
    assert world.emu.calls_to("repos/get-content")  # read from the tracking branch, only because of the edit


def test_an_issue_recorded_in_tracking_stays_managed_without_its_marker(world, github_api):
    world.run()
    world.merge()  # tracking: "#N" everywhere now
    issue = as_person(world, github_api).get_issue(3)
    issue.edit(body=without_markers(issue.body))
    code, out, _ = world.run()
    assert code == 0, out
    assert len(world.issues()) == 10
    assert world.repo.issues[3].body.startswith('<!-- postmortem-kit:follow-up {"incident":"INC-2026-0002","slot":2,')


def test_a_closed_issue_without_its_marker_is_still_done_not_recreated(world, github_api):
    world.run()
    issue = as_person(world, github_api).get_issue(1)
    issue.edit(body=without_markers(issue.body), state="closed", state_reason="completed")
    code, _, _ = world.run()
    assert code == 0
    assert len(world.issues()) == 10
    rows = {(r["incident"], r["index"]): r for r in world.status()["follow_ups"]}
    assert rows[(SEV3, 0)]["status"] == "done" and rows[(SEV3, 0)]["issue"] == 1


def test_a_lookalike_issue_by_another_author_is_never_adopted(world, github_api):
    world.emu.add_token(MALLORY_TOKEN, "mallory")
    title = "Make bounded retention the Kafka cluster default"
    lookalike = as_person(world, github_api, MALLORY_TOKEN).create_issue(title, body="same title, no marker",
                                                                         labels=["postmortem"])
    code, _, _ = world.run()
    assert code == 0
    mine = [v for v in world.issues() if v.author == BOT]
    assert len(mine) == 10 and title in [v.title for v in mine]
    kept = world.repo.issues[lookalike.number]
    assert (kept.user, kept.body, kept.state) == ("mallory", "same title, no marker", "open")


def test_a_reopened_issue_stays_open_when_its_closing_comment_lost_the_marker(world, github_api):
    world.run()
    text = incident_text(SEV3)
    start = text.index("  - action: Disk-aware partition placement policy")
    end = text.index("\ncommunication:")
    world.write(SEV3, text[:start] + text[end + 1:].replace("communication:", "\ncommunication:", 1))
    world.run()
    repo = as_person(world, github_api)
    issue = repo.get_issue(5)
    (comment,) = list(issue.get_comments())
    comment.edit(without_markers(comment.body))
    issue.edit(state="open")
    world.emu.reset_calls()
    code, _, _ = world.run()
    assert code == 0
    assert world.repo.issues[5].state == "open"
    assert len([c for c in world.repo.comments.values() if c.issue_number == 5]) == 1
    assert [c for c in world.writes() if c.operation.startswith("issues/")] == []


def test_an_app_token_without_its_bot_login_is_reported_not_silently_duplicated(world, monkeypatch):
    app = "pm-kit[bot]"  # a GitHub App's installation token: GET /user is forbidden, as for GITHUB_TOKEN
    world.emu.add_token("ghs_appInstallationToken000000000000000", app, app=True)
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_appInstallationToken000000000000000")
    code, out, _ = world.run()
    assert code == 1
    assert out.count(f"error: GitHub shows what this token writes as written by {app}, not {BOT}") == 1
    for _ in range(2):  # told who it writes as, it finds what the first run opened
        assert world.run("--bot-login", app)[0] == 0
    assert len(world.issues()) == 10
