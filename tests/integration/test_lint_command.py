"""`postmortem lint`: Markdown, plain text, YAML and stdin, in every output format."""

from __future__ import annotations

import io
import json
import sys

import pytest

MARKDOWN = """\
---
title: Checkout outage
---
# Checkout outage

The on-call engineer failed to notice the pool alert.

## Root cause

Tomasz changed the pool size in the production file.

```
human error in a code block is never read
```

> quoted chat: the operator ignored the page

Human error and system design

Metrics like `human_error_total` and /api/blame are code.
"""


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "review.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    return path


def test_markdown_findings_with_positions(run_cli, document):
    code, out, err = run_cli("lint", "--format", "json", str(document))
    assert code == 1
    findings = json.loads(out)
    got = [(f["line"], f["column"], f["match"], f["rule"]) for f in findings]
    assert got == [(6, 22, "failed to notice", "blameless/BL014"), (10, 1, "Tomasz", "blameless/BL076")]
    for finding in findings:
        assert finding["severity"] == "warning" and finding["suggestion"] and finding["category"]
        assert finding["end_column"] == finding["column"] + len(finding["match"])


def test_severity_error_applies_the_published_policy(run_cli, document):
    code, out, _ = run_cli("lint", "--format", "json", "--severity", "error", str(document))
    # BL076 (a cause statement that starts with a person) needs evidence of a person, here a listed given
    # name (issue 17: without it such names were products and vendors), and is high-confidence: an error.
    severities = {f["rule"]: f["severity"] for f in json.loads(out)}
    assert code == 1 and severities == {"blameless/BL014": "error", "blameless/BL076": "error"}


def test_text_github_and_sarif_formats(run_cli, document):
    code, out, err = run_cli("lint", str(document))
    assert code == 1 and f"{document}:6:22: warning blameless/BL014" in out and "suggestion:" in out
    assert "1 file checked" in err
    code, out, _ = run_cli("lint", "--format", "github", str(document))
    assert out.startswith("::warning file=") and "title=blameless/BL014" in out and "Suggestion" in out
    code, out, _ = run_cli("lint", "--format", "sarif", str(document))
    sarif = json.loads(out)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"blameless/BL014", "blameless/BL076"}
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 22


def test_clean_text_and_exit_zero(run_cli, tmp_path, document):
    clean = tmp_path / "clean.txt"
    clean.write_text("The health check failed to connect; we should alert on queue age.\n", encoding="utf-8")
    assert run_cli("lint", str(clean))[0] == 0
    assert run_cli("lint", "--exit-zero", str(document))[0] == 0


def test_stdin(run_cli, monkeypatch):
    stream = io.TextIOWrapper(io.BytesIO("Someone should have checked the expiry date.\n".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)
    code, out, _ = run_cli("lint", "--format", "json", "-")
    [finding] = json.loads(out)
    assert code == 1 and finding["path"] == "<stdin>" and finding["match"] == "should have checked"


def test_directories_and_yaml_files(run_cli, tmp_path, document):
    (tmp_path / "notes.txt").write_text("It was obvious in hindsight.\n", encoding="utf-8")
    (tmp_path / "INC-2026-0009.yaml").write_text(
        "id: INC-2026-0009\ntitle: Human error took the API down\nstatus: draft\n"
        "inputs:\n  incident_data:\n    notes: human error in pasted notes is verbatim\n", encoding="utf-8")
    code, out, _ = run_cli("lint", "--format", "json", str(tmp_path))
    paths = {(f["path"].rsplit("/", 1)[-1], f["match"]) for f in json.loads(out)}
    assert ("INC-2026-0009.yaml", "Human error") in paths  # the title is prose
    assert not any(match == "human error" for name, match in paths if name.endswith(".yaml"))  # notes are not
    assert ("notes.txt", "obvious") in paths


def test_inline_and_file_suppression_markers(run_cli, tmp_path):
    path = tmp_path / "s.md"
    path.write_text(
        "<!-- blameless-ignore BL001: quoting the customer's words -->\n"
        "The customer wrote that it was human error.\n\n"
        "Human error again, far from the marker.\n\n"
        "<!-- blameless-ignore BL019 -->\n", encoding="utf-8")
    code, out, _ = run_cli("lint", "--format", "json", str(path))
    findings = json.loads(out)
    marked = [(f["line"], f["suppressed"], f["suppression"]) for f in findings if f["rule"] == "blameless/BL001"]
    assert marked == [(2, True, "quoting the customer's words"), (4, False, None)]
    assert any(f["rule"] == "blameless/suppression" and "needs a reason" in f["message"] for f in findings)
    path.write_text("<!-- blameless-ignore-file BL001: a glossary of banned terms -->\n\nHuman error.\n",
                    encoding="utf-8")
    code, out, _ = run_cli("lint", "--format", "json", str(path))
    assert code == 0 and all(f["suppressed"] for f in json.loads(out))


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01binary", "binary file"),
    (b"caf\xe9 human error", "not valid UTF-8"),
])
def test_unusable_files_exit_2(run_cli, tmp_path, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    code, out, err = run_cli("lint", str(path))
    assert code == 2 and message in out and "Traceback" not in out + err


def test_missing_path_and_empty_directory_exit_2(run_cli, tmp_path):
    assert run_cli("lint", str(tmp_path / "nope.md"))[0] == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run_cli("lint", str(empty))
    assert code == 2 and "no documents" in out


def test_empty_file_is_clean(run_cli, tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("", encoding="utf-8")
    assert run_cli("lint", str(path))[0] == 0


def test_bad_arguments_exit_2(run_cli):
    assert run_cli("lint", "--format", "xml")[0] == 2


def test_list_rules(run_cli):
    code, out, _ = run_cli("lint", "--list-rules")
    assert code == 0 and out.count("suggestion:") >= 40 and "BL001" in out


def test_custom_rule_file_errors_are_clear(run_cli, tmp_path, document):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: nope\n", encoding="utf-8")
    code, _, err = run_cli("lint", "--rules", str(rules), str(document))
    assert code == 2 and "rules.yaml" in err and "Traceback" not in err
