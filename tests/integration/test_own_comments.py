"""How `postmortem pr post` recognises its own sticky comment and suggestion comments when a
person edits the hidden marker out of them: a rerun edits them in place (the marker comes back)
instead of posting a second one, and never touches another author's lookalike comment. People edit
through the API with their own token (PyGithub against the emulator), as they would on github.com."""

from __future__ import annotations

import re

import pytest

from support.github.fixtures import BOT_LOGIN, USER_TOKEN
from support.pr_data import draft_incident, draft_path
from support.pr_scenario import PrScenario

PERSON = "priya-raman"
PERSON_TOKEN = "ghp_personEditsMarkers000000000000000000"
MALLORY_TOKEN = "ghp_malloryLookalike00000000000000000000"
DRAFT = draft_path(3)
MARKER = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def without_markers(body: str) -> str:
    """What a person leaves after deleting the hidden HTML comments (the rest of the text stays)."""
    return MARKER.sub("", body)



@pytest.fixture
def scenario(github_emulator, tmp_path, monkeypatch):
    github_emulator.add_token(PERSON_TOKEN, PERSON)
    return PrScenario(github_emulator, tmp_path, monkeypatch)


def person_pull(scenario, github_api, token: str = PERSON_TOKEN):
    return github_api(token).get_repo(scenario.repo_name).get_pull(scenario.issue.number)


@pytest.mark.parametrize("token", ["app", "personal"])
def test_a_sticky_comment_whose_marker_a_person_removed_is_edited_not_posted_again(
        scenario, run_cli, github_api, github_emulator, monkeypatch, token):
    login = BOT_LOGIN
    if token == "personal":  # a personal token may ask GET /user who it is; GITHUB_TOKEN may not
        login = "pm-kit-bot"
        github_emulator.add_token(USER_TOKEN, login)
        monkeypatch.setenv("GITHUB_TOKEN", USER_TOKEN)
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    assert scenario.post(run_cli)[0] == 0
    (sticky,) = [c for c in scenario.comments() if c.user == login]
    edited = person_pull(scenario, github_api).get_issue_comment(sticky.id)
    edited.edit(without_markers(edited.body))
    assert "postmortem-kit:pr-comment" not in scenario.repo.comments[sticky.id].body

    code, out, _ = scenario.post(run_cli)
    assert code == 0, out
    assert [c.id for c in scenario.comments() if c.user == login] == [sticky.id]
    assert scenario.repo.comments[sticky.id].body.startswith("<!-- postmortem-kit:pr-comment -->")
    assert "sticky comment: updated in place" in out


def test_a_deleted_sticky_comment_is_posted_again_once(scenario, run_cli, github_api):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    scenario.post(run_cli)
    (sticky,) = [c for c in scenario.comments() if c.user == BOT_LOGIN]
    person_pull(scenario, github_api).get_issue_comment(sticky.id).delete()
    assert scenario.post(run_cli)[0] == 0
    assert len([c for c in scenario.comments() if c.user == BOT_LOGIN]) == 1
    assert scenario.post(run_cli)[0] == 0
    assert len([c for c in scenario.comments() if c.user == BOT_LOGIN]) == 1


def test_a_suggestion_whose_marker_a_person_removed_is_edited_not_posted_again(scenario, run_cli, github_api):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    scenario.post(run_cli)
    before = {c.id for c in scenario.review_comments()}
    assert len(before) == 12
    target = next(c for c in scenario.review_comments() if "section=summary" in c.body)
    edited = person_pull(scenario, github_api).get_review_comment(target.id)
    edited.edit(without_markers(edited.body))
    assert "postmortem-kit:suggestion" not in scenario.repo.review_comments[target.id].body

    code, out, _ = scenario.post(run_cli)
    assert code == 0, out
    assert {c.id for c in scenario.review_comments()} == before  # still 12, the same ones
    assert "section=summary" in scenario.repo.review_comments[target.id].body
    assert "1 updated in place" in out


def test_lookalike_comments_by_another_author_are_never_touched(scenario, run_cli, github_api, github_emulator):
    github_emulator.add_token(MALLORY_TOKEN, "mallory")
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    scenario.post(run_cli)
    pull = person_pull(scenario, github_api, MALLORY_TOKEN)
    sticky = next(c for c in scenario.comments() if c.user == BOT_LOGIN)
    summary = next(c for c in scenario.review_comments() if "section=summary" in c.body)
    copy = pull.create_issue_comment(without_markers(sticky.body))
    fake = pull.create_review_comment(without_markers(summary.body), scenario.head_sha, DRAFT,
                                      line=summary.line, side="RIGHT")
    github_emulator.reset_calls()
    assert scenario.post(run_cli)[0] == 0
    assert github_emulator.stats().writes == 0
    assert scenario.repo.comments[copy.id].body == without_markers(sticky.body)
    assert scenario.repo.review_comments[fake.id].body == without_markers(summary.body)


def test_every_part_and_suggestion_shape_is_known_by_its_first_line_alone():
    from postmortem_kit.pr import ALL_SECTIONS, Anchor, Suggestion, pack, part_by_first_line, section_by_first_line

    bodies, _ = pack(["x" * 50_000, "y" * 50_000, "z" * 50_000], "footer")
    assert [part_by_first_line(without_markers(body)) for body in bodies][1:] == [2, 3]  # part 1: render's heading
    assert part_by_first_line("### postmortem-kit: incident files in this pull request\n...") == 1
    assert part_by_first_line("Thanks, ### postmortem-kit: incident files in this pull request") is None
    single = Suggestion("postmortems/a.yaml", "root_cause", Anchor(9, "append", "x: 1"), "root_cause: y\n", None)
    together = Suggestion("postmortems/a.yaml", ALL_SECTIONS, Anchor(9, "append", "x: 1"), "a: 1\n", None,
                          start_line=3, sections=("summary", "impact"))
    assert section_by_first_line(without_markers(single.body)) == "root_cause"
    assert section_by_first_line(without_markers(together.body)) == ALL_SECTIONS
    assert section_by_first_line("I think **Drafted `root_cause`** (x) is wrong") is None
    assert section_by_first_line("**Drafted `" + "a" * 100_000) is None


def test_an_app_token_without_its_bot_login_is_reported_not_silently_duplicated(scenario, run_cli, github_emulator,
                                                                               monkeypatch):
    app = "pm-kit[bot]"  # a GitHub App's installation token: GET /user is forbidden, as for GITHUB_TOKEN
    github_emulator.add_token("ghs_appInstallationToken000000000000000", app, app=True)
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_appInstallationToken000000000000000")
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    code, out, _ = scenario.post(run_cli)
    assert code == 1
    assert f"problem: GitHub shows what this token writes as written by {app}, not {BOT_LOGIN}" in out
    for _ in range(2):  # told who it writes as, it finds what the first run wrote
        assert scenario.post(run_cli, "--bot-login", app)[0] == 0
    assert len([c for c in scenario.comments() if c.user == app]) == 1
    assert len(scenario.review_comments()) == 12
