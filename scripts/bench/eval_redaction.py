"""Redaction figures on the secret-variant corpus (tests/data/redaction/secret-variants.jsonl).

For every secret item (its values carry a «» guard so the file itself is not a leak; the guard is
stripped here): *leaked to model* when a secret value survives the inbound redaction of the text
(what the model would see); *survived echo* when a model that echoes the text verbatim gets the
value past the outbound path (redaction, then the inert transform, as `clean_section` does).  Keep
items must come through the inbound redaction unchanged.  Prints counts by kind, never values.

    .venv/bin/python scripts/bench/eval_redaction.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from postmortem_kit.textsafety import InertPolicy, Redactor, make_inert  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "redaction" / "secret-variants.jsonl"
GUARD = "«»"


def main() -> int:
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    secrets = [i for i in items if i["kind"] != "keep"]
    keeps = [i for i in items if i["kind"] == "keep"]
    leaked, echoed, lost = Counter(), Counter(), Counter()
    for item in secrets:
        text = item["text"].replace(GUARD, "")
        values = [v.replace(GUARD, "") for v in item["secret"]]
        inbound = Redactor.default().redact(text)
        if any(v in inbound for v in values):
            leaked[item["kind"]] += 1
        outbound = make_inert(Redactor.default().redact(text), InertPolicy.build([], 100_000))
        if any(v in outbound for v in values):
            echoed[item["kind"]] += 1
    for item in keeps:
        out = Redactor.default().redact(item["text"])
        if not all(k in out for k in item["keep"]):
            lost[item["id"]] += 1
    print(f"secret variants: {len(secrets)}; keep items: {len(keeps)}")
    print(f"leaked to model: {sum(leaked.values())} of {len(secrets)}")
    print(f"survived echo:   {sum(echoed.values())} of {len(secrets)}")
    print(f"keep items damaged: {sum(lost.values())} of {len(keeps)}")
    for kind, count in sorted(leaked.items()):
        print(f"  leaked  {kind}: {count}")
    for name in sorted(lost):
        print(f"  damaged {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
