"""`postmortem stats`: times to detect and resolve, causes, recurrence, follow-ups; bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from postmortem_kit.stats import distribution
from support.examples import EXAMPLES, edited, write_incident
from support.incident_factory import write_incidents
from support.status_files import status_row, write_status_file


def stats_json(run_cli, *args: str) -> tuple[int, dict, str]:
    code, out, err = run_cli("stats", *args, "--format", "json")
    return code, json.loads(out), err


def test_examples(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no build/followups-status.json here
    code, stats, err = stats_json(run_cli, str(EXAMPLES))
    assert code == 0 and err == ""
    assert stats["incidents"] == {"total": 4, "by_status": {"published": 2, "in-review": 1, "draft": 1}}
    detect, resolve = stats["time_to_detect"], stats["time_to_resolve"]
    assert detect["overall"] == {"count": 3, "mean_minutes": 86.7, "median_minutes": 7.0, "p90_minutes": 247.0}
    assert resolve["overall"] == {"count": 3, "mean_minutes": 183.0, "median_minutes": 95.0, "p90_minutes": 381.0}
    assert list(detect["by_severity"]) == ["SEV1", "SEV2", "SEV3"]
    assert detect["by_severity"]["SEV3"]["median_minutes"] == 247.0
    assert resolve["by_service"]["checkout-api"]["mean_minutes"] == 95.0
    assert list(resolve["by_quarter"]) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert stats["root_cause_categories"] == {"configuration-error": 1, "capacity-issue": 1,
                                              "dependency-failure": 1, "not stated": 1}
    assert stats["recurring"] == {"services": [], "tags": []}
    assert stats["follow_ups"] == {"total": 15, "incidents": 3, "status_source": None}
    assert stats["files"] == {"read": 4, "skipped": 0} and stats["problems"] == []


def test_table(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("stats", str(EXAMPLES))
    assert code == 0
    assert out.startswith("Incidents: 4 (2 published, 1 in-review, 1 draft)\n")
    lines = out.splitlines()
    overall = next(line for line in lines if line.startswith("overall"))
    assert overall.split() == ["overall", "3", "1:27", "0:07", "4:07", "3:03", "1:35", "6:21"]
    assert any(line.split()[:2] == ["SEV3", "1"] for line in lines)
    assert "  2026-Q2" in out and "Incidents by root-cause category" in out and "not stated" in out
    assert "Recurring services (in 2 or more incidents)\n  none" in out
    assert "Follow-ups: 15 in 3 incident(s)\n  no status data" in out


def test_p90_is_the_nearest_rank():
    assert distribution([]) == {"count": 0, "mean_minutes": None, "median_minutes": None, "p90_minutes": None}
    assert distribution([5.0])["p90_minutes"] == 5.0
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert distribution(values) == {"count": 10, "mean_minutes": 5.5, "median_minutes": 5.5, "p90_minutes": 9.0}
    assert distribution([float(v) for v in range(1, 12)])["p90_minutes"] == 10.0


def test_recurring_services_and_tags(run_cli, tmp_path):
    for number, service in ((11, "checkout-api"), (12, "checkout-api"), (13, "search-api")):
        text = edited("INC-2026-0001", f"INC-2026-00{number}").replace(
            "services: [checkout-api, orders-db]", f"services: [{service}, orders-db]")
        write_incident(tmp_path, text, f"INC-2026-00{number}")
    code, stats, _ = stats_json(run_cli, str(tmp_path), "--followups-status", str(_status(tmp_path, [])))
    assert stats["recurring"]["services"] == [
        {"name": "orders-db", "incidents": 3, "ids": ["INC-2026-0011", "INC-2026-0012", "INC-2026-0013"]},
        {"name": "checkout-api", "incidents": 2, "ids": ["INC-2026-0011", "INC-2026-0012"]}]
    assert [tag["name"] for tag in stats["recurring"]["tags"]] == ["config-change", "connection-pool", "database"]
    assert list(stats["time_to_detect"]["by_service"]) == ["checkout-api", "search-api"]  # the affected (first) one


def _status(directory, rows, name="followups-status.json"):
    """A status file written by `postmortem followups`' own writer."""
    return write_status_file(directory / name, rows)


