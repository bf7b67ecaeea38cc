"""Each reader against test data written from the format's public documentation (tests/data/evidence)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from postmortem_kit.evidence import Options, Progress, Source, Window, build_options, choose

DATA = Path(__file__).resolve().parents[2] / "data" / "evidence"
WINDOW = Window(datetime(2026, 3, 14, 8, 30, tzinfo=timezone.utc), datetime(2026, 3, 14, 10, 30, tzinfo=timezone.utc))


def read(path: Path | str, options: Options | None = None, fmt: str | None = None):
    source = Source.open(str(path))
    reader, probe = choose(source, fmt)
    items = list(reader.read(probe, options or Options(window=WINDOW), Progress(enabled=False)))
    source.close()
    return reader.name, items


def test_slack_export_messages_in_the_window_with_names_threads_edits_joins_and_bots():
    name, items = read(DATA / "slack-export")
    assert name == "slack"
    texts = [item.text for item in items]
    assert all(item.section == "events" and item.source.kind == "slack" for item in items)
    assert "liwei joined #incidents" in texts  # channel_join, display name
    assert any(t.startswith("#deploys deploybot (bot): Deployed") for t in texts)  # bot_profile name
    reply = next(t for t in texts if "pool exhaustion" in t)
    assert reply.startswith("#incidents Jonas Keller (in the thread of 09:06:40 UTC)")  # real name when no display name
    assert "@amara did the 09:02 deploy" in reply  # <@U..> mention resolved
    assert any("(in the thread of 09:06:40 UTC, edited)" in t for t in texts)
    assert any("&" in t and "&amp;" not in t for t in texts)  # entities unescaped
    assert any("status page (https://status.example.com/incidents/42)" in t for t in texts)
    assert not any("lunch" in t or "day before" in t for t in texts)  # outside the window
    first = min(items, key=lambda item: item.at)
    assert first.at == datetime(2026, 3, 14, 8, 55, 0, 100, tzinfo=timezone.utc)  # ts "…​.000100" exact
    assert first.source.id == f"{int(first.at.timestamp())}.000100"


def test_slack_export_in_a_zip_with_a_wrapping_folder(tmp_path):
    import zipfile

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in (DATA / "slack-export").rglob("*.json"):
            out.write(path, "My Workspace Slack export/" + path.relative_to(DATA / "slack-export").as_posix())
    name, items = read(archive)
    assert name == "slack" and len(items) == len(read(DATA / "slack-export")[1])
    assert items[0].source.file.startswith("export.zip:")


def test_pagerduty_log_entries_give_alerts_and_response_actions():
    name, items = read(DATA / "pagerduty-log-entries.json")
    assert name == "pagerduty"
    by_role = {item.source.role: item for item in items}
    assert by_role["alert"].section == "alerts" and by_role["alert"].name.startswith("[#4242] CheckoutHighErrorRate")
    assert by_role["resolve"].section == "response_actions" and by_role["resolve"].responder == "amara-osei"
    actions = [item.text for item in items if item.section == "response_actions"]
    assert "Assigned to Jonas Keller ([#4242] CheckoutHighErrorRate: checkout-api 5xx above 5%)" in actions
    assert "Note added: Rolled back checkout-api to v2.30.4; pool max restored to 50" in actions
    assert any(item.section == "events" and "notify" in item.text for item in items)
    assert {item.source.id for item in items} >= {"R0TRIG0001", "R0RESO0007"}


def test_alertmanager_v4_firing_and_resolved_repeats_merged_and_zero_time_ignored():
    name, items = read(DATA / "alertmanager-webhooks.json")
    assert name == "alertmanager"
    alerts = [item for item in items if item.section == "alerts"]
    assert [a.name for a in alerts] == ["CheckoutHighErrorRate", "CheckoutLatencyHigh"]  # repeat in payload 2 merged
    assert "labels: service=checkout-api, severity=page" in alerts[0].text
    resolved = [item for item in items if item.source.role == "resolve"]
    assert len(resolved) == 1 and resolved[0].at == datetime(2026, 3, 14, 9, 50, tzinfo=timezone.utc)
    # the firing copy's endsAt is Go's zero time: no event for it
    name, items = read(DATA / "alertmanager-firing.json")
    assert [item.source.role for item in items] == ["alert"]


def test_alertmanager_other_version_is_refused(tmp_path):
    path = tmp_path / "am.json"
    path.write_text((DATA / "alertmanager-firing.json").read_text().replace('"version": "4"', '"version": "3"'))
    with pytest.raises(Exception, match="version '3'"):
        read(path)


@pytest.mark.parametrize("name", ["checkout-api.jsonl", "checkout-api.logfmt"])
def test_logs_filtered_to_the_window_and_grep(name):
    fmt, items = read(DATA / name)
    assert fmt == ("jsonl" if name.endswith("jsonl") else "logfmt")
    (excerpt,) = items
    lines = excerpt.text.splitlines()
    assert len(lines) == 4 and "11:00" not in excerpt.text
    _, items = read(DATA / name, build_options(start="2026-03-14T08:30:00Z", end="2026-03-14T10:30:00Z", grep="exhausted"))
    assert len(items[0].text.splitlines()) == 2


def test_prometheus_query_range_summarised():
    name, items = read(DATA / "prometheus-error-ratio.json")
    assert name == "prometheus"
    peak, crossed, recovered = items
    assert peak.text.startswith("baseline 0.004, peak 0.23 at 2026-03-14T09:05:00+00:00")
    assert crossed.source.role == "symptom" and crossed.at == datetime(2026, 3, 14, 9, 5, tzinfo=timezone.utc)
    assert recovered.at == datetime(2026, 3, 14, 9, 50, tzinfo=timezone.utc)
    _, items = read(DATA / "prometheus-error-ratio.json", Options(window=WINDOW, threshold=0.5))
    assert len(items) == 1  # never above 0.5: only the summary


def test_timestamp_parsing_with_and_without_zones():
    from postmortem_kit.evidence.model import parse_epoch, parse_instant

    assert parse_instant("2026-03-14T09:12:00+01:00", "x").utcoffset().total_seconds() == 3600
    assert parse_instant("2026-03-14 09:12:00.123456789Z", "x").microsecond == 123456
    assert parse_epoch("1773479200.000100", "x") == datetime(2026, 3, 14, 9, 6, 40, 100, tzinfo=timezone.utc)
    with pytest.raises(Exception, match="has no UTC offset.*--zone"):
        parse_instant("2026-03-14T09:12:00", "app.log:3:7")
    from zoneinfo import ZoneInfo

    berlin = parse_instant("2026-03-14T09:12:00", "x", zone=ZoneInfo("Europe/Berlin"))
    assert berlin.utcoffset().total_seconds() == 3600
    for bad in ("14/03/2026 09:12", "2026-02-30T09:00:00Z", "", None, "9" * 200):
        with pytest.raises(Exception, match="x:"):
            parse_instant(bad, "x")
