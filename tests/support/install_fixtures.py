"""Pytest plugin: the package built and installed as a user gets it.

``installed_kit`` (session scope) builds the sdist and wheel once with ``python -m build``, checks them
with ``twine check --strict``, creates a fresh virtual environment and installs the wheel into it
NON-editable with pip (dependencies come from the package registry this machine's pip is set up
for; nothing else is fetched). Under pytest-xdist the workers share one build: the first worker
builds under a file lock, the others reuse its result.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class InstalledKit:
    venv: Path
    dist: Path
    wheel: Path
    sdist: Path
    build_log: str

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment whose PATH starts with the venv (no project paths, no PYTHONPATH)."""
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("PYTHON", "VIRTUAL_ENV", "PYTEST", "GITHUB_", "SITE_", "OPENAI"))}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.venv)
        env["NO_MKDOCS_2_WARNING"] = "1"
        env.update(extra)
        return env


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)


def build_and_install(where: Path) -> InstalledKit:
    dist = where / "dist"
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # otherwise setuptools warns that byte-compiling is off
    built = _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], env=env, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in dist.iterdir())
    checked = _run([sys.executable, "-m", "twine", "check", "--strict", str(wheels[0]), str(sdists[0])], timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    target = where / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    installed = _run([str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
                      str(wheels[0])], timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    log = built.stdout + built.stderr
    (where / "done.json").write_text(json.dumps({"wheel": str(wheels[0]), "sdist": str(sdists[0]), "log": log}))
    return InstalledKit(target, dist, wheels[0], sdists[0], log)


@pytest.fixture(scope="session")
def installed_kit(tmp_path_factory) -> InstalledKit:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # this run's folder, shared by all xdist workers (each has its own below it)
    shared = base / "installed-kit"
    shared.mkdir(parents=True, exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "done.json"
        if done.is_file():
            record = json.loads(done.read_text())
            return InstalledKit(shared / "venv", shared / "dist", Path(record["wheel"]), Path(record["sdist"]),
                                record["log"])
        return build_and_install(shared)
