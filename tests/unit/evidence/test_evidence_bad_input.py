"""Bad input: a clear error naming file and position, never a traceback, and the incident never half-written."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from postmortem_kit.evidence import EvidenceError, Options, Progress, Source, choose

DATA = Path(__file__).resolve().parents[2] / "data" / "evidence"
INCIDENT = """\
id: INC-2026-0042
title: Checkout errors
status: draft
inputs:
  incident_data:
    events:
      - time: "2026-03-14T09:00:00+00:00"
        event: typed by a person
"""
WINDOW = ["--from", "2026-03-14T08:30:00Z", "--to", "2026-03-14T10:30:00Z"]


@pytest.fixture
def incident(tmp_path) -> Path:
    path = tmp_path / "INC-2026-0042.yaml"
    path.write_text(INCIDENT)
    return path


def run_add(run_cli, incident: Path, *sources, extra=()):
    return run_cli("evidence", "add", str(incident), *map(str, sources), *WINDOW, *extra)


def assert_refused(run_cli, incident, *sources, match: str, extra=()):
    before = incident.read_bytes()
    code, out, err = run_add(run_cli, incident, *sources, extra=extra)
    assert code == 2, (out, err)
    assert "Traceback" not in err and match in err, err
    assert incident.read_bytes() == before  # never half-written
    assert [p.name for p in incident.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    return err


def test_truncated_json(run_cli, incident, tmp_path):
    text = (DATA / "pagerduty-log-entries.json").read_text()
    cut = tmp_path / "pd.json"
    cut.write_text(text[: len(text) // 2])
    err = assert_refused(run_cli, incident, DATA / "alertmanager-firing.json", cut, match="pd.json:")
    assert "not valid JSON" in err and "truncated" in err


def test_truncated_zip(run_cli, incident, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in (DATA / "slack-export").rglob("*.json"):
            out.write(path, path.relative_to(DATA / "slack-export").as_posix())
    raw = archive.read_bytes()
    archive.write_bytes(raw[: len(raw) - 200])  # the central directory is gone
    assert_refused(run_cli, incident, archive, match="export.zip: not a readable ZIP archive")


def test_zip_bomb_member_is_refused_without_inflating_it(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("channels.json", "[]")
        out.writestr("users.json", "[]")
        out.writestr("general/2026-03-14.json", "[" + " " * (8 * 1024 * 1024) + "]")
    source = Source.open(str(archive))
    with pytest.raises(EvidenceError, match="inflates far beyond"):
        source.read("general/2026-03-14.json")


def test_slack_export_of_another_layout(run_cli, incident, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(DATA / "slack-export", export)
    (export / "channels.json").unlink()  # e.g. a single-channel or a DM-only export
    err = assert_refused(run_cli, incident, export, match="not a Slack workspace export in the layout that is read")
    assert "channels.json missing" in err
    (export / "channels.json").write_text(json.dumps({"channels": []}))
    (export / "users.json").write_text(json.dumps({"members": []}))
    assert_refused(run_cli, incident, export, match="users.json: expected a list of users")


def test_unknown_format_names_the_formats_that_are_read(run_cli, incident, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("time,what\n09:00,something\n")
    err = assert_refused(run_cli, incident, path, match="notes.csv: not a file in a format")
    for name in ("Slack workspace export", "PagerDuty", "Alertmanager", "Prometheus", "JSON-lines", "logfmt"):
        assert name in err
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    assert_refused(run_cli, incident, other, match="other.json: not a file in a format")


def test_window_matching_nothing(run_cli, incident):
    code, _, err = run_cli("evidence", "add", str(incident), str(DATA / "pagerduty-log-entries.json"),
                           "--from", "2025-01-01T00:00:00Z", "--to", "2025-01-02T00:00:00Z")
    assert code == 1 and "nothing in the window (2025-01-01T00:00:00+00:00 to 2025-01-02T00:00:00+00:00)" in err
    assert incident.read_text() == INCIDENT


def test_clock_formats_with_and_without_zones(run_cli, incident, tmp_path):
    log = tmp_path / "app.log"
    log.write_text('time=2026-03-14T09:05:00Z level=info msg="ok"\ntime=2026-03-14T09:06:00 level=error msg="no zone"\n')
    assert_refused(run_cli, incident, log, match="app.log:2:6: time '2026-03-14T09:06:00' has no UTC offset")
    code, _, err = run_add(run_cli, incident, log, extra=("--zone", "Europe/Berlin"))
    assert code == 0, err
    assert "time=2026-03-14T09:06:00 level=error" not in incident.read_text()  # 08:06 UTC: outside the window
    incident.write_text(INCIDENT)
    jsonl = tmp_path / "app.jsonl"
    jsonl.write_text('{"time": "2026-03-14T09:05:00Z", "msg": "a"}\n{"time": "14/03/2026 09:06", "msg": "b"}\n')
    assert_refused(run_cli, incident, jsonl, match="app.jsonl:2:2: time '14/03/2026 09:06' is not an ISO 8601 timestamp")
    code, _, err = run_cli("evidence", "add", str(incident), str(jsonl), "--from", "2026-03-14T08:30")
    assert code == 2 and "--from: time '2026-03-14T08:30' has no UTC offset" in err


def test_broken_json_line_names_line_and_column(run_cli, incident, tmp_path):
    jsonl = tmp_path / "app.jsonl"
    jsonl.write_text('{"time": "2026-03-14T09:05:00Z", "msg": "a"}\n{"time": "2026-03-14T09:06:00Z", "msg": \n')
    assert_refused(run_cli, incident, jsonl, match="app.jsonl:2:")


def test_bad_options(run_cli, incident):
    assert_refused(run_cli, incident, DATA / "pagerduty-log-entries.json", match="--grep '(': not a regular expression",
                   extra=("--grep", "("))
    assert_refused(run_cli, incident, DATA / "pagerduty-log-entries.json", match="--zone 'Mars/Base'",
                   extra=("--zone", "Mars/Base"))
    assert_refused(run_cli, incident, DATA / "missing.json", match="missing.json: no such file")


def test_too_many_entries_is_refused_before_writing(run_cli, incident, monkeypatch):
    import postmortem_kit.evidence.command as command

    monkeypatch.setattr(command, "MAX_NEW_ENTRIES", 3)
    monkeypatch.setattr(command.add_evidence, "__kwdefaults__", {**command.add_evidence.__kwdefaults__, "limit": 3})
    assert_refused(run_cli, incident, DATA / "slack-export", match="more than 3 new entries")


def test_incident_file_that_is_not_yaml(run_cli, tmp_path):
    path = tmp_path / "INC-2026-0042.yaml"
    path.write_text("id: [unclosed\n")
    code, _, err = run_cli("evidence", "add", str(path), str(DATA / "pagerduty-log-entries.json"))
    assert code == 2 and "INC-2026-0042.yaml:" in err and "Traceback" not in err
    assert path.read_text() == "id: [unclosed\n"


_PEAK = """
import resource, sys
from postmortem_kit.evidence import Options, Progress, Source, choose
if sys.argv[1] != "-":
    source = Source.open(sys.argv[1])
    reader, probe = choose(source)
    print(sum(1 for _ in reader.read(probe, Options(), Progress(enabled=False))))
