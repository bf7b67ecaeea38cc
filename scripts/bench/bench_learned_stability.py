"""How much BL159's verdicts move when its training data change a little: one shuffle seed against the
average of ``training.SEEDS``.

Drops ``--drop`` random examples of the training data (``--trials`` times, a fixed seed), retrains, and
counts the sentences whose verdict at the threshold (``training.THRESHOLD``) changed, among the labelled
sentences the model reads and, when ``POSTMORTEM_REAL_TEXTS`` names the private real-text corpus, among
its sentences (counts only, never text).  The twentieth round's figures (``training.py``) come from it.

    python scripts/bench/bench_learned_stability.py [--drop 20] [--trials 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from postmortem_kit.blameless import learned, training  # noqa: E402
from postmortem_kit.blameless.rules import load_rules  # noqa: E402

DATA = ROOT / "tests" / "data"


def _real_features() -> list[set[str]]:
    folder = os.environ.get("POSTMORTEM_REAL_TEXTS")
    path = Path(folder) / "sentences.jsonl" if folder else None
    if path is None or not path.is_file():
        return []
    rules = load_rules()
    found = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            item = training._sentence(json.loads(line)["text"], rules)
            if item["read"]:
                found.append(item["f"])
    return found


def _verdicts(model: tuple[dict, float], features: list[set[str]]) -> list[bool]:
    weights, bias = model
    return [learned.chance(weights, bias, found) >= training.THRESHOLD for found in features]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drop", type=int, default=20)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args(argv)
    items = training.examples(DATA)
    labelled = [item["f"] for item in items if item["read"]]
    real = _real_features()
    print(f"{len(items)} training examples; {len(labelled)} labelled and {len(real)} real sentences read")
    for name, seeds in (("one seed", training.SEEDS[:1]), (f"{len(training.SEEDS)} seeds averaged", training.SEEDS)):
        kept_seeds = training.SEEDS
        training.SEEDS = seeds
        try:
            started = time.perf_counter()
            base = training.train(items)
            spent = time.perf_counter() - started
            generator = random.Random(5)
            moved_labelled, moved_real = [], []
            for _ in range(args.trials):
                dropped = set(generator.sample(range(len(items)), args.drop))
                model = training.train([item for index, item in enumerate(items) if index not in dropped])
                moved_labelled.append(sum(a != b for a, b in zip(_verdicts(base, labelled), _verdicts(model, labelled))))
                moved_real.append(sum(a != b for a, b in zip(_verdicts(base, real), _verdicts(model, real))))
        finally:
            training.SEEDS = kept_seeds
        print(f"  {name:20s} verdicts moved: labelled {moved_labelled}, real {moved_real}; "
              f"training {spent:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
