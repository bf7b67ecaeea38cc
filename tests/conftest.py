"""Shared pytest set-up: paths, and the fixtures of tests/support/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

pytest_plugins = [
    "support.fixtures",
    "support.llm_fixtures",
    "support.github.fixtures",
    "support.site_fixtures",
    "support.install_fixtures",
]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return ROOT / "postmortems"