else:
    print(0)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_a_hundred_thousand_messages_in_bounded_memory(tmp_path):
    """100,000 messages in 100 day files: one day file at a time, so the peak memory hardly grows with the export."""
    import subprocess
    import sys

    from support.evidence_data import day_window, write_big_slack_export

    export = write_big_slack_export(tmp_path / "export", messages=100_000, days=100)

    def peak(target: str) -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", _PEAK, target], capture_output=True, text=True, check=True)
        count, rss = done.stdout.split()
        return int(count), int(rss)  # KiB on Linux

    _, baseline = peak("-")
    count, reading = peak(str(export))
    assert count == 100_000
    size = sum(p.stat().st_size for p in export.rglob("*.json")) // 1024
    assert reading - baseline < size // 2, (reading, baseline, size)  # far less than the export (~20 MB) itself
    source = Source.open(str(export))
    reader, probe = choose(source)
    assert sum(1 for _ in reader.read(probe, Options(window=day_window(49)), Progress(enabled=False))) == 1000


def test_progress_line_only_on_a_terminal():
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    quiet, loud = io.StringIO(), Tty()
    for stream in (quiet, loud):
        progress = Progress(stream=stream, interval=0)
        progress.update("Slack export.zip", 5, 10)
        progress.done()
    assert quiet.getvalue() == ""
    assert "reading Slack export.zip: 5/10" in loud.getvalue()
