"""Pytest plugin: the GitHub REST emulator, real webhook payloads and a virtual clock.

Fixtures
- ``github_emulator``: a started GitHubEmulator with one app token
  (``BOT_TOKEN``, login ``BOT_LOGIN``, like GITHUB_TOKEN in Actions). At
  teardown every recorded response (and every accepted request body) is
  validated against tests/support/github/api/openapi-subset.json; a test that sends
  deliberately malformed requests sets ``emu.validate_on_teardown = False``.
- ``github_api``: ``github_api()`` returns a PyGithub client for the emulator.
- ``webhook_payload``: ``webhook_payload("push.5")`` loads
  tests/support/github/api/webhooks/push.5.json (extracted from @octokit/webhooks-examples).
- ``virtual_clock``: a VirtualClock whose ``sleep`` advances ``now`` at once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from support.github.emulator import GitHubEmulator
from support.github.openapi import check_calls

WEBHOOKS = Path(__file__).resolve().parent / "api" / "webhooks"
BOT_TOKEN = "ghs_emulatorBotToken0000000000000000000"
BOT_LOGIN = "github-actions[bot]"
USER_TOKEN = "ghp_emulatorUserToken000000000000000000"


class VirtualClock:
    """Monotonic time that only moves when someone sleeps on it."""

    def __init__(self, start: float = 1_000.0):
        self._now = start
        self._lock = threading.Lock()
        self.slept = 0.0

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._now += seconds
                self.slept += seconds

    __call__ = now


def load_webhook(name: str) -> dict:
    return json.loads((WEBHOOKS / f"{name}.json").read_text(encoding="utf-8"))


def webhook_names(prefix: str) -> list[str]:
    """Names of the extracted payloads of one event (``push``) or event and action (``pull_request.opened``)."""
    return sorted(p.stem for p in WEBHOOKS.glob(f"{prefix}.*.json") if p.stem.rsplit(".", 1)[0] == prefix)


@pytest.fixture
def github_emulator():
    emu = GitHubEmulator().start()
    emu.add_token(BOT_TOKEN, BOT_LOGIN, app=True)
    emu.validate_on_teardown = True
    try:
        yield emu
    finally:
        emu.stop()
    if emu.validate_on_teardown:
        problems = check_calls(emu.calls)
        assert not problems, "emulator traffic does not match GitHub's OpenAPI description:\n" + "\n".join(problems[:20])


@pytest.fixture
def github_api(github_emulator):
    from github import Auth, Github

    clients = []

    def make(token: str = BOT_TOKEN, **options):
        options.setdefault("retry", None)
        options.setdefault("seconds_between_requests", None)  # PyGithub's own throttle: off against the emulator
        options.setdefault("seconds_between_writes", None)
        client = Github(base_url=github_emulator.url, auth=Auth.Token(token), **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def webhook_payload():
    return load_webhook


@pytest.fixture
def virtual_clock():
    return VirtualClock()
