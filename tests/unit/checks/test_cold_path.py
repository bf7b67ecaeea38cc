"""A cold `postmortem check` of a valid file imports only what that file needs.

The pre-commit path starts a new process per run, so every module imported
is paid for each time.  A valid file never needs jsonschema (it explains
failures), the rule compiler, the rule registry or the report formats of
other commands, and none of the standard modules below, which the project
used to pull in by the way (``dataclasses`` brings ``inspect`` and ``ast``;
argparse's formatter brings ``shutil`` with ``bz2`` and ``lzma``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VALID = ROOT / "postmortems" / "INC-2026-0001.yaml"

NOT_ON_THE_COLD_PATH = (
    "jsonschema", "fastjsonschema", "dataclasses", "inspect", "ast", "shutil", "bz2", "lzma", "difflib",
    "tempfile", "importlib.resources", "typing", "array",
    "postmortem_kit.blameless.compiler", "postmortem_kit.blameless.regex_shapes",
    "postmortem_kit.core.regex_literals", "postmortem_kit.blameless.registry",
    "postmortem_kit.blameless.confidence", "postmortem_kit.cli.catalog",
)

_PROBE = """
import contextlib, io, json, sys
from postmortem_kit.cli.main import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        status = main(["check", sys.argv[1]])
    except SystemExit as done:
        status = done.code
print(json.dumps({"status": status, "err": err.getvalue(), "modules": sorted(sys.modules)}))
"""


def test_a_valid_file_keeps_heavy_modules_off_the_cold_path(tmp_path):
    env = {**os.environ, "POSTMORTEM_KIT_COMPILED_CACHE": str(tmp_path / "cache")}
    for run in ("first", "kept"):  # the first run writes the compiled cache (array is imported to write it)
        done = subprocess.run([sys.executable, "-c", _PROBE, str(VALID)], capture_output=True, text=True,
                              cwd=ROOT, check=True, env=env)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["status"] == 0, result["err"]
        assert "1 file checked: 0 errors" in result["err"]
        loaded = set(result["modules"])
        assert "postmortem_kit.blameless.scanner" in loaded, "the probe did not run the blameless check"
        expected = ["array"] if run == "first" else []
        assert sorted(loaded.intersection(NOT_ON_THE_COLD_PATH)) == expected, run
