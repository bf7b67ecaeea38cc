"""`postmortem draft` on the command line: outputs, --write, exit codes and bad input."""

from __future__ import annotations

import json
import shutil

import pytest

from postmortem_kit.checks import check_file
from postmortem_kit.core import load_yaml_file, load_yaml_text
from postmortem_kit.incident import analysis_sections
from support.draft_data import DRAFT_DATA, copy_incident
from support.llm_server import Refusal, Valid

ALL = list(analysis_sections())


@pytest.fixture
def incident(tmp_path):
    return copy_incident(tmp_path)


# --------------------------------------------------------------------------- offline (no key)


def test_offline_is_the_default_without_a_key(no_openai_env, run_cli, incident):
    code, out, err = run_cli("draft", str(incident))
    assert code == 0
    data = load_yaml_text(out).data
    assert list(data) == ALL
    assert data["summary"]["start"] == "2026-04-07T10:05:00+02:00"
    assert data["summary"]["total_duration"] == "0:53"
    assert data["root_cause"]["primary"].startswith("TODO(draft)")
    assert "245% of the 21.6-minute monthly error budget" in data["impact"]["business_impact"]
    assert [entry["time"] for entry in data["timeline"]] == ["10:02", "10:05", "10:09", "10:12", "10:14", "10:20",
                                                             "10:41", "10:58"]
    assert out.startswith("# Drafted by `postmortem draft` (offline")
    assert "drafted 12 section(s)" in err and "0 HTTP request(s)" in err


def test_offline_draft_passes_the_check_as_a_draft_and_fails_it_in_review(no_openai_env, run_cli, incident):
    assert run_cli("draft", str(incident), "--write")[0] == 0
    _, findings = check_file(incident)
    assert [f for f in findings if f.severity == "error"] == []
    incident.write_text(incident.read_text().replace("status: draft", "status: in-review"))
    _, findings = check_file(incident)
    assert any(f.rule == "template/placeholder" for f in findings)


def test_offline_draft_across_midnight_sets_the_date_and_leaves_unknown_resolution(no_openai_env, run_cli, tmp_path):
    incident = copy_incident(tmp_path, "INC-2026-0102")
    code, out, _ = run_cli("draft", str(incident), "--section", "timeline", "--section", "summary")
    assert code == 0
    data = load_yaml_text(out).data
    assert data["timeline"][-1] == {"date": "2026-07-01", "time": "02:20", "event": data["timeline"][-1]["event"],
                                    "system_state": "TODO(draft): state of the system at 02:20"}
    assert data["summary"]["resolution"].startswith("TODO(draft)")
    assert data["summary"]["start"] == "2026-06-30T23:47:00+00:00"


# --------------------------------------------------------------------------- --write


def test_write_appends_without_changing_a_single_existing_byte(no_openai_env, run_cli, incident):
    original = incident.read_bytes()
    code, out, err = run_cli("draft", str(incident), "--write")
    assert code == 0 and out == ""
    assert "appended 12 section(s)" in err
    after = incident.read_bytes()
    assert after.startswith(original) and len(after) > len(original)
    data = load_yaml_file(incident).data
    assert data["inputs"] == load_yaml_text(original.decode()).data["inputs"]
    assert set(ALL) <= set(data)
    # A second run finds nothing to draft and leaves the file alone.
    code, out, err = run_cli("draft", str(incident), "--write")
    assert code == 0 and "nothing to draft" in err
    assert incident.read_bytes() == after


@pytest.mark.parametrize("transform", [
    lambda text: text.replace("\n", "\r\n"),  # CRLF file
    lambda text: text.rstrip("\n"),  # no newline at the end
    lambda text: text + "# trailing comment without newline",
    lambda text: text + "\n\n# notes for reviewers\n",
])
def test_write_copes_with_file_endings(no_openai_env, run_cli, incident, transform):
    incident.write_bytes(transform(incident.read_text()).encode())
    original = incident.read_bytes()
    assert run_cli("draft", str(incident), "--write", "--section", "lesson")[0] == 0
    after = incident.read_bytes()
    assert after.startswith(original)
    assert "lesson" in load_yaml_file(incident).data
    if b"\r\n" in original:
        assert after.count(b"\n") == after.count(b"\r\n")  # the appended text keeps the file's line endings


def test_write_keeps_a_keep_chomped_block_scalar_intact(no_openai_env, run_cli, incident):
    incident.write_text(incident.read_text() + "x-notes: |+\n  kept lines\n\n")
    before = load_yaml_file(incident).data["x-notes"]
    original = incident.read_bytes()
    assert run_cli("draft", str(incident), "--write", "--section", "lesson")[0] == 0
    assert incident.read_bytes().startswith(original)
    assert load_yaml_file(incident).data["x-notes"] == before


