"""Regenerate the generated pages of the documentation, or check that they are current.

* ``docs/pages/reference/cli.md``: from every verb's argument parser (postmortem_kit.cli.reference);
* ``docs/pages/reference/rules.md``: from the rule registry (`postmortem rules --format markdown`).

    python scripts/tools/gen_docs.py          # write both
    python scripts/tools/gen_docs.py --check  # exit 1 and name the stale page(s)
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from postmortem_kit.cli.catalog import every_rule
from postmortem_kit.cli.reference import cli_reference
from postmortem_kit.core import render_rules

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "pages" / "reference"


def rules_reference() -> str:
    out = io.StringIO()
    render_rules(every_rule(), "markdown", out)
    return out.getvalue()


def generated() -> dict[Path, str]:
    return {REFERENCE / "cli.md": cli_reference(), REFERENCE / "rules.md": rules_reference()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a page is stale")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'}: {path}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
