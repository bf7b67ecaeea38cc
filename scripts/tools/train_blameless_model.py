"""Train BL159's model (scripts/postmortem_kit/blameless/learned.json) from tests/data's labelled sets.

    python scripts/tools/train_blameless_model.py           # write learned.json
    python scripts/tools/train_blameless_model.py --check   # exit 1 if learned.json is not what training gives
    python scripts/tools/train_blameless_model.py --cross   # leave each later blind set out, print the figures

``--cross`` is how the thresholds in blameless/training.py were chosen: the rules alone and the rules plus
the model at several thresholds, on each set of ``HELD_OUT`` (the blind sets once scored, and heldout-2) left
out of training, and the errors as shipped (the rules plus BL161, the model's confident tier).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from postmortem_kit.blameless import (  # noqa: E402
    learned,
    lint_text,  # noqa: E402
    load_rules,
    training,
)

DATA = ROOT / "tests" / "data"
HELD_OUT = [f"blind-{n}" for n in range(7, 42)] + ["heldout-2"]
THRESHOLDS = [0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999]


_RULES = load_rules()
_LEARNED = {rule.finding_rule for rule in (_RULES.learned, _RULES.confident) if rule is not None}


def _rules_flag(text: str) -> bool:
    """The rules' verdict at error level, without the shipped model's (trained on every set) BL159/BL161."""
    return any(f.severity == "error" and not f.suppressed and f.rule not in _LEARNED
               for f in lint_text(text, "item.md", markdown=True, status="published", rules=_RULES))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if learned.json is stale")
    parser.add_argument("--cross", action="store_true", help="print leave-one-set-out figures")
    args = parser.parse_args(argv)
    if args.cross:
        columns = ["rules", *THRESHOLDS, "confident"]
        pooled = {threshold: [0, 0, 0] for threshold in columns}
        for row in training.cross_validate(DATA, HELD_OUT, THRESHOLDS, _rules_flag):
            cells = []
            for threshold in columns:
                figures = row[threshold]
                cells.append(f"{threshold}: {figures['recall']:.3f}/{figures['precision']:.3f}")
                total = pooled[threshold]
                total[0] += figures["tp"]
                total[1] += figures["fp"]
                total[2] += figures["positives"]
            print(f"{row['set']:<10} " + " | ".join(cells))
        for threshold, (tp, fp, positives) in pooled.items():
            print(f"pooled {threshold}: recall {tp / max(1, positives):.3f} precision {tp / max(1, tp + fp):.3f}")
        print("(recall/precision at error level of the rules, plus BL159 at each threshold; 'confident': the rules "
              f"plus BL161, the errors as shipped: BL159's score >= {training.CONFIDENT} and nothing authorised)")
        return 0
    data = training.model_data(DATA)
    text = json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"
    if args.check:
        current = learned.MODEL_PATH.read_text(encoding="utf-8") if learned.MODEL_PATH.exists() else ""
        if current != text:
            print(f"{learned.MODEL_PATH} is stale: run python scripts/tools/train_blameless_model.py", file=sys.stderr)
            return 1
        return 0
    learned.MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {learned.MODEL_PATH} ({len(data['weights'])} weights from {data['examples']} examples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
