"""`postmortem draft` drafts what is broken, not only what is missing (issue 16).

`draft --help` promises the sections an incident "is missing (or has invalid)": with the offline
provider, invalid and placeholder-only sections get a skeleton with the computed facts (printed
for a person to paste, since a present section is never rewritten in place); a second offline run
after `--write` names what still holds TODO(draft) text instead of calling it valid.
"""

from __future__ import annotations

from postmortem_kit.core import load_yaml_file, load_yaml_text
from support.draft_data import copy_incident
from support.examples import example_text, write_incident


def test_invalid_and_placeholder_sections_are_drafted_offline(no_openai_env, run_cli, tmp_path):
    text = example_text()
    text = text.replace("  threshold_adjustment:", "  threshold_tuning:", 1)  # monitoring: invalid (unknown key)
    start = text.index("\nlesson:\n")
    end = text.index("\n", text.index("  what_changed:", start) + 1)
    text = (text[:start] + "\nlesson:\n  what_happened: \"[What happened in one sentence]\"\n"
            "  why_it_matters: TODO\n  what_changed: TODO" + text[end:])  # lesson: placeholders only
    incident = write_incident(tmp_path, text)
    code, out, err = run_cli("draft", str(incident))
    assert code == 0, err
    drafted = load_yaml_text(out).data
    assert set(drafted) == {"monitoring", "lesson"}  # the valid sections are left alone
    assert drafted["monitoring"]["threshold_adjustment"].startswith("TODO(draft)")
    assert "present and valid" not in err


def test_a_second_offline_run_names_what_is_still_todo(no_openai_env, run_cli, tmp_path):
    incident = copy_incident(tmp_path)
    assert run_cli("draft", str(incident), "--write")[0] == 0
    incident.write_text(incident.read_text().replace("status: draft", "status: in-review"))
    code, out, err = run_cli("draft", str(incident))
    assert code == 0 and out == ""
    assert "present and valid" not in err
    assert "still hold the offline draft's TODO(draft) text" in err and "root_cause" in err
    assert load_yaml_file(incident).data["status"] == "in-review"
