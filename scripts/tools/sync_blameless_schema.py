"""Regenerate what is derived from scripts/postmortem_kit/blameless/rules.yaml, or check that it is current.

* ``scripts/postmortem_kit/blameless/rules.compiled.json``: the rules expanded and indexed for the
  scanner (loading it skips parsing the YAML and 65 regexes at start-up);
* the ``not``/``pattern`` of ``$defs/prose`` in ``schema/postmortem.schema.json``:
  the highest-confidence rules (``schema: true``) as one ECMA-262 regex, so
  editors underline "human error" while typing.  Only that one entry of the
  schema file is rewritten, in place, keeping the rest of the file as it is.

    python scripts/tools/sync_blameless_schema.py          # write both
    python scripts/tools/sync_blameless_schema.py --check  # exit 1 if either is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from postmortem_kit.blameless import (  # noqa: E402  # noqa: E402
    COMPILED_FILE,
    RULES_FILE,
    compile_yaml,
    replace_prose_not,
    schema_not_entry,
    source_digest,
)

SCHEMA_DIR = ROOT / "schema"
RULES_DIR = ROOT / "scripts" / "postmortem_kit" / "blameless"
SCHEMA_FILE = SCHEMA_DIR / "postmortem.schema.json"


def compiled_text(rules_path: Path) -> str:
    data = rules_path.read_bytes()
    compiled = compile_yaml(data, str(rules_path), source_digest(data), check=True)
    return json.dumps(compiled, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when a file is stale")
    args = parser.parse_args(argv)
    rules_path = RULES_DIR / RULES_FILE
    compiled_path = RULES_DIR / COMPILED_FILE
    wanted_compiled = compiled_text(rules_path)
    schema_text = SCHEMA_FILE.read_text(encoding="utf-8")
    wanted_schema = replace_prose_not(schema_text, schema_not_entry(json.loads(wanted_compiled)))
    stale = []
    current_compiled = compiled_path.read_text(encoding="utf-8") if compiled_path.exists() else ""
    if current_compiled != wanted_compiled:
        stale.append(compiled_path)
    if schema_text != wanted_schema:
        stale.append(SCHEMA_FILE)
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date; run python scripts/tools/sync_blameless_schema.py")
        return 1 if stale else 0
    if compiled_path in stale:
        compiled_path.write_text(wanted_compiled, encoding="utf-8")
    if SCHEMA_FILE in stale:
        SCHEMA_FILE.write_text(wanted_schema, encoding="utf-8")
    for path in stale:
        print(f"wrote {path.relative_to(ROOT)}")
    if not stale:
        print("up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
