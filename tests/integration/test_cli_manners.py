"""CLI manners as a shell user meets them: a closed pipe (`| head -c1`) ends quietly, a mistyped verb
gets "did you mean", a missing result file is named, a missing folder is reported without a position."""

from __future__ import annotations

import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "postmortem_kit"]


def closed_pipe(argv: list[str], cwd) -> subprocess.CompletedProcess:
    """Run with stdout a pipe whose reader is gone before the first write (as `| head -c1` ends)."""
    process = subprocess.Popen([*CLI, *argv], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(argv, process.returncode, "", err.decode())


@pytest.mark.parametrize("argv", [
    ["check", "--format", "json", "postmortems"],
    ["lint", "--list-rules"],
    ["stats", "--format", "json", "postmortems"],
    ["followups", "--status", "--format", "json", "--offline", "--status-file", "", "postmortems"],
    ["rules", "--format", "json"],
    ["--help"],
    ["--version"],
], ids=lambda argv: " ".join(argv[:3]))
def test_a_closed_pipe_ends_quietly(argv, repo_root):
    done = closed_pipe(argv, repo_root)
    assert done.stderr == "", done.stderr
    assert done.returncode in (0, 141)


def test_head_c1_in_a_real_shell(repo_root):
    done = subprocess.run(f"{sys.executable} -m postmortem_kit check --format json postmortems | head -c1",
                          shell=True, cwd=repo_root, capture_output=True, text=True, timeout=120)
    assert done.stdout == "[" and done.stderr == ""


def test_a_mistyped_verb_gets_did_you_mean(run_cli):
    code, _, err = run_cli("chekc")
    assert code == 2 and "did you mean 'check'?" in err


def test_pr_post_names_the_missing_result_file(run_cli, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    code, _, err = run_cli("pr", "post", str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err and "not found" in err


def test_a_missing_folder_has_no_position(run_cli, tmp_path):
    missing = tmp_path / "nowhere"
    for argv in (["check", str(missing)], ["stats", str(missing)], ["lint", str(missing)]):
        code, out, err = run_cli(*argv)
        assert code != 0, argv
        assert f"{missing}:" in out + err and f"{missing}:1:1" not in out + err, (argv, out, err)
