"""Done when: from a Slack export, a PagerDuty log and an Alertmanager payload, one command fills the inputs of a
new draft incident; `postmortem check` passes; `postmortem draft` proposes start, detection and resolution that
match the evidence, each citing its source."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "evidence"
WINDOW = ["--from", "2026-03-14T08:30:00+00:00", "--to", "2026-03-14T10:30:00+00:00"]


def test_evidence_in_timeline_out(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    shutil.copytree(DATA / "slack-export", tmp_path / "slack-export")
    for name in ("pagerduty-log-entries.json", "alertmanager-webhooks.json"):
        shutil.copy(DATA / name, tmp_path / name)
    code, out, err = run_cli("new", "--title", "Checkout returned 503s after a pool-size change", "--service",
                             "checkout-api", "--author", "@octocat", "--now", "2026-03-14T11:00:00+00:00")
    assert code == 0, err
    incident = Path(out.strip())
    before = incident.read_text()

    code, _, err = run_cli("evidence", "add", str(incident), "slack-export", "pagerduty-log-entries.json",
                           "alertmanager-webhooks.json", *WINDOW)
    assert code == 0, err
    assert "added 10 events, 3 alerts, 5 response_actions" in err
    assert "redacted before writing: 1 email, 1 phone, 1 slack-token" in err and "li.wei@example.com" not in err
    after = incident.read_text()
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    assert all(op in ("equal", "insert") for op, *_ in ops)  # no byte of the file changed, only added
    assert "xoxb-" not in after and "@example.com" not in after and "7946" not in after

    code, _, err = run_cli("evidence", "add", str(incident), "slack-export", "pagerduty-log-entries.json",
                           "alertmanager-webhooks.json", *WINDOW)
    assert code == 0 and "nothing new; all 18 entries are already present" in err
    assert incident.read_text() == after  # running again adds nothing

    code, out, err = run_cli("check", str(incident))
    assert code == 0, out + err

    code, out, err = run_cli("draft", "--provider", "offline", "--format", "json", "--no-cache", str(incident))
    facts = json.loads(out)["facts"]
    assert facts["start"] == "2026-03-14T09:06:00+00:00"  # the first chat message reporting 503 errors
    assert facts["detection"] == "2026-03-14T09:07:00+00:00"  # the first alert (Alertmanager startsAt)
    assert facts["resolution"] == "2026-03-14T09:52:00+00:00"  # PagerDuty resolve_log_entry
    assert "slack/message slack-export:incidents/2026-03-14.json#" in facts["start_basis"]
    assert "alertmanager/alert alertmanager-webhooks.json#5f1e8a2b9c3d4e6f@" in facts["detection_basis"]
    assert "pagerduty/resolve pagerduty-log-entries.json#R0RESO0007" in facts["resolution_basis"]
    assert "summary:" not in incident.read_text()  # proposals are printed for review, never written silently
