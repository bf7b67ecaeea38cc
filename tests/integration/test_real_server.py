"""Opt-in: drafting against a real OpenAI-compatible server (skipped unless POSTMORTEM_REAL_SERVER_URL is set).

    scripts/bench/real_server.sh      # builds and starts llama-cpp-python's server with SmolLM2-135M
    POSTMORTEM_REAL_SERVER_URL=http://127.0.0.1:8765/v1 POSTMORTEM_REAL_SERVER_MODEL=smollm2-135m-instruct \\
        python -m pytest tests/integration/test_real_server.py

Never in CI: the model package's provenance is not clear enough for CI to depend on.  What a
small model writes is not asserted; what the tool guarantees is: every section is drafted or
dropped with a reason, the counters are the requests made, and `check` passes after `--write`.
"""

from __future__ import annotations

import os

import pytest

from support.draft_data import copy_incident

URL = os.environ.get("POSTMORTEM_REAL_SERVER_URL")
pytestmark = pytest.mark.skipif(not URL, reason="set POSTMORTEM_REAL_SERVER_URL to run against a real server")


def test_write_then_check_against_a_real_server(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "local")
    monkeypatch.setenv("POSTMORTEM_KIT_CACHE_DIR", str(tmp_path / "cache"))
    incident = copy_incident(tmp_path)
    model = os.environ.get("POSTMORTEM_REAL_SERVER_MODEL", "smollm2-135m-instruct")
    server = os.environ.get("POSTMORTEM_REAL_SERVER_KIND", "llama-cpp-python")
    code, out, err = run_cli("draft", str(incident), "--write", "--provider", "openai", "--base-url", URL,
                             "--model", model, "--server", server, "--timeout", "600", "--section", "lesson",
                             "--section", "summary", "--section", "monitoring")
    assert code in (0, 1), err
    assert "HTTP request(s)" in err
    code, out, err = run_cli("check", str(incident))
    assert code == 0, out + err
