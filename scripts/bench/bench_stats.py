"""Benchmark: `postmortem stats` against `postmortem check` on the same incident files.

Baseline: `postmortem check DIR` (schema, consistency and blameless rules) over
the same files, measured in this run.  Stats only loads each file, so it
should cost no more than checking: target ratio <= 1.0.  Both run as fresh
processes (as a developer or CI runs them); the median of --repeat runs is
reported (stats after one warm-up run, which also warms the page cache for
the check; the check, the slow side, runs --check-repeat times).

Incidents come from tests/support/incident_factory.py (realistic, varied,
mixed statuses); a follow-up status file with a mix of states is written next
to them so the follow-up part of stats is exercised too.

    python scripts/bench/bench_stats.py [--files 10000] [--repeat 3] [--check-repeat 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        sys.exit(f"bench_stats: {name} is not installed (pip install -e '.[dev]')")
    return found


def timed(command: list[str], expect: tuple[int, ...]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if result.returncode not in expect:
        sys.exit(f"bench_stats: {' '.join(command[:2])} exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return elapsed


def median_of(command: list[str], repeat: int, expect: tuple[int, ...], *, warm: bool = True) -> float:
    if warm:
        timed(command, expect)  # warm the page cache and .pyc files
    return statistics.median(timed(command, expect) for _ in range(max(1, repeat)))


def write_incidents(directory: Path, count: int) -> None:
    try:
        from support.incident_factory import write_incidents as factory
    except ImportError:  # pragma: no cover - the factory ships with the tests
        _perturbed_examples(directory, count)
        return
    factory(directory, count, status="mixed", seed=11)


def _perturbed_examples(directory: Path, count: int) -> None:
    examples = sorted((ROOT / "postmortems").glob("INC-*.yaml"))
    texts = [path.read_text(encoding="utf-8") for path in examples]
    for index in range(count):
        source = examples[index % len(examples)]
        incident_id = f"INC-2025-{index + 1:05d}"
        text = texts[index % len(texts)].replace(source.stem, incident_id)
        (directory / f"{incident_id}.yaml").write_text(text, encoding="utf-8")


def write_status(directory: Path, status_file: Path) -> int:
    """A follow-up status file written by `postmortem followups --status`' own writer."""
    from datetime import date

    from postmortem_kit.core import load_yaml_file
    from postmortem_kit.followups import STATE_OF_STATUS, StatusRow, status_document
    from postmortem_kit.followups import write_status as write_document

    rng = random.Random(5)
    rows = []
    for path in sorted(directory.glob("*.yaml")):
        data = load_yaml_file(path).data
        for index, item in enumerate(data.get("follow_ups") or []):
            status = rng.choices(("done", "open", "overdue", "not-planned", "no-issue"), weights=(6, 2, 1, 0.3, 0.7))[0]
            number = None if status == "no-issue" else len(rows) + 1
            rows.append(StatusRow(
                incident=data["id"], index=index, action=item["action"], owner=item["owner"], due=str(item["due"]),
                tracking=f"#{number}" if number else "new", issue=number,
                url=f"https://github.com/acme/shop/issues/{number}" if number else None,
                state=STATE_OF_STATUS[status], state_reason="not_planned" if status == "not-planned" else None,
                status=status, overdue_days=3 if status == "overdue" else 0, incident_title=data.get("title") or "",
                severity=(data.get("summary") or {}).get("severity"), file=f"postmortems/{path.name}"))
    write_document(status_file, status_document(rows, repository="acme/shop", today=date.today(),
                                                generated_at="2026-01-01T00:00:00Z"))
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stats command (median)")
    parser.add_argument("--check-repeat", type=int, default=1, help="runs of the check (median)")
    args = parser.parse_args()
    postmortem = tool("postmortem")
    with tempfile.TemporaryDirectory() as tmp:
        incidents = Path(tmp) / "postmortems"
        incidents.mkdir()
        write_incidents(incidents, args.files)
        status_file = Path(tmp) / "followups-status.json"
        follow_ups = write_status(incidents, status_file)
        stats = median_of([postmortem, "stats", str(incidents), "--format", "json", "--followups-status",
                           str(status_file)], args.repeat, (0,))
        table = median_of([postmortem, "stats", str(incidents), "--followups-status", str(status_file)],
                          args.repeat, (0,))
        check = median_of([postmortem, "check", "-q", str(incidents)], args.check_repeat, (0, 1), warm=False)
    print(f"{args.files} incident files, {follow_ups} follow-ups with status (fresh processes; median of "
          f"{args.repeat} stats runs, {args.check_repeat} check run(s)):")
    print(f"  postmortem stats --format json  {stats:8.2f} s   {args.files / stats:8.0f} files/s")
    print(f"  postmortem stats (table)        {table:8.2f} s   {args.files / table:8.0f} files/s")
    print(f"  postmortem check (baseline)     {check:8.2f} s   {args.files / check:8.0f} files/s")
    print(f"  ratio stats / check             {stats / check:8.2f}x   (target <= 1.00)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
