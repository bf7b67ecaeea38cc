"""Benchmark: `postmortem check` against check-jsonschema on the same files.

Baseline: `check-jsonschema --schemafile schema/postmortem.schema.json`, which
validates the schema only; we run the schema plus every consistency and
blameless rule.  Both are measured in this run, on this machine, and the
ratio is printed (targets, issue 18: <= 0.35 for one file in a cold process,
<= 0.15 for 1,000 files).

    python scripts/bench/bench_check.py [--files 1000] [--repeat 7] [--editable]

Our command runs as a regular install runs it (pre-commit's own environment, `pip install
postmortem-kit`): from a temporary virtual environment where the package is a plain folder on
sys.path, with the development environment's other packages and start-up files, but not the
editable install's import finder (``--editable`` measures with it; the two measured the same here).
The compiled-regex store (core/regex_store.py) is measured both ways: kept between runs, as it is
after a first run, and off, as in the first run after an install.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema" / "postmortem.schema.json"
EXAMPLE = ROOT / "postmortems" / "INC-2026-0001.yaml"


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        sys.exit(f"bench_check: {name} is not installed (pip install -e '.[dev]')")
    return found


def regular_install(folder: Path) -> str:
    """A ``postmortem`` command in a new virtual environment at ``folder`` that imports the
    package as a regular install does; returns the command's path."""
    venv.create(folder, with_pip=False)
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    target = next(folder.glob("lib/python*/site-packages"))
    # First (start-up files run in name order): the package folder, then the installed packages.
    (target / "00-postmortem-kit-bench.pth").write_text(f"{ROOT / 'scripts'}\n{site}\n", encoding="utf-8")
    for start_file in site.glob("*.pth"):
        if not start_file.name.startswith("__editable__"):
            shutil.copy(start_file, target / start_file.name)
    command = folder / "bin" / "postmortem"
    command.write_text(f"#!{folder / 'bin' / 'python'}\nimport sys\nfrom postmortem_kit.cli.main import main\n"
                       "if __name__ == '__main__':\n    sys.exit(main())\n", encoding="utf-8")
    command.chmod(0o755)
    return str(command)


CPU: list[float] = []  # CPU seconds (user + system) of each timed command, in order


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], expect: tuple[int, ...] = (0,)) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    CPU.append(_children_cpu() - cpu)
    if result.returncode not in expect:
        sys.exit(f"bench_check: {command[0]} exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return elapsed


def median_of(command: list[str], repeat: int) -> float:
    timed(command)  # warm the page cache and .pyc files
    return statistics.median(timed(command) for _ in range(repeat))


def interleaved(ours: list[str], theirs: list[str], repeat: int) -> tuple[float, float, float, float]:
    """Median times of the two commands run one after the other ``repeat`` times, the median
    of the per-pair ratios (the machine's speed drifts, so each ratio compares neighbours), and
    the same median for CPU time, which moves less with the load of a shared machine."""
    timed(ours), timed(theirs)  # warm the page cache and .pyc files
    pairs, cpu_pairs = [], []
    for index in range(repeat):
        if index % 2:
            theirs_time, theirs_cpu = timed(theirs), CPU[-1]
            ours_time, ours_cpu = timed(ours), CPU[-1]
        else:
            ours_time, ours_cpu = timed(ours), CPU[-1]
            theirs_time, theirs_cpu = timed(theirs), CPU[-1]
        pairs.append((ours_time, theirs_time))
        cpu_pairs.append(ours_cpu / max(theirs_cpu, 1e-9))
    return (statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs),
            statistics.median(p[0] / p[1] for p in pairs), statistics.median(cpu_pairs))


def make_files(directory: Path, count: int) -> list[Path]:
    text = EXAMPLE.read_text(encoding="utf-8")
    paths = []
    for index in range(count):
        incident_id = f"INC-2025-{index + 1:04d}"
        body = text.replace("INC-2026-0001", incident_id).replace("team-checkout", f"team-{index % 17}")
        path = directory / f"{incident_id}.yaml"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--editable", action="store_true",
                        help="run the development environment's (editable) command instead of a regular install's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["POSTMORTEM_KIT_COMPILED_CACHE"] = str(Path(scratch) / "regex-store")
        ours = tool("postmortem") if args.editable else regular_install(Path(scratch) / "env")
        return measure(args, ours, tool("check-jsonschema"))


def measure(args: argparse.Namespace, ours: str, theirs: str) -> int:
    # A cold process as pre-commit runs it reads bytecode caches (pip writes them on install, and
    # Python on first import); with PYTHONDONTWRITEBYTECODE set no cache would exist for our
    # package while the baseline's installed one has them, so write ours first.
    compileall.compile_dir(str(ROOT / "scripts" / "postmortem_kit"), quiet=1)

    one_ours, one_theirs, ratio, cpu_ratio = interleaved([ours, "check", str(EXAMPLE)],
                                              [theirs, "--schemafile", str(SCHEMA), str(EXAMPLE)], args.repeat)
    print(f"one file, cold process (median of {args.repeat}, runs alternated):")
    print(f"  postmortem check     {one_ours * 1000:8.1f} ms")
    print(f"  check-jsonschema     {one_theirs * 1000:8.1f} ms")
    print(f"  ratio                {ratio:8.2f}x   (median of the pairs' ratios; target <= 0.35)")
    print(f"  CPU-time ratio       {cpu_ratio:8.2f}x   (user + system time, median of the pairs' ratios)")
    print(f"  (as {'the editable' if args.editable else 'a regular'} install runs; the compiled-regex store kept from the first run)")
    store = os.environ["POSTMORTEM_KIT_COMPILED_CACHE"]
    os.environ["POSTMORTEM_KIT_COMPILED_CACHE"] = "off"
    first, first_theirs, first_ratio, _ = interleaved([ours, "check", str(EXAMPLE)],
                                                      [theirs, "--schemafile", str(SCHEMA), str(EXAMPLE)], args.repeat)
    os.environ["POSTMORTEM_KIT_COMPILED_CACHE"] = store
    print(f"  with the store off   {first * 1000:8.1f} ms against {first_theirs * 1000:.1f} ms: {first_ratio:.2f}x"
          "   (the first run after an install)")

    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp), args.files)
        repeat = max(1, args.repeat // 3)
        many_ours = median_of([ours, "check", tmp], repeat)
        many_off = median_of([ours, "check", "--no-blameless", tmp], repeat)
        many_theirs = median_of([theirs, "--schemafile", str(SCHEMA), *map(str, files)], repeat)
    print(f"{args.files} files (median of {repeat}):")
    print(f"  postmortem check     {many_ours:8.2f} s   {args.files / many_ours:8.0f} files/s")
    print(f"  ... --no-blameless   {many_off:8.2f} s   {args.files / many_off:8.0f} files/s")
    print(f"  check-jsonschema     {many_theirs:8.2f} s   {args.files / many_theirs:8.0f} files/s")
    print(f"  ratio                {many_ours / many_theirs:8.2f}x   (target <= 0.15)")
    print(f"  blameless on/off     {many_ours / many_off:8.2f}x   (target <= 1.15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
