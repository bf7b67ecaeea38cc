"""Issue 13, break 4: nothing we print can issue a GitHub Actions workflow command, whether it comes from
a model (`postmortem draft`) or from a file name or value in a pull request (`postmortem check`)."""

from __future__ import annotations

import re

from support.draft_data import copy_incident
from support.llm_server import Injection

# The runner trims leading whitespace, then honours `::name::`; `##[name]` anywhere in a line.
COMMAND = re.compile(r"^\s*::|##\[", re.MULTILINE)
PAYLOADS = ("::stop-commands::pwned\n::error::forged", "fine ##[error]forged", "  ::add-mask::x")


def test_draft_prints_no_model_supplied_workflow_command(openai_env, tmp_path, run_cli):
    openai_env.default = Injection(PAYLOADS, spread=False)
    incident = copy_incident(tmp_path)
    code, out, err = run_cli("draft", str(incident), "--model", "test-model", "--no-cache")
    assert code in (0, 1), err  # 1: a section was dropped (a payload made it too long), the rest printed
    assert "pwned" in out and "forged" in out  # the payload was printed ...
    assert not COMMAND.search(out) and not COMMAND.search(err)  # ... but cannot act


def test_check_prints_no_workflow_command_from_a_file_name_or_value(tmp_path, run_cli):
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "##[warning]INC-1.yaml").write_text("id: INC-1\ntitle: '::error::forged ##[error]x'\nunknown: 1\n")
    for fmt in ("text", "github"):
        code, out, err = run_cli("check", str(folder), "--format", fmt)
        assert code == 1
        assert "INC-1" in out + err
        lines = [line for line in (out + err).splitlines() if not re.match(r"::(error|warning|notice) file=", line)]
        assert not COMMAND.search("\n".join(lines)), out + err
        assert "##[" not in out + err  # not inside our own annotations either
