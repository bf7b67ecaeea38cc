"""Benchmark: `postmortem evidence add` on a 100,000-message Slack export, time and peak memory.

Baseline, measured in the same run on the same files: ``json.load`` of every
file of the export (channels.json, users.json and every day file), the least
any reader of the export must do.  Each side runs in a fresh process; the
time is the median of --repeat runs, the peak memory is the process's peak
resident set size (``ru_maxrss``) minus that of the same interpreter after its
imports, so it shows what the work itself costs.

Three runs of the command:

* ``window``: a 2-hour window in the middle of the export (~80 messages
  merged), the way it is used: only the day files that can hold the window
  are opened;
* ``scan``: the window is the whole export, so every message is read,
  converted and filtered (a --grep that matches nothing keeps the incident
  file small); this is the reader's full cost against the baseline;
* ``zip``: the same scan from the export's ZIP archive.

    python scripts/bench/bench_evidence.py [--messages 100000] [--days 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

INCIDENT = """\
id: INC-2026-0001
title: Benchmark incident
status: draft
inputs:
  incident_data:
    events:
      - time: "2026-02-19T00:00:00+00:00"
        event: typed by a person
"""

_RUN = """
import resource, sys, time
mode, target = sys.argv[1], sys.argv[2:]
if mode == "json":
    import json
    from pathlib import Path
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    data = [json.loads(p.read_bytes()) for p in sorted(Path(target[0]).rglob("*.json"))]
else:
    from postmortem_kit.cli.main import main
    import postmortem_kit.evidence.command, postmortem_kit.evidence.slack, postmortem_kit.drafting.config
    import postmortem_kit.textsafety.redaction, postmortem_kit.incident.yaml_writer
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    code = main(["evidence", "add", *target])
    if code not in (0, 1):
        sys.exit(f"exit {code}")
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def run(mode: str, *args: str) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", _RUN, mode, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench_evidence: {mode} failed: {done.stderr[-800:]}")
    seconds, kib = done.stdout.split()[-2:]
    return float(seconds), int(kib)


def measure(repeat: int, mode: str, *args: str, incident: Path | None = None) -> tuple[float, int, int]:
    """Median seconds, peak KiB and how many messages the incident holds afterwards."""
    times, peaks = [], []
    for _ in range(max(1, repeat)):
        if incident is not None:
            incident.write_text(INCIDENT)
        seconds, kib = run(mode, *args)
        times.append(seconds)
        peaks.append(kib)
    merged = incident.read_text().count("source: slack/") if incident is not None else 0
    return statistics.median(times), max(peaks), merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from support.evidence_data import day_window, write_big_slack_export

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        export = write_big_slack_export(root / "export", messages=args.messages, days=args.days)
        archive = root / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(export.rglob("*.json")):
                out.write(path, path.relative_to(export).as_posix())
        size = sum(p.stat().st_size for p in export.rglob("*.json"))
        print(f"export: {args.messages:,} messages in {args.days} day files, {size / 2**20:.1f} MiB JSON "
              f"({archive.stat().st_size / 2**20:.1f} MiB zipped); written in {time.perf_counter() - started:.1f} s")
        incident = root / "INC-2026-0001.yaml"
        middle = day_window(args.days // 2)
        start = middle.start.replace(hour=11).isoformat()
        end = middle.start.replace(hour=13).isoformat()
        whole = ["--from", "2026-01-01T00:00:00+00:00", "--to", "2027-01-01T00:00:00+00:00", "--grep", "^never$"]

        base_s, base_kib, _ = measure(args.repeat, "json", str(export))
        rows = [("baseline: json.load of every file", base_s, base_kib, "")]
        for name, target in (("window (2 h, one day file)", [str(export), "--from", start, "--to", end]),
                             ("scan (every message)", [str(export), *whole]),
                             ("scan from the ZIP archive", [str(archive), *whole])):
            seconds, kib, merged = measure(args.repeat, "cli", str(incident), *target, incident=incident)
            rows.append((f"evidence add: {name}", seconds, kib, f"{merged:,}"))
        print(f"{'run':40} {'time (s)':>9} {'x base':>7} {'peak MiB':>9} {'x base':>7} {'merged':>7}")
        for name, seconds, kib, merged in rows:
            print(f"{name:40} {seconds:9.2f} {seconds / base_s:7.2f} {kib / 1024:9.1f} {kib / max(base_kib, 1):7.2f} "
                  f"{merged:>7}")
        print(f"(time: median of {args.repeat} runs; peak: growth of ru_maxrss over the interpreter after its imports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
