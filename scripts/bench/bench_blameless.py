"""Cost of the blameless-language check inside `postmortem check`.

Generates 1,000 complete incident files (the published example with varied
prose; one in ten carries a blaming sentence), then times
`postmortem check DIR` against the baseline `postmortem check --no-blameless
DIR` in the same run.  Machines that share their CPUs change speed from one
run to the next (here by up to 40%), so the runs are made in pairs (on/off,
alternating which goes first) and the figure is the median of the per-pair
ratios of CPU time (user + system of the check process).  The second figure,
which decides the exit status, comes from one process that checks every file
with the rules off and then on, back to back, which cancels drift almost
entirely.  Target: at most 1.15.

    python scripts/bench/bench_blameless.py [--files 1000] [--pairs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "postmortems" / "INC-2026-0001.yaml"
TARGET = 1.15

CLEAN_SENTENCES = [
    "The connection pool of the service was capped at five connections per pod.",
    "Requests queued for a connection and timed out under normal morning load.",
    "The readiness probe checked database reachability but not pool saturation.",
    "The fast-burn alert needed five minutes of data before it could fire.",
    "Rollback needed a manual decision and a 14-minute pipeline run.",
    "The deploy pipeline completed its canary stage with no errors at low traffic.",
    "Staging load tests run at five percent of production traffic.",
    "The dashboard linked from the alert did not show pool wait time.",
    "Configuration changes had no review rule for capacity-related keys.",
    "The on-call engineer acknowledged the page within two minutes and opened the incident channel.",
    "Error rates fell back to the baseline once the rollback reached every pod.",
    "The scheduler failed to place pods because every node reported disk pressure.",
    "Retries without jitter synchronised the clients and doubled the load on the primary.",
    "The incident commander assigned roles and started a status page entry.",
    "Customers saw a generic error page at the payment step and their carts stayed unpaid.",
    "The team should add a pool-saturation signal to the readiness probe.",
    "Reviewers should see capacity-related keys highlighted in configuration diffs.",
    "Queue age, not queue length, is the signal that tracks customer impact.",
]
BLAMING_SENTENCES = [
    "The engineer who changed the setting should have checked the staging profile first.",
    "Ultimately this was human error during a routine change.",
    "It was obvious that five connections would never be enough.",
    "The on-call ignored the first alert and went back to sleep.",
]


def generate(directory: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    template = TEMPLATE.read_text(encoding="utf-8")
    lines = template.splitlines()
    for number in range(count):
        incident_id = f"INC-2026-{1000 + number:04d}"
        text = template.replace("INC-2026-0001", incident_id)
        # Replace the free text of a few one-line prose fields with varied sentences.
        out = []
        for line in text.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(("event: ", "system_state: ", "description: ")) and rng.random() < 0.7:
                indent = line[:len(line) - len(stripped)]
                key = stripped.split(":", 1)[0]
                out.append(f"{indent}{key}: {rng.choice(CLEAN_SENTENCES)}")
            else:
                out.append(line)
        text = "\n".join(out) + "\n"
        if number % 10 == 0:
            sentence = BLAMING_SENTENCES[number // 10 % len(BLAMING_SENTENCES)]
            text = text.replace("action: Decision to roll back rather than hot-fix the setting.", f"action: {sentence}", 1)
        (directory / f"{incident_id}.yaml").write_text(text, encoding="utf-8")
    assert len(lines) > 50


def run_check(directory: Path, blameless: bool) -> tuple[float, float, list[dict]]:
    """(wall seconds, CPU seconds of the check process, findings)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "scripts") + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, "-m", "postmortem_kit", "check", "--format", "json", str(directory)]
    if not blameless:
        command.insert(4, "--no-blameless")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"postmortem check failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return elapsed, cpu, json.loads(done.stdout or "[]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-blameless-") as tmp:
        directory = Path(tmp)
        generate(directory, args.files)
        run_check(directory, True)  # warm the file cache and the compiled-rules cache
        pairs: list[tuple[float, float, float, float]] = []  # (off cpu, on cpu, off wall, on wall)
        findings: list[dict] = []
        for number in range(args.pairs):
            result = {}
            for blameless in ((True, False) if number % 2 else (False, True)):
                elapsed, cpu, found = run_check(directory, blameless)
                result[blameless] = (cpu, elapsed)
                if blameless:
                    findings = found
            pairs.append((result[False][0], result[True][0], result[False][1], result[True][1]))
        blame = [f for f in findings if f["rule"].startswith("blameless/")]
        expected = len(range(0, args.files, 10))
        if len({f["path"] for f in blame}) < expected:
            raise SystemExit(f"expected blameless findings in {expected} files, got {len(blame)}")
        ratios = sorted(on / off for off, on, _, _ in pairs)
        ratio = statistics.median(ratios)
        off_cpu = statistics.median(p[0] for p in pairs)
        on_cpu = statistics.median(p[1] for p in pairs)
        wall = statistics.median(p[3] / p[2] for p in pairs)
        interleaved, off_ms, on_ms = interleaved_ratio(directory)
        print(f"{args.files} incident files, {args.pairs} on/off pairs (CPU time of the check process)")
        print(f"  check --no-blameless (baseline): {off_cpu:.2f} s median ({args.files / off_cpu:.0f} files/s)")
        print(f"  check (blameless on):            {on_cpu:.2f} s median ({args.files / on_cpu:.0f} files/s)")
        print(f"  blameless findings: {len(blame)} in {len({f['path'] for f in blame})} files")
        print(f"  ratio on/off, separate processes: {ratio:.3f} median of pairs "
              f"(pairs {ratios[0]:.3f}-{ratios[-1]:.3f}; wall {wall:.3f}; sensitive to the machine's speed drifting)")
        print(f"  ratio on/off, one process, each file off then on: {interleaved:.3f} (target <= {TARGET}); "
              f"per file {off_ms:.2f} ms without the rules, {on_ms - off_ms:.2f} ms more with them")
        return 0 if interleaved <= TARGET else 1


def interleaved_ratio(directory: Path) -> tuple[float, float, float]:
    """Check every file with the rules off and then on, back to back, in one warm process:
    (ratio on/off, ms per file off, ms per file on)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from postmortem_kit.checks import check_file

    files = sorted(str(path) for path in directory.glob("*.yaml"))
    for path in files[:50]:  # warm-up: imports, compiled rules, caches
        check_file(path, blameless=True)
    off = on = 0.0
    for index, path in enumerate(files):
        for blameless in ((False, True) if index % 2 else (True, False)):
            started = time.process_time()
            check_file(path, blameless=blameless)
            spent = time.process_time() - started
            if blameless:
                on += spent
            else:
                off += spent
    return on / off, off / len(files) * 1000, on / len(files) * 1000


if __name__ == "__main__":
    sys.exit(main())
