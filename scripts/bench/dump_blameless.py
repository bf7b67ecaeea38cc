"""Every blameless finding of a corpus, one JSON line each, to prove a speed change changes nothing.

    python scripts/bench/dump_blameless.py --out before.jsonl            # the default corpora
    python scripts/bench/dump_blameless.py --out after.jsonl
    python scripts/bench/dump_blameless.py --compare before.jsonl after.jsonl

The default corpora are (1) the generated incidents of ``bench_blameless.py`` (``--files``, default
300), checked with ``check_file`` as ``postmortem check`` does, and (2) every labelled set
``tests/data/*.jsonl``: each item linted as Markdown with ``lint_text``, and the items also written, six
at a time, into the prose fields of the published example incident (cause fields, timeline, impact)
and checked as incident files, so the joined-prose path with its cause regions and document entities
is exercised too.  ``--compare`` prints the lines only one side has and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

# Where the labelled items go in the example incident: cause fields first, then other prose.
_SLOTS = (
    ("root_cause", "primary"),
    ("contributing_factors", 0, "description"),
    ("contributing_factors", 1, "how_it_contributed"),
    ("timeline", 0, "event"),
    ("timeline", 5, "action"),
    ("impact", "user_experience"),
)


def _finding_line(source: str, finding) -> str:
    record = {"source": source, **finding.to_dict(), "suppressed": finding.suppressed,
              "suppression": finding.suppression}
    record.pop("path", None)
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def _incident_corpus(directory: Path, files: int) -> list[str]:
    from bench_blameless import generate

    from postmortem_kit.checks import check_file

    generate(directory, files)
    lines = []
    for path in sorted(directory.glob("*.yaml")):
        _, findings = check_file(path, blameless=True)
        lines.extend(_finding_line(path.name, f) for f in findings if f.rule.startswith("blameless/"))
    return lines


def _set_corpus(data_file: Path, directory: Path) -> list[str]:
    import yaml

    from postmortem_kit.blameless import lint_text
    from postmortem_kit.checks import check_file

    items = [json.loads(line) for line in data_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = []
    for item in items:
        for f in lint_text(item["text"], item["id"], markdown=True, status="published"):
            lines.append(_finding_line(f"{data_file.name}:{item['id']}", f))
    template = yaml.safe_load((ROOT / "postmortems" / "INC-2026-0001.yaml").read_text(encoding="utf-8"))
    for group in range(0, len(items), len(_SLOTS)):
        doc = json.loads(json.dumps(template))
        for slot, item in zip(_SLOTS, items[group:group + len(_SLOTS)]):
            target = doc
            for part in slot[:-1]:
                target = target[part]
            target[slot[-1]] = item["text"]
        path = directory / f"{data_file.stem}-{group:04d}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
        _, findings = check_file(path, blameless=True)
        lines.extend(_finding_line(f"{data_file.name}:incident{group}", f)
                     for f in findings if f.rule.startswith("blameless/"))
    return lines


def dump(out: Path, files: int, sets_first: bool = False) -> int:
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dump-blameless-") as tmp:
        generated = Path(tmp) / "generated"
        generated.mkdir()
        if not sets_first:  # the generated incidents warm the per-run caches before the sets
            lines.extend(_incident_corpus(generated, files))
        for data_file in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
            sets = Path(tmp) / data_file.stem
            sets.mkdir()
            lines.extend(_set_corpus(data_file, sets))
        if sets_first:  # the sets are checked by a cold process
            lines[:0] = _incident_corpus(generated, files)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(f"{len(lines)} findings written to {out}")
    return 0


def compare(first: Path, second: Path) -> int:
    a = first.read_text(encoding="utf-8").splitlines()
    b = second.read_text(encoding="utf-8").splitlines()
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    for line in only_a:
        print(f"- {line}")
    for line in only_b:
        print(f"+ {line}")
    same_order = a == b
    print(f"{len(a)} vs {len(b)} findings; {len(only_a) + len(only_b)} differences"
          f"{'' if same_order or only_a or only_b else ' (same findings, different order)'}")
    return 0 if same_order else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write every finding of the corpora to this file")
    parser.add_argument("--files", type=int, default=300, help="generated incidents (default 300)")
    parser.add_argument("--sets-first", action="store_true",
                        help="check the labelled sets before the generated incidents (cold caches)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two dumps")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("give --out FILE or --compare A B")
    return dump(args.out, args.files, args.sets_first)


if __name__ == "__main__":
    sys.exit(main())
