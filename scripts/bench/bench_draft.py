"""Benchmark: `postmortem draft` concurrency and cache, against a model that takes 1 s per answer.

The OpenAI-compatible test server (tests/support/llm_server.py) runs in its
own process on 127.0.0.1, as a model server would, and waits ``--delay``
seconds before every answer; the real openai client talks to it through
``OPENAI_BASE_URL``.

Baseline, measured in this run: one chat-completions answer through the same
client (the server's delay plus HTTP).  Then:

1. drafting every missing section of one incident (12 sections, cold cache):
   target wall time <= 1.5x the baseline (the sections are drafted concurrently,
   so the run costs one answer, not twelve);
2. the same command again on the unchanged incident: target 0 model calls.

    python scripts/bench/bench_draft.py [--delay 1.0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))



class ServerProcess:
    """The test server in its own process, as a real model server would be (no shared GIL)."""

    def __init__(self, delay: float):
        self.delay = delay

    def __enter__(self) -> "ServerProcess":
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "support" / "llm_server.py"), "--delay", str(self.delay)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT / "tests")
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            raise SystemExit("bench_draft: the test server did not start")
        return self

    @property
    def model_calls(self) -> int:
        import json
        import urllib.request

        root = self.base_url.rsplit("/v1", 1)[0]
        with urllib.request.urlopen(f"{root}/_test/stats", timeout=10) as response:
            return json.load(response)["chat_requests"]

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)

INCIDENT = ROOT / "tests" / "data" / "draft" / "INC-2026-0101.yaml"
TARGET_RATIO = 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0, help="seconds per model answer (default 1.0)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is used")
    args = parser.parse_args()

    import openai

    from postmortem_kit.drafting import DraftCache, DraftConfig, draft_incident

    work = Path(tempfile.mkdtemp(prefix="bench-draft-"))
    incident = work / INCIDENT.name
    shutil.copyfile(INCIDENT, incident)
    with ServerProcess(args.delay) as server:
        os.environ["OPENAI_API_KEY"] = "sk-bench-not-a-real-key"
        os.environ["OPENAI_BASE_URL"] = server.base_url
        client = openai.OpenAI(max_retries=0, timeout=30)
        request = {"model": "bench-model", "messages": [{"role": "user", "content": "one answer"}],
                   "response_format": {"type": "json_schema", "json_schema": {
                       "name": "postmortem_lesson", "strict": True, "schema": {
                           "type": "object", "properties": {"lesson": {"type": "string"}},
                           "required": ["lesson"], "additionalProperties": False}}}}
        client.chat.completions.create(**request)  # warm-up: imports and first connection
        single = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.chat.completions.create(**request)
            single.append(time.perf_counter() - started)
        baseline = statistics.median(single)

        config = DraftConfig(provider="openai", model="bench-model", timeout=30, max_retries=0,
                             server="openai")  # a hosted API: every section at once
        cold, warm, calls_cold, calls_warm, sections = [], [], [], [], 0
        for run in range(args.repeat):
            cache = work / f"cache-{run}"
            before = server.model_calls
            started = time.perf_counter()
            result = draft_incident(incident, config=config, cache=DraftCache(cache))
            cold.append(time.perf_counter() - started)
            calls_cold.append(server.model_calls - before)
            sections = len(result.drafted)
            if result.dropped:
                print(f"bench_draft: unexpected dropped sections: {[d.section for d in result.dropped]}")
                return 1
            before = server.model_calls
            started = time.perf_counter()
            again = draft_incident(incident, config=config, cache=DraftCache(cache))
            warm.append(time.perf_counter() - started)
            calls_warm.append(server.model_calls - before)
            tokens = result.usage.total_tokens
            assert again.cache_hits == sections
    shutil.rmtree(work, ignore_errors=True)

    all_sections = statistics.median(cold)
    ratio = all_sections / baseline
    print(f"model answer delay:                       {args.delay:.2f} s (test server on 127.0.0.1)")
    print(f"baseline, one answer through the client:  {baseline:.3f} s (median of {args.repeat})")
    print(f"draft all {sections} missing sections, cold:  {all_sections:.3f} s (median of {args.repeat}), "
          f"{statistics.median(calls_cold):.0f} model calls, {tokens:,} tokens")
    print(f"  sequential would be about:              {sections * baseline:.3f} s")
    print(f"  ratio to one answer:                    {ratio:.2f}x (target <= {TARGET_RATIO}x)")
    print(f"second run, unchanged incident:           {statistics.median(warm):.3f} s, "
          f"{max(calls_warm)} model calls (target 0)")
    ok = ratio <= TARGET_RATIO and max(calls_warm) == 0
    print("bench_draft: " + ("OK" if ok else "TARGET MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
