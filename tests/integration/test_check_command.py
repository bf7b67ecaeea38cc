"""`postmortem check` as a command: bad input, exit codes and output formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.examples import COMPLETE, edited, example_text, write_incident


def _no_traceback(out: str, err: str) -> None:
    assert "Traceback" not in out + err


@pytest.mark.parametrize("content, rule, code, line", [
    (b"id: INC-2026-0001\ntitle: [unclosed\nstatus: draft\n", "yaml/syntax", 2, 3),
    (b"- a\n- b\n", "yaml/not-a-mapping", 1, 1),
    (b"just a string\n", "yaml/not-a-mapping", 1, 1),
    (b"", "yaml/not-a-mapping", 1, 1),
    (b"a: &x [1, 2]\nb: *x\n", "yaml/anchor", 2, 1),
    (b"id: INC-2026-0001\nid: INC-2026-0002\n", "yaml/duplicate-key", 1, 2),
    (b"a: caf\xe9\n", "file/encoding", 2, 1),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file/binary", 2, 3),
    (b"[" * 10_000 + b"]" * 10_000, "yaml/too-deep", 2, 1),
])
def test_bad_input_gives_a_clear_finding(run_cli, tmp_path, content, rule, code, line):
    path = tmp_path / "INC-2026-0001.yaml"
    path.write_bytes(content)
    exit_code, out, err = run_cli("check", str(path))
    _no_traceback(out, err)
    assert exit_code == code
    assert f"{path}:{line}:" in out and rule in out


def test_alias_bomb(run_cli, tmp_path):
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    bomb += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]" for i in range(9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(bomb) + "\n")
    code, out, err = run_cli("check", str(path))
    assert code == 2 and "yaml/anchor" in out and "not allowed" in out
    _no_traceback(out, err)


def test_twenty_megabyte_file(run_cli, tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"notes: |\n" + b"  " + b"x" * 100 + b"\n" * 0 + (b"  " + b"y" * 100 + b"\n") * 200_000)
    code, out, err = run_cli("check", str(path))
    assert code == 2 and "file/too-large" in out and f"{path}:1:1" in out
    _no_traceback(out, err)


def test_missing_path_and_empty_directory(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not yaml")
    code, out, err = run_cli("check", str(tmp_path / "nope.yaml"), str(tmp_path / "empty"))
    assert code == 2
    assert "nope.yaml: error file/missing" in out and "nope.yaml:1:1" not in out
    assert "empty: error file/no-incidents" in out
    _no_traceback(out, err)


def test_every_file_is_checked_before_exiting(run_cli, tmp_path):
    write_incident(tmp_path, "a: [\n", name="INC-2026-0001.yaml")
    write_incident(tmp_path, edited("severity: SEV2", "severity: SEV9").replace(COMPLETE, "INC-2026-0002"),
                   name="INC-2026-0002.yaml")
    write_incident(tmp_path, example_text("INC-2026-0004"), name="INC-2026-0004.yaml")
    code, out, err = run_cli("check", str(tmp_path))
    assert code == 2
    assert "INC-2026-0001.yaml" in out and "SEV9" in out
    assert "3 files checked" in err


def test_bad_arguments_exit_2(run_cli):
    code, out, err = run_cli("check", "--format", "xml")
    assert code == 2 and "invalid choice" in err
    code, out, err = run_cli("nonsense")
    assert code == 2 and "unknown verb" in err


def test_strict_and_quiet(run_cli, examples_dir):
    code, out, _ = run_cli("check", "--quiet", str(examples_dir))
    assert code == 0 and out == ""


def test_json_format_fields(run_cli, tmp_path):
    path = write_incident(tmp_path, edited("severity: SEV2", "severity: SEV5"))
    code, out, _ = run_cli("check", "--format", "json", str(path))
    [finding] = json.loads(out)
    for key in ("path", "line", "column", "end_column", "rule", "category", "match", "message", "suggestion", "severity"):
        assert key in finding
    assert finding["path"] == str(path) and finding["severity"] == "error"


def test_github_format_escapes_and_annotates(run_cli, tmp_path):
    path = write_incident(tmp_path, edited("severity: SEV2", "severity: SEV5"))
    code, out, _ = run_cli("check", "--format", "github", str(path))
    [line] = out.splitlines()
    assert line.startswith(f"::error file={path},line=")
    assert ",col=13," in line and "title=schema/enum::" in line


def test_github_annotation_escaping():
    from postmortem_kit.core import Finding, github_annotation

    text = github_annotation(Finding("a,b:c.yaml", 3, 4, "r", "warning", "50% done\nnext line", suggestion="x"))
    assert text.startswith("::warning file=a%2Cb%3Ac.yaml,line=3,col=4,title=r::50%25 done%0Anext line%0ASuggestion: x")


def test_sarif_format(run_cli, tmp_path):
    path = write_incident(tmp_path, edited("severity: SEV2", "severity: SEV5"))
    code, out, _ = run_cli("check", "--format", "sarif", str(path))
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "schema/enum"
    [result] = run["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert result["level"] == "error" and region["startLine"] > 1 and region["startColumn"] == 13


def test_console_script_runs_as_a_process(examples_dir):
    result = subprocess.run([sys.executable, "-m", "postmortem_kit", "check", str(examples_dir)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 files checked" in result.stderr
