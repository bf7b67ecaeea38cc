"""Issue numbers written back into the follow-ups' tracking fields: only that scalar changes,
through one pull request (updated in place), a direct commit, the working tree, or not at all."""

from __future__ import annotations

import pytest

from postmortem_kit.followups import TrackingEditError, rewrite_tracking
from support.followups_world import World, incident_text

SEV3 = "INC-2026-0002"
SEV1 = "INC-2026-0004"
BRANCH = "postmortem-kit/follow-up-tracking"


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(old line, new line) for each line that differs; the files must have the same lines otherwise."""
    old, new = before.splitlines(True), after.splitlines(True)
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new) if a != b]


def tracking_lines(numbers, newline: str = "\n") -> list[tuple[str, str]]:
    return [(f"    tracking: new{newline}", f'    tracking: "#{n}"{newline}') for n in numbers]


# --- the text edit ---

@pytest.mark.parametrize("prefix, newline", [("", "\n"), ("\ufeff", "\n"), ("", "\r\n"),
                                             ("# Ünïcödé ✓ 🎉 — comment first\n", "\n")])
def test_only_the_tracking_scalars_change(prefix, newline):
    text = prefix + incident_text(SEV3).replace("\n", newline)
    raw = text.encode("utf-8")
    new = rewrite_tracking(raw, "x.yaml", {0: "#11", 3: "#14"})
    assert new.startswith(prefix.encode("utf-8"))
    assert changed_lines(raw.decode(), new.decode()) == tracking_lines((11, 14), newline)
    assert len(new) == len(raw) + 2 * len('"#11"') - 2 * len("new")


def test_quoting_and_comments_are_kept():
    text = incident_text(SEV3).replace("tracking: new", "tracking: 'new'   # the sync fills this in", 1)
    text = text.replace("tracking: new", 'tracking:   "new"', 1)
    new = rewrite_tracking(text.encode(), "x.yaml", {0: "#7", 1: "#8"}).decode()
    assert changed_lines(text, new) == [
        ("    tracking: 'new'   # the sync fills this in\n", "    tracking: '#7'   # the sync fills this in\n"),
        ('    tracking:   "new"\n', '    tracking:   "#8"\n')]


def test_a_block_scalar_is_refused_not_mangled():
    text = incident_text(SEV3).replace("tracking: new", "tracking: >-\n      new", 1)
    with pytest.raises(TrackingEditError, match="block scalar"):
        rewrite_tracking(text.encode(), "x.yaml", {0: "#7"})


# --- publishing ---

@pytest.fixture
def world(tmp_path, github_emulator, monkeypatch):
    world = World(tmp_path, github_emulator, monkeypatch, collaborators={"priya-raman": "write"})
    world.write(SEV3, incident_text(SEV3))
    return world


def test_one_pull_request_from_the_bot_changes_only_tracking(world):
    main_before = world.repo.git.refs["refs/heads/master"]
    code, out, _ = world.run()
    assert code == 0
    assert world.repo.git.refs["refs/heads/master"] == main_before  # nothing pushed to the default branch
    (pull,) = world.repo.pulls()
    assert (pull.user, pull.pull.head_ref, pull.pull.base_ref, pull.state) == ("github-actions[bot]", BRANCH, "master", "open")
    assert [f.filename for f in pull.pull.files] == [f"postmortems/{SEV3}.yaml"]
    assert world.repo.git.commits[pull.pull.head_sha].parents == [main_before]
    before, after = world.text(SEV3), world.on_branch(BRANCH, SEV3)
    assert changed_lines(before, after) == tracking_lines(range(1, 6))
    assert "follow-up 1 (Cap retention on every replay and backfill topic): `new` → `#1`" in pull.body
    assert f"tracking pull request opened (1 file): https://github.com/{world.repository}/pull/{pull.number}" in out


def test_the_pull_request_is_updated_in_place_on_the_next_run(world):
    world.run()
    (pull,) = world.repo.pulls()
    world.write(SEV1, incident_text(SEV1))
    code, out, _ = world.run()
    assert code == 0
    assert [p.number for p in world.repo.pulls()] == [pull.number]
    updated = world.repo.pulls()[0]
    assert sorted(f.filename for f in updated.pull.files) == [f"postmortems/{SEV3}.yaml", f"postmortems/{SEV1}.yaml"]
    assert world.repo.git.commits[updated.pull.head_sha].parents == [world.repo.git.refs["refs/heads/master"]]
    assert 'tracking: "#7"' in world.on_branch(BRANCH, SEV1)
    assert "tracking pull request updated (2 files)" in out


def test_a_new_pull_request_after_the_last_one_merged(world):
    world.run()
    world.merge()
    world.write(SEV1, incident_text(SEV1))
    assert world.run()[0] == 0
    pulls = world.repo.pulls()
    assert [(p.state, p.pull.merged) for p in pulls] == [("closed", True), ("open", False)]
    assert [f.filename for f in pulls[1].pull.files] == [f"postmortems/{SEV1}.yaml"]


def test_a_file_that_changed_on_the_default_branch_waits_for_the_next_run(world):
    world.write(SEV1, incident_text(SEV1))
    world.repo.commit_files("master", {f"postmortems/{SEV1}.yaml": incident_text(SEV1) + "# edited on GitHub\n"})
    code, out, _ = world.run()
    assert code == 0
    assert f"tracking skipped postmortems/{SEV1}.yaml: changed on master since this checkout" in out
    assert world.on_branch(BRANCH, SEV1).endswith("# edited on GitHub\n")  # the newer text is kept as it is
    assert 'tracking: "#1"' in world.on_branch(BRANCH, SEV3)


def test_lost_answer_to_the_pull_request_create_makes_no_second_one(world):
    world.emu.fail_next(502, operation="pulls/create", applied=True)
    world.emu.fail_next(502, operation="git/create-ref", applied=True)
    assert world.run()[0] == 0
    assert len(world.repo.pulls()) == 1
    world.emu.reset_calls()
    assert world.run()[0] == 0 and world.writes() == []


def test_commit_mode_fast_forwards_the_default_branch(world):
    main_before = world.repo.git.refs["refs/heads/master"]
    code, out, _ = world.run("--write-back", "commit")
    assert code == 0
    main_after = world.repo.git.refs["refs/heads/master"]
    assert world.repo.git.commits[main_after].parents == [main_before]
    assert world.repo.pulls() == []
    assert changed_lines(world.text(SEV3), world.on_branch("master", SEV3)) == tracking_lines(range(1, 6))
    assert "tracking committed to the default branch" in out


def test_commit_mode_refused_by_branch_rules_says_what_to_do(world):
    world.emu.fail_next(422, operation="git/update-ref")
    code, out, _ = world.run("--write-back", "commit")
    assert code == 1
    assert "could not move master" in out and "use --write-back pr" in out
    assert len(world.issues()) == 5


def test_local_mode_rewrites_the_working_tree(world):
    before = world.text(SEV3)
    code, out, _ = world.run("--write-back", "local")
    assert code == 0
    assert changed_lines(before, world.text(SEV3)) == tracking_lines(range(1, 6))
    assert not [c for c in world.emu.calls if c.operation and c.operation.startswith(("git/", "pulls/"))]
    world.emu.reset_calls()
    assert world.run("--write-back", "local")[0] == 0 and world.writes() == []


def test_off_leaves_the_files_alone(world):
    before = world.text(SEV3)
    code, out, _ = world.run("--write-back", "off")
    assert code == 0 and world.text(SEV3) == before
    assert not [c for c in world.emu.calls if c.operation and c.operation.startswith(("git/", "pulls/"))]
    assert "tracking off (--write-back off)" in out
