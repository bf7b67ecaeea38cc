"""Benchmark: how much the grounding derivations widen what a draft may state, and what they cost.

For each incident (default: the example incidents in postmortems/ and the drafting test incidents)
the evidence is the incident file as written (inputs and the sections people wrote) with its computed
durations, built twice: figures as stated only, and with the derivations of ``drafting/figures.py``
(other units, ratio, sum and difference of two figures stated together).  Reported per incident:
how many invented candidates would pass, out of every count 10-1000, every whole percentage 1-100
and every duration of 1-120 minutes, and the time to build the evidence (the shortest of five builds).  The fraction of candidates
that pass is the chance that an invented figure of that shape slips through.

    python scripts/bench/bench_grounding.py [--json out.json] [INC.yaml ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402

from postmortem_kit.drafting import Evidence, ungrounded_figures  # noqa: E402
from postmortem_kit.incident import compute_facts  # noqa: E402

CANDIDATES = {"counts 10-1000": [f"{n} users" for n in range(10, 1001)],
              "percentages 1-100": [f"{n}%" for n in range(1, 101)],
              "minutes 1-120": [f"{n} minutes" for n in range(1, 121)]}


def measure(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    facts = compute_facts(yaml.safe_load(text) or {})
    minutes = [d.total_seconds() / 60 for d in (facts.total_duration, facts.time_to_detect, facts.time_to_resolve)
               if d is not None]
    row: dict = {"incident": path.name}
    for label, derive in (("stated", False), ("derived", True)):
        times = []
        for _ in range(5):  # the shortest of five: the machine is shared
            began = time.perf_counter()
            ev = Evidence.build([text], minutes=minutes, derive=derive)
            times.append(time.perf_counter() - began)
        row[f"{label}_build_ms"] = round(min(times) * 1000, 1)
        for kind, candidates in CANDIDATES.items():
            row[f"{label}: {kind}"] = sum(1 for c in candidates if not ungrounded_figures(c, ev))
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("incidents", nargs="*", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    paths = args.incidents or sorted([*ROOT.glob("postmortems/*.yaml"), *ROOT.glob("tests/data/draft/*.yaml")])
    Evidence.build(["3 of 4 hosts; 90 minutes"])  # warm-up: regexes compiled, modules loaded
    rows = [measure(path) for path in paths]
    for row in rows:
        parts = [f"{kind} {row[f'stated: {kind}']} -> {row[f'derived: {kind}']}/{len(CANDIDATES[kind])}"
                 for kind in CANDIDATES]
        print(f"{row['incident']:<20} " + "; ".join(parts)
              + f"; build {row['stated_build_ms']} -> {row['derived_build_ms']} ms")
    for kind, candidates in CANDIDATES.items():
        stated = sum(r[f"stated: {kind}"] for r in rows) / (len(rows) * len(candidates))
        derived = sum(r[f"derived: {kind}"] for r in rows) / (len(rows) * len(candidates))
        print(f"mean share of invented {kind} that pass: {stated:.1%} stated only, {derived:.1%} with derivations")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
