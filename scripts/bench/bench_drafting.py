"""Benchmark: draft quality and cost against any OpenAI-compatible server, with the offline baseline.

Each incident (default: the example incidents in postmortems/ and the drafting test incidents) is
copied with every analysis section removed, so all twelve are drafted from the inputs alone.  The
same incidents are drafted by the offline provider in the same run (the baseline: facts computed,
prose left as placeholders, no request).  Reported per provider:

* validity rate: sections drafted (passed schema, consistency, blameless, grounding and the
  whole-incident check) out of sections requested;
* grounding violations: draft/grounding, draft/responder-copied and draft/copied-prompt problems found in any answer
  (first answers and repairs), plus figures marked "not found in the evidence" in kept proposals;
* blameless findings in any answer;
* dropped sections by reason (the rule or error class);
* HTTP requests, retries, format fallbacks, tokens, seconds; the server profile and format used.

    python scripts/bench/bench_drafting.py                         # the local test server
    python scripts/bench/bench_drafting.py --base-url http://127.0.0.1:8080/v1 --model smollm2 \\
        --server llama-cpp-python --timeout 600
    python scripts/bench/bench_drafting.py --json out.json INC.yaml ...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

import yaml  # noqa: E402

from postmortem_kit.drafting import DraftCache, DraftConfig, draft_incident  # noqa: E402
from postmortem_kit.incident import analysis_sections  # noqa: E402

DEFAULT_INCIDENTS = [*sorted((ROOT / "postmortems").glob("INC-*.yaml")),
                     *sorted((ROOT / "tests" / "data" / "draft").glob("INC-*.yaml"))]
_RULE = re.compile(r"\[([A-Za-z]+/[A-Za-z0-9-]+)\]")


def stripped_copy(source: Path, folder: Path) -> Path | None:
    """``source`` without its analysis sections, as a draft; None when it has no inputs to draft from."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), dict):
        return None
    for section in analysis_sections():
        data.pop(section, None)
    data["status"] = "draft"
    target = folder / source.name
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6), encoding="utf-8")
    return target


def reason_class(reason: str) -> str:
    if reason.startswith("the whole-incident check"):
        rule = _RULE.search(reason)
        return f"whole-incident {rule.group(1) if rule else ''}".strip()
    rule = _RULE.search(reason)
    if rule:
        return rule.group(1)
    for needle, label in (("timeout", "timeout"), ("HTTP 429", "rate-limited"), ("HTTP", "http-error"),
                          ("cut off", "truncated"), ("not valid JSON", "invalid-json"), ("refused", "refusal"),
                          ("token budget", "token-budget"), ("single key", "wrong-shape"),
                          ("was empty", "empty-answer")):
        if needle in reason:
            return label
    return "other"


def run(provider: str, paths: list[Path], args) -> dict:
    totals: Counter = Counter()
    dropped: Counter = Counter()
    stats: Counter = Counter()
    formats: Counter = Counter()
    started = time.monotonic()
    for path in paths:
        config = DraftConfig(provider=provider, model=args.model, base_url=args.base_url, server=args.server,
                             timeout=args.timeout, max_retries=args.max_retries, jobs=args.jobs,
                             token_budget=args.token_budget, cache=False)
        result = draft_incident(path, config=config, cache=DraftCache(None))
        totals["requested"] += len(result.requested)
        totals["drafted"] += len(result.drafted)
        for gone in result.dropped:
            dropped[reason_class(gone.reason)] += 1
            text = " ".join([gone.reason, *gone.problems])
            totals["grounding_violations"] += len(re.findall(r"\[draft/(?:grounding|copied-prompt|responder-copied)\]", text))
            totals["blameless_findings"] += len(re.findall(r"\[blameless/", text))
        for kept in result.drafted.values():
            totals["marked_not_found"] += len(kept.unverified)
            totals["repaired"] += int(kept.repaired)
        for key in ("http_requests", "retries", "fallbacks", "timeouts", "prompt_tokens", "completion_tokens",
                    "estimated_tokens"):
            stats[key] += result.stats.get(key, 0)
        if result.stats.get("format"):
            formats[f"{result.stats.get('server')}: {result.stats['format']}"] += 1
    seconds = time.monotonic() - started
    requested = totals["requested"] or 1
    return {
        "provider": provider, "incidents": len(paths), "sections_requested": totals["requested"],
        "sections_drafted": totals["drafted"], "validity_rate": round(totals["drafted"] / requested, 3),
        "repaired": totals["repaired"], "grounding_violations": totals["grounding_violations"],
        "marked_not_found": totals["marked_not_found"], "blameless_findings": totals["blameless_findings"],
        "dropped_by_reason": dict(dropped.most_common()), "formats": dict(formats),
        **{key: int(value) for key, value in stats.items()}, "seconds": round(seconds, 1),
        "tokens_per_second": round((stats["completion_tokens"]) / seconds, 1) if seconds else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("incidents", nargs="*", type=Path, help="incident files (default: the examples)")
    parser.add_argument("--base-url", help="OpenAI-compatible base URL (default: start the local test server)")
    parser.add_argument("--model", default="test-model")
    parser.add_argument("--server", default="auto", help="server profile (auto, llama.cpp, llama-cpp-python, ...)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to the first token")
    parser.add_argument("--max-retries", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--token-budget", type=int, default=2_000_000)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)

    server = None
    if args.base_url is None:
        from support.llm_server import LLMServer

        server = LLMServer().start()
        args.base_url = server.base_url
    os.environ.setdefault("OPENAI_API_KEY", "sk-local-bench")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-drafting-") as tmp:
            folder = Path(tmp) / "postmortems"
            folder.mkdir()
            paths = [p for p in (stripped_copy(s, folder) for s in (args.incidents or DEFAULT_INCIDENTS)) if p]
            figures = {"base_url": args.base_url if server is None else "local test server",
                       "model": args.model, "server_setting": args.server,
                       "runs": [run("offline", paths, args), run("openai", paths, args)]}
    finally:
        if server is not None:
            server.stop()
    for entry in figures["runs"]:
        print(f"{entry['provider']:8} {entry['incidents']} incidents: drafted {entry['sections_drafted']}/"
              f"{entry['sections_requested']} (validity {entry['validity_rate']:.0%}, repaired {entry['repaired']}); "
              f"grounding violations {entry['grounding_violations']}, marked not found {entry['marked_not_found']}, "
              f"blameless findings {entry['blameless_findings']}; dropped {entry['dropped_by_reason'] or 'none'}; "
              f"{entry.get('http_requests', 0)} HTTP requests ({entry.get('retries', 0)} retries, "
              f"{entry.get('fallbacks', 0)} fallbacks), tokens {entry.get('prompt_tokens', 0):,} prompt + "
              f"{entry.get('completion_tokens', 0):,} completion, {entry['seconds']} s; {entry['formats'] or ''}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
