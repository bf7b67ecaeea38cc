"""The package's shape: layers, no cycles, public names, small modules, clean lint."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scripts" / "postmortem_kit"
MAX_LINES = 400
BIN = Path(sys.executable).parent


def test_import_contracts_hold():
    """Imports only go down the layers, and no subpackage has an import cycle (pyproject [tool.importlinter])."""
    done = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long(module):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines; split it (at most about {MAX_LINES})"


SUBPACKAGES = sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))


@pytest.mark.parametrize("package", SUBPACKAGES, ids=lambda p: p.name)
def test_every_subpackage_declares_its_public_names(package):
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    names = [node for node in tree.body if isinstance(node, ast.Assign)
             and any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets)]
    assert names, f"{package.relative_to(ROOT)}/__init__.py has no __all__"
    assert ast.get_docstring(tree), f"{package.relative_to(ROOT)}/__init__.py has no docstring saying what lives there"


def test_ruff_is_clean():
    done = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "scripts", "tests"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:]
