"""Benchmark: the pull-request job on a pull request touching 50 incident files, each missing every
analysis section, against the GitHub REST emulator and the OpenAI-compatible test server.

Both stages run as in Actions (`postmortem pr check` with the openai provider, then
`postmortem pr post` with GitHub's pacing of 80 content-creating requests a minute), twice on the
same input.  Printed: API calls (reads, writes), model calls and wall time of each run, and the
ratio of each run's wall time to the baseline measured in the same run: plain `postmortem check`
of the same 50 files (the work any run must do).  The second run must make no model call and no
write call.

    python scripts/bench/bench_pr.py [--files 50] [--answer-delay 0.0]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from support.github.emulator import GitHubEmulator  # noqa: E402
from support.github.fixtures import BOT_LOGIN, BOT_TOKEN  # noqa: E402
from support.github.openapi import check_calls  # noqa: E402
from support.llm_server import LLMServer  # noqa: E402
from support.pr_data import draft_incident, draft_path  # noqa: E402
from support.pr_scenario import PrScenario  # noqa: E402


def cli(*argv: str) -> tuple[int, str]:
    from postmortem_kit.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, out.getvalue()


def run_once(scenario: PrScenario, emu: GitHubEmulator, llm: LLMServer, label: str, event: str) -> dict:
    emu.reset_calls()
    model_before = llm.model_calls
    started = time.perf_counter()
    code, out, _ = scenario.check(lambda *a: (*cli(*a), ""), "--model", "test-model", event=event)
    checked = time.perf_counter()
    if code not in (0, 1):
        sys.exit(f"bench_pr: {label}: check exited {code}:\n{out[-2000:]}")
    scenario.workflow_run_event()
    code, out = cli("pr", "post", str(scenario.result))  # default pacing: 80 writes a minute
    done = time.perf_counter()
    if code != 0:
        sys.exit(f"bench_pr: {label}: post exited {code}:\n{out[-2000:]}")
    stats = emu.stats()
    problems = check_calls(emu.calls)
    if problems:
        sys.exit(f"bench_pr: {label}: emulator traffic does not match GitHub's OpenAPI description: {problems[0]}")
    return {"label": label, "wall": done - started, "check": checked - started, "post": done - checked,
            "reads": stats.reads, "writes": stats.writes, "by_operation": stats.by_operation,
            "model_calls": llm.model_calls - model_before}


def baseline(workspace: Path, paths: list[str]) -> float:
    from postmortem_kit.cli import run_checks

    run_checks([str(workspace / p) for p in paths[:2]])  # warm imports and compiled rules
    started = time.perf_counter()
    run_checks([str(workspace / p) for p in paths])
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=50, help="incident files in the pull request (default 50)")
    parser.add_argument("--answer-delay", type=float, default=0.0, help="seconds the test model takes per answer")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-pr-") as tmp, GitHubEmulator() as emu, \
            LLMServer(answer_delay=args.answer_delay) as llm:
        emu.add_token(BOT_TOKEN, BOT_LOGIN, app=True)
        saved = dict(os.environ)
        try:
            scenario = PrScenario(emu, Path(tmp), os.environ)  # sets the GITHUB_* variables as Actions does
            files = {draft_path(1000 + n): draft_incident(1000 + n) for n in range(args.files)}
            scenario.open(files)
            os.environ.update({"OPENAI_API_KEY": "sk-bench-not-a-real-key", "OPENAI_BASE_URL": llm.base_url})
            base = baseline(scenario.workspace, list(files))
            first = run_once(scenario, emu, llm, "run 1 (cold)", "pull_request.opened.1")
            second = run_once(scenario, emu, llm, "run 2 (same input)", "pull_request.synchronize.1")
        finally:
            os.environ.clear()
            os.environ.update(saved)
        suggestions = len(scenario.review_comments())
        stickies = sum(1 for c in scenario.comments() if c.user == BOT_LOGIN)

    print(f"bench_pr: a pull request touching {args.files} incident files, each missing every analysis section")
    print(f"  test model answer delay {args.answer_delay:.2f} s; GitHub writes paced at 80 a minute")
    print(f"  baseline `postmortem check` of the same files: {base:.2f} s")
    for run in (first, second):
        print(f"  {run['label']}: {run['wall']:.2f} s ({run['check']:.2f} s check+draft, {run['post']:.2f} s post) "
              f"= {run['wall'] / base:.1f}x baseline; API calls {run['reads'] + run['writes']} "
              f"({run['reads']} reads, {run['writes']} writes); model calls {run['model_calls']}")
    ops = ", ".join(f"{op} {n}" for op, n in sorted(first["by_operation"].items()))
    print(f"  run 1 calls by operation: {ops}")
    print(f"  on the pull request: {suggestions} suggestion comments, {stickies} sticky comment part(s); "
          f"one request per suggestion would have been {suggestions + stickies} writes instead of {first['writes']}")
    print(f"  run 2 / run 1 wall time: {second['wall'] / first['wall']:.2f}")
    ok = second["writes"] == 0 and second["model_calls"] == 0
    print(f"  second run: {second['writes']} write calls, {second['model_calls']} model calls -> "
          f"{'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
