"""pytest fixtures around the OpenAI-compatible test server (tests/support/llm_server.py)."""

from __future__ import annotations

import pytest

from support.llm_server import LLMServer

TEST_API_KEY = "sk-test-not-a-real-key-0000000000000000"


@pytest.fixture
def llm_server():
    """A fresh server per test (cheap: one thread, one socket)."""
    server = LLMServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def openai_env(monkeypatch, llm_server, tmp_path):
    """Point the standard OpenAI environment variables at the test server (and the draft cache at tmp_path)."""
    monkeypatch.setenv("POSTMORTEM_KIT_CACHE_DIR", str(tmp_path / "draft-cache"))
    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", llm_server.base_url)
    for name in ("OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)
    return llm_server


@pytest.fixture
def no_openai_env(monkeypatch, tmp_path):
    """No key and no base URL: the situation of a fresh machine."""
    monkeypatch.setenv("POSTMORTEM_KIT_CACHE_DIR", str(tmp_path / "draft-cache"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
                 "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def attacker_llm():
    """A second OpenAI-compatible server standing for one a pull request names (it should get no requests)."""
    server = LLMServer(model_ids=("attacker-model",)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def keyed_pr_scenario(github_emulator, tmp_path, monkeypatch, openai_env):
    """A pull-request scenario whose trusted job has an API key for the test server."""
    from support.pr_scenario import PrScenario

    scenario = PrScenario(github_emulator, tmp_path, monkeypatch)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)  # PrScenario clears it
    return scenario
