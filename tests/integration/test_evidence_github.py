"""`postmortem evidence add INCIDENT github:OWNER/REPO`: deployments and their statuses, merged pull requests and
releases in the window, read with PyGithub from the GitHub REST emulator."""

from __future__ import annotations

from support.github.deploys import seed_deployment, seed_release
from support.github.fixtures import BOT_TOKEN

INCIDENT = """\
id: INC-2026-0042
title: Checkout errors
status: draft
inputs:
  incident_data:
    events:
      - time: "2026-03-14T09:06:00+00:00"
        event: customers report 503 errors
"""
WINDOW = ["--from", "2026-03-14T08:00:00Z", "--to", "2026-03-14T10:30:00Z"]


def _world(emu):
    repo = emu.add_repo("acme/checkout")
    seed_deployment(repo, sha="a" * 40, ref="v2.31.0", environment="production", creator="acme",
                    created_at="2026-03-14T09:01:00Z", description="pool size change",
                    statuses=[("in_progress", "2026-03-14T09:01:10Z", "rolling out"),
                              ("success", "2026-03-14T09:02:00Z", "deployed")])
    seed_deployment(repo, sha="b" * 40, ref="v2.30.4", environment="production", creator="acme",
                    created_at="2026-03-14T09:24:00Z", statuses=[("success", "2026-03-14T09:25:00Z", "rollback")])
    seed_deployment(repo, sha="c" * 40, ref="v2.29.0", environment="production", creator="acme",
                    created_at="2026-03-01T10:00:00Z", statuses=[("success", "2026-03-01T10:05:00Z", "")])
    merged = emu.add_pull("acme/checkout", title="Lower the db pool max to 5", user="amara", head="pool")
    merged.state, merged.closed_at, merged.updated_at = "closed", "2026-03-14T08:55:00Z", "2026-03-14T08:55:00Z"
    merged.pull.merged, merged.pull.merged_at = True, "2026-03-14T08:55:00Z"
    old = emu.add_pull("acme/checkout", title="An old change", user="amara", head="old")
    old.state, old.closed_at, old.updated_at = "closed", "2026-02-01T08:55:00Z", "2026-02-01T08:55:00Z"
    old.pull.merged, old.pull.merged_at = True, "2026-02-01T08:55:00Z"
    seed_release(repo, tag_name="v2.31.0", name="2.31.0", author="acme", published_at="2026-03-14T08:58:00Z")
    seed_release(repo, tag_name="v2.32.0", name=None, author="acme", published_at="2026-03-14T09:30:00Z", draft=True)


def test_github_changes_in_the_window(run_cli, github_emulator, tmp_path, monkeypatch):
    _world(github_emulator)
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github_emulator.url)
    incident = tmp_path / "INC-2026-0042.yaml"
    incident.write_text(INCIDENT)
    code, _, err = run_cli("evidence", "add", str(incident), "github:acme/checkout", *WINDOW)
    assert code == 0, err
    text = incident.read_text()
    assert text.startswith(INCIDENT)
    for expected in ("Pull request #1 merged into main: Lower the db pool max to 5",
                     "Release 2.31.0 (v2.31.0) published",
                     "Deployment to production: v2.31.0 (aaaaaaaaaaaa) - pool size change",
                     "Deployment to production: v2.31.0 (aaaaaaaaaaaa) success - deployed",
                     "Deployment to production: v2.30.4 (bbbbbbbbbbbb) success - rollback"):
        assert expected in text, text
    assert "An old change" not in text and "v2.29.0" not in text and "v2.32.0" not in text
    assert "source: github/change acme/checkout#pull_request-1" in text
    code, _, err = run_cli("evidence", "add", str(incident), "github:acme/checkout", *WINDOW)
    assert code == 0 and "nothing new" in err


def test_github_errors_are_one_line(run_cli, github_emulator, tmp_path, monkeypatch):
    incident = tmp_path / "INC-2026-0042.yaml"
    incident.write_text(INCIDENT)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    code, _, err = run_cli("evidence", "add", str(incident), "github:acme/missing", *WINDOW)
    assert code == 2 and "GITHUB_TOKEN is not set" in err
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github_emulator.url)
    code, _, err = run_cli("evidence", "add", str(incident), "github:acme/missing", *WINDOW)
    assert code == 2 and "github:acme/missing: HTTP 404" in err and "Traceback" not in err
    assert incident.read_text() == INCIDENT
