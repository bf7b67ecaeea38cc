"""Redaction figures on the secret-variant corpus (tests/data/redaction/secret-variants.jsonl).

For every secret item (its values carry a «» guard so the file itself is not a leak; the guard is
stripped here): *leaked to model* when a secret value survives the inbound redaction of the text
(what the model would see); *survived echo* when a model that echoes the text verbatim gets the
value past the outbound path (redaction, then the inert transform, as `clean_section` does).  Keep
items must come through the inbound redaction unchanged.  Prints counts by kind, never values.

Figures are printed for the whole corpus and for the original issue-13 corpus (144 variants, 35
keep items); items added later carry an id prefix such as ``s2-``.

    .venv/bin/python scripts/bench/eval_redaction.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from postmortem_kit.textsafety import InertPolicy, Redactor, make_inert  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "redaction" / "secret-variants.jsonl"
GUARD = "«»"
LATER = ("s2-",)  # id prefixes of variants added after the issue-13 corpus


@dataclass
class Figures:
    secrets: int = 0
    keeps: int = 0
    leaked: Counter = field(default_factory=Counter)  # kind -> items whose value reached the model
    echoed: Counter = field(default_factory=Counter)  # kind -> items whose value survived the echo
    damaged: list = field(default_factory=list)  # ids of keep items changed by the redaction


def load(original_only: bool = False) -> list[dict]:
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i for i in items if not i["id"].startswith(LATER)] if original_only else items


def measure(items: list[dict]) -> Figures:
    figures = Figures()
    policy = InertPolicy.build([], 100_000)
    for item in items:
        if item["kind"] == "keep":
            figures.keeps += 1
            out = Redactor.default().redact(item["text"])
            if not all(k in out for k in item["keep"]):
                figures.damaged.append(item["id"])
            continue
        figures.secrets += 1
        text = item["text"].replace(GUARD, "")
        values = [v.replace(GUARD, "") for v in item["secret"]]
        if any(v in Redactor.default().redact(text) for v in values):
            figures.leaked[item["kind"]] += 1
        if any(v in make_inert(Redactor.default().redact(text), policy) for v in values):
            figures.echoed[item["kind"]] += 1
    return figures


def report(title: str, figures: Figures) -> None:
    print(f"{title}: secret variants: {figures.secrets}; keep items: {figures.keeps}")
    print(f"  leaked to model: {sum(figures.leaked.values())} of {figures.secrets}")
    print(f"  survived echo:   {sum(figures.echoed.values())} of {figures.secrets}")
    print(f"  keep items damaged: {len(figures.damaged)} of {figures.keeps}")
    for kind, count in sorted(figures.leaked.items()):
        print(f"    leaked  {kind}: {count}")
    for name in sorted(figures.damaged):
        print(f"    damaged {name}")


def main() -> int:
    report("whole corpus", measure(load()))
    report("original issue-13 corpus", measure(load(original_only=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
