"""A large Slack workspace export, written for the bounded-memory test and the evidence benchmark."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

START = date(2026, 1, 1)
USERS = [{"id": f"U{index:08d}", "name": f"user{index}", "real_name": f"User {index}",
          "profile": {"display_name": f"user{index}", "real_name": f"User {index}"}} for index in range(50)]


def write_big_slack_export(root: Path, *, messages: int = 100_000, days: int = 100) -> Path:
    """``messages`` messages in #incidents spread evenly over ``days`` day files starting 2026-01-01."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "channels.json").write_text(json.dumps([{"id": "C00000001", "name": "incidents", "created": 1700000000}]))
    (root / "users.json").write_text(json.dumps(USERS))
    channel = root / "incidents"
    channel.mkdir(exist_ok=True)
    per_day = messages // days
    for day_index in range(days):
        day = START + timedelta(days=day_index)
        base = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
        step = 86_000 // per_day
        batch = [{"type": "message", "user": USERS[n % len(USERS)]["id"], "ts": f"{base + n * step}.{n:06d}",
                  "text": f"message {n} of {day.isoformat()}: checking <@{USERS[(n + 1) % len(USERS)]['id']}> latency"}
                 for n in range(per_day)]
        (channel / f"{day.isoformat()}.json").write_text(json.dumps(batch, indent=1))
    return root


def day_window(index: int):
    """The Window of day ``index`` (0-based) of the export."""
    from postmortem_kit.evidence import Window

    day = START + timedelta(days=index)
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return Window(start, start + timedelta(days=1) - timedelta(microseconds=1))