def test_follow_up_completion_and_overdue(run_cli, tmp_path):
    rows = [
        status_row("INC-2026-0001", 0, "done", number=1),
        status_row("INC-2026-0001", 1, "overdue", 20, number=2),
        status_row("INC-2026-0001", 2, "open", number=3),  # due 2026-04-03 in the incident file: overdue by now
        status_row("INC-2026-0001", 3, "not-planned", number=4),
        status_row("INC-2026-0001", 4, "no-issue"),
        status_row("INC-2026-0002", 0, "done", number=6),
        status_row("INC-2026-0002", 1, "open", number=7),  # due 2026-06-19: open on --today
        status_row("INC-2026-0002", 2, "open", number=8),  # due 2026-06-12 < today: overdue
        status_row("INC-9999-0001", 0, "done", number=9),  # not among the files: ignored
    ]
    status = _status(tmp_path, rows)
    code, stats, err = stats_json(run_cli, str(EXAMPLES), "--followups-status", str(status), "--today", "2026-06-15")
    assert code == 0, err
    follow_ups = stats["follow_ups"]
    assert follow_ups["status_source"] == str(status)
    assert {key: follow_ups[key] for key in ("done", "open", "overdue", "not_planned", "no_issue", "external",
                                             "unknown")} == {"done": 2, "open": 1, "overdue": 3, "not_planned": 1,
                                                             "no_issue": 1, "external": 0, "unknown": 7}
    assert follow_ups["completion_percent"] == round(100 * 2 / 14, 1)
    assert follow_ups["overdue_by_owner"] == {"@devon-lee": 1, "team-observability": 1, "team-platform": 1}
    code, out, _ = run_cli("stats", str(EXAMPLES), "--followups-status", str(status), "--today", "2026-06-15")
    assert f"status from {status}: 2 done, 1 open, 3 overdue, 1 not planned" in out
    assert "completion: 14.3% done" in out
    assert "overdue by owner: @devon-lee 1, team-observability 1, team-platform 1" in out


def test_the_default_status_file_is_read_when_present(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "build").mkdir()
    _status(tmp_path / "build", [status_row("INC-2026-0004", 0, "done", number=1)])
    code, stats, _ = stats_json(run_cli, str(EXAMPLES))
    assert stats["follow_ups"]["status_source"] == "build/followups-status.json" and stats["follow_ups"]["done"] == 1


@pytest.mark.parametrize("content, message", [
    ("{not json", "not JSON"),
    ('{"format": "postmortem-kit/followups-status@1", "summary": {}}', "no list of follow-up records"),
    ('{"summary": {}, "items": []}', "not a follow-up status file"),
    ('[{"incident": "INC-2026-0001", "number": 1, "state": "closed"}]', "not a follow-up status file"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_an_unusable_status_file_is_reported_and_skipped(run_cli, tmp_path, content, message):
    path = tmp_path / "status.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, stats, err = stats_json(run_cli, str(EXAMPLES), "--followups-status", str(path))
    assert code == 1 and message in err and "follow-up status not counted" in err
    assert stats["follow_ups"]["status_source"] is None and stats["incidents"]["total"] == 4


def test_a_missing_status_file_named_on_the_command_line(run_cli, tmp_path):
    code, out, err = run_cli("stats", str(EXAMPLES), "--followups-status", str(tmp_path / "absent.json"))
    assert code == 2 and "no such file" in err


def test_broken_files_are_skipped_and_named(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for path in EXAMPLES.glob("INC-*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "INC-2026-0009.yaml").write_text("id: [broken\n", encoding="utf-8")
    (tmp_path / "INC-2026-0010.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    write_incident(tmp_path, edited("INC-2026-0001", "INC-2026-0001"), name="copy-of-0001.yaml")
    (tmp_path / "INC-2026-0011.yaml").write_text("id: INC-2026-0011\nsummary: nonsense\nservices: 7\n"
                                                 "follow_ups: [1, {due: soon}]\n", encoding="utf-8")
    code, stats, err = stats_json(run_cli, ".")
    assert code == 1
    assert stats["incidents"]["total"] == 5 and stats["files"] == {"read": 8, "skipped": 3}
    assert "INC-2026-0009.yaml:2:1: invalid YAML" in err
    assert "INC-2026-0010.yaml:1:1: not an incident" in err
    assert "id INC-2026-0001 is also used by" in err
    assert stats["incidents"]["by_status"]["unknown"] == 1
    assert stats["follow_ups"]["total"] == 16


@pytest.mark.parametrize("args, message", [
    (["/nonexistent/postmortems"], "no such file or directory"),
    (["--today", "tomorrow"], "is not a date"),
])
def test_unusable_arguments(run_cli, tmp_path, args, message):
    code, out, err = run_cli("stats", *args)
    assert code == 2 and message in err


def test_a_directory_without_incidents(run_cli, tmp_path):
    code, out, err = run_cli("stats", str(tmp_path))
    assert code == 2 and "holds no incident files" in err


def test_stats_never_loads_the_schema_validator(tmp_path):
    write_incidents(tmp_path, 5, status="mixed")
    script = ("import sys\nfrom postmortem_kit.cli.main import main\ncode = main(['stats', sys.argv[1], '--format', 'json'])\n"
              "print('jsonschema' in sys.modules, code, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip().endswith("False 0"), result.stderr
    assert json.loads(result.stdout)["incidents"]["total"] == 5