def test_write_refuses_a_file_it_cannot_append_to(no_openai_env, run_cli, tmp_path):
    path = tmp_path / "INC-2026-0103.yaml"
    path.write_text('{"id": "INC-2026-0103", "title": "Flow style", "status": "draft", '
                    '"inputs": {"incident_data": {"notes": "x"}}}\n')
    original = path.read_bytes()
    code, _, err = run_cli("draft", str(path), "--write", "--section", "lesson")
    assert code == 2 and "cannot append" in err and "Traceback" not in err
    assert path.read_bytes() == original


def test_write_prints_replacements_for_present_but_unfinished_sections(no_openai_env, run_cli, openai_env, incident):
    incident.write_text(incident.read_text() + "monitoring:\n  missing_alert: 42\n")
    original = incident.read_bytes()
    code, out, err = run_cli("draft", str(incident), "--write", "--provider", "openai", "--section", "monitoring",
                             "--section", "testing")
    assert code == 0
    assert "appended 1 section(s)" in err and "monitoring" in err
    assert out.startswith("monitoring:")
    after = incident.read_bytes()
    assert after.startswith(original) and b"\ntesting:" in after and after.count(b"\nmonitoring:") == 1


# --------------------------------------------------------------------------- openai through the CLI


def test_openai_provider_through_the_environment(openai_env, run_cli, incident):
    code, out, err = run_cli("draft", str(incident), "--model", "test-model", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert list(payload["sections"]) == ALL
    assert payload["provenance"]["provider"] == "openai" and payload["usage"]["model_calls"] == 12
    assert "12 HTTP request(s)" in err and "tokens:" in err
    # Second run: everything from the cache.
    code, out, err = run_cli("draft", str(incident), "--model", "test-model")
    assert code == 0 and openai_env.model_calls == 12
    assert "12 from cache" in err and "0 HTTP request(s)" in err


def test_redactions_in_the_answers_are_reported_by_kind_never_by_value(openai_env, run_cli, incident):
    token = "ghp_" + "a1B2" * 9
    openai_env.script(Valid({"root_cause.technical_details": f"Token {token} leaked."}), section="root_cause")
    code, out, err = run_cli("draft", str(incident), "--section", "root_cause", "--no-cache")
    assert code == 0
    [line] = [line for line in err.splitlines() if "redacted from the model's answers" in line]
    assert line.endswith("redacted from the model's answers: 1 github-token")
    assert token not in err and token not in out and "[REDACTED:github-token]" in out


def test_a_dropped_section_exits_1_with_the_reason(openai_env, run_cli, incident):
    openai_env.script(Refusal("Nope."), Refusal("Still no."), section="lesson")
    code, out, err = run_cli("draft", str(incident), "--section", "lesson", "--section", "testing", "--no-cache")
    assert code == 1
    assert "dropped lesson: still unusable after one repair round: the model refused" in err
    assert "\ntesting:" in out and "# Not drafted: lesson:" in out


def test_config_file_settings_and_flag_overrides(openai_env, run_cli, incident, tmp_path):
    config = tmp_path / "draft.yaml"
    config.write_text("draft:\n  model: from-config\n  max_retries: 0\n  links: {allow: [runbooks.acme.example]}\n"
                      "  redaction:\n    extra_patterns:\n      - {id: customer-id, regex: 'CUST-[0-9]{6}'}\n")
    incident.write_text(incident.read_text().replace("212 support tickets", "212 support tickets (CUST-004211)"))
    assert run_cli("draft", str(incident), "--config", str(config), "--section", "lesson", "--no-cache")[0] == 0
    body = openai_env.chat_requests[-1].body
    assert body["model"] == "from-config"
    assert "CUST-004211" not in openai_env.all_bodies() and "[REDACTED:customer-id]" in openai_env.all_bodies()
    run_cli("draft", str(incident), "--config", str(config), "--model", "from-flag", "--section", "lesson",
            "--no-cache")
    assert openai_env.chat_requests[-1].body["model"] == "from-flag"


def test_config_file_is_found_next_to_the_incident(openai_env, run_cli, incident):
    (incident.parent / ".postmortem-kit.yaml").write_text("draft:\n  model: nearby-model\n")
    assert run_cli("draft", str(incident), "--section", "lesson")[0] == 0
    assert openai_env.chat_requests[-1].body["model"] == "nearby-model"


def test_base_url_flag_wins_over_the_environment(openai_env, run_cli, incident, monkeypatch):
    base = openai_env.base_url
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    assert run_cli("draft", str(incident), "--base-url", base, "--section", "lesson")[0] == 0
    assert openai_env.model_calls == 1


# --------------------------------------------------------------------------- nothing to do, bad input


def test_nothing_to_draft(no_openai_env, run_cli, tmp_path):
    complete = tmp_path / "INC-2026-0001.yaml"
    shutil.copyfile(DRAFT_DATA.parents[2] / "postmortems" / "INC-2026-0001.yaml", complete)
    code, out, err = run_cli("draft", str(complete))
    assert code == 0 and out == "" and "nothing to draft" in err


@pytest.mark.parametrize("content, message", [
    ("id: [unclosed\n", "invalid YAML"),
    ("- a\n- b\n", "not an incident"),
    ("id: INC-2026-0104\nid: INC-2026-0105\ntitle: t\nstatus: draft\n", "duplicate key"),
    ("a: &x 1\nb: *x\n", "anchors"),
    ("", "not an incident"),
])
def test_unusable_files_exit_2_with_a_clear_message(no_openai_env, run_cli, tmp_path, content, message):
    path = tmp_path / "INC-2026-0104.yaml"
    path.write_text(content)
    code, out, err = run_cli("draft", str(path))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1 and str(path) in err


def test_binary_and_missing_files(no_openai_env, run_cli, tmp_path):
    binary = tmp_path / "INC-2026-0105.yaml"
    binary.write_bytes(b"\x00\x01\x02")
    assert run_cli("draft", str(binary))[0] == 2
    code, _, err = run_cli("draft", str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such file" in err
    code, _, err = run_cli("draft", str(tmp_path))
    assert code == 2 and "directory" in err


@pytest.mark.parametrize("config, message", [
    ("draft:\n  modle: x\n", "unknown setting `draft.modle`"),
    ("draft:\n  api_key: sk-123\n", "never store API keys"),
    ("draft:\n  timeout: fast\n", "wrong type"),
    ("draft:\n  provider: claude\n", "provider must be one of"),
    ("draft:\n  redaction:\n    extra_patterns:\n      - {id: x, regex: '('}\n", "not a valid regular expression"),
    ("draft: [1, 2]\n", "must be a mapping"),
    ("draft:\n  model: [unclosed\n", "invalid YAML"),
])
def test_bad_configuration_exits_2(no_openai_env, run_cli, incident, tmp_path, config, message):
    path = tmp_path / "bad.yaml"
    path.write_text(config)
    code, out, err = run_cli("draft", str(incident), "--config", str(path))
    assert code == 2 and out == "" and message in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["--section", "lessons"], "unknown section(s): lessons"),
    (["--timeout", "0"], "timeout must be a positive"),
    (["--token-budget", "0"], "token_budget must be a positive"),
    (["--jobs", "0"], "jobs must be at least 1"),
    (["--format", "xml"], "invalid choice"),
    (["--provider", "claude"], "invalid choice"),
    (["--base-url", "localhost:11434"], "base_url must start with http"),
    (["--config", "/nonexistent/draft.yaml"], "configuration file not found"),
])
def test_bad_arguments_exit_2(no_openai_env, run_cli, incident, args, message):
    code, out, err = run_cli("draft", str(incident), *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_openai_without_a_key_exits_2(no_openai_env, run_cli, incident):
    code, _, err = run_cli("draft", str(incident), "--provider", "openai")
    assert code == 2 and "OPENAI_API_KEY" in err


def test_nothing_to_draft_from(openai_env, run_cli, tmp_path):
    path = tmp_path / "INC-2026-0106.yaml"
    path.write_text("id: INC-2026-0106\ntitle: Empty\nstatus: draft\n")
    code, _, err = run_cli("draft", str(path))
    assert code == 2 and "nothing to draft from" in err
    assert openai_env.model_calls == 0


def test_help(run_cli):
    code, out, _ = run_cli("draft", "--help")
    assert code == 0 and "--write" in out and "--provider" in out


def test_progress_line_only_on_a_terminal(openai_env, incident):
    import io

    from postmortem_kit.drafting import draft_command

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    tty, plain, out = Terminal(), io.StringIO(), io.StringIO()
    assert draft_command(str(incident), overrides={"provider": "openai", "model": "test-model"},
                         sections=["lesson", "testing"], out=out, err=tty) == 0
    assert "\rpostmortem draft: 2/2 sections, " in tty.getvalue() and "tok/s" in tty.getvalue()
    assert draft_command(str(incident), overrides={"provider": "openai", "model": "test-model", "cache": False},
                         sections=["lesson"], out=out, err=plain) == 0
    assert "\r" not in plain.getvalue() and "1 HTTP request(s)" in plain.getvalue()


def test_write_puts_each_section_on_its_stub_line(no_openai_env, run_cli, incident):
    from postmortem_kit.incident import stub_block

    incident.write_text(incident.read_text() + "\n" + stub_block(["root_cause", "lesson"]), encoding="utf-8")
    code, _, err = run_cli("draft", str(incident), "--write")
    assert code == 0 and "placed 2 section(s) on their stub lines" in err and "appended 10 section(s)" in err
    text = incident.read_text()
    assert "# stub:" not in text
    assert text.index("root_cause:") < text.index("lesson:") < text.index("summary:")  # stubs first, the rest appended
    assert set(ALL) <= set(load_yaml_file(incident).data)
    assert not [f for f in check_file(str(incident))[1] if f.rule == "draft/leftover-stub"]
