"""Where the blameless check's share of `postmortem check` goes, in one warm process.

Generates the incidents of ``bench_blameless.py`` (``--files``, default 300) and measures, per file,
with ``time.process_time`` and the best of ``--rounds`` passes (each pass alternates the order per
file):

* ``off`` / ``on``: ``check_file`` with the rules off and on (as ``bench_blameless.py``'s one-process
  figure);
* ``stub``: ``check_file`` with the rules on but ``find_blame`` answering no findings at once, so
  ``stub - off`` is ``check``'s own on-only work around ``find_blame``;
* ``find_blame, just loaded``: ``find_blame`` on a document loaded right before it (as in ``check``);
* ``find_blame, reused``: on documents loaded once and checked again (its caches and data warm), so
  the two ``find_blame`` figures differ by what loading a file evicts.

    python scripts/bench/bench_blameless_parts.py [--files 300] [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    from bench_blameless import generate

    import postmortem_kit.blameless as blameless
    from postmortem_kit.blameless.document import find_blame
    from postmortem_kit.checks.incident import check_file
    from postmortem_kit.core import load_yaml_file
    from postmortem_kit.incident import typed_strings

    def prose(doc) -> list[tuple[tuple, str]]:
        return [(path, text) for path, text, shape in typed_strings(doc.data) if shape.prose]

    def no_findings(*_args, **_kwargs) -> list:
        return []

    with tempfile.TemporaryDirectory(prefix="bench-blameless-parts-") as tmp:
        generate(Path(tmp), args.files)
        files = sorted(str(path) for path in Path(tmp).glob("*.yaml"))
        for path in files[:50]:  # warm-up: imports, compiled rules, caches
            check_file(path, blameless=True)
        docs = [load_yaml_file(path) for path in files]
        items = [prose(doc) for doc in docs]
        names = ("off", "on", "stub", "find_blame, just loaded", "find_blame, reused")
        best = dict.fromkeys(names, float("inf"))
        for number in range(args.rounds):
            spent = dict.fromkeys(names, 0.0)
            for index, path in enumerate(files):
                for name in (names[:3] if (index + number) % 2 else names[2::-1]):
                    if name == "stub":
                        blameless.find_blame = no_findings  # what check's lazy import reads
                    started = time.process_time()
                    check_file(path, blameless=name != "off")
                    spent[name] += time.process_time() - started
                    if name == "stub":
                        del blameless.find_blame
                doc = load_yaml_file(path)
                found = prose(doc)
                started = time.process_time()
                find_blame(doc, doc.path, "in-review", items=found)
                spent[names[3]] += time.process_time() - started
                started = time.process_time()
                find_blame(docs[index], docs[index].path, "in-review", items=items[index])
                spent[names[4]] += time.process_time() - started
            for name in names:
                best[name] = min(best[name], spent[name] / len(files) * 1e6)
    print(f"{len(files)} incident files, best of {args.rounds} passes, CPU µs per file")
    for name in names:
        print(f"  {name:24s} {best[name]:8.1f}")
    print(f"  on - off                 {best['on'] - best['off']:8.1f}")
    print(f"  stub - off               {best['stub'] - best['off']:8.1f}  (check's on-only work outside find_blame)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
