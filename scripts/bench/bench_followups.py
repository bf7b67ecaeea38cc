#!/usr/bin/env python3
"""Benchmark: `postmortem followups` on 200 incidents (1,000 follow-ups) against the GitHub emulator.

Reports, for the first sync, the API calls made per follow-up, the wall time
and the time GitHub's pacing would take (at most 80 content-creating requests
a minute, measured on a virtual clock shared with the emulator); for a rerun
with nothing changed, the writes (must be 0) and issue-list passes (at most 1);
and both against a named baseline measured in the same run:

    baseline "bare create loop": PyGithub creating the same 1,000 issues with
    one POST each and nothing else (no lookup, no labels, no write-back, no
    pacing), i.e. the fewest calls any sync could make.

Run: python scripts/bench/bench_followups.py  (or `make bench`)
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # the emulator lives with the tests

from postmortem_kit.followups import RunOptions, run  # noqa: E402
from support.github.emulator import GitHubEmulator  # noqa: E402
from support.github.fixtures import BOT_LOGIN, BOT_TOKEN, VirtualClock  # noqa: E402

INCIDENTS = 200
REPOSITORY = "acme/shop"


def incident_texts() -> dict[str, str]:
    template = (ROOT / "postmortems" / "INC-2026-0002.yaml").read_text(encoding="utf-8")
    template = re.sub(r'tracking: "#\d+"', "tracking: new", template)
    texts = {}
    for n in range(INCIDENTS):
        incident_id = f"INC-2026-{1000 + n:04d}"
        text = template.replace("id: INC-2026-0002\n", f"id: {incident_id}\n", 1)
        text = text.replace("- action: ", f"- action: {incident_id} ")  # distinct titles
        texts[f"postmortems/{incident_id}.yaml"] = text
    return texts


def count(emu: GitHubEmulator, since: int = 0) -> dict:
    calls = emu.calls[since:]
    lists = [c for c in calls if c.operation == "issues/list-for-repo"]
    passes = sum(1 for c in lists if "page=" not in c.query.replace("per_page=", ""))
    return {"calls": len(calls), "writes": sum(1 for c in calls if c.is_write), "list_passes": passes,
            # expected refusals: GET /user with an app token, the tracking branch before it exists
            "errors": sum(1 for c in calls if c.status >= 400 and c.operation not in ("users/get-authenticated",
                                                                                       "git/get-ref"))}


def sync(root: Path, emu: GitHubEmulator, clock: VirtualClock) -> tuple[float, float]:
    env = {"GITHUB_TOKEN": BOT_TOKEN, "GITHUB_API_URL": emu.url, "GITHUB_REPOSITORY": REPOSITORY}
    options = RunOptions(paths=[str(root / "postmortems")], root=root, ignore_event=True)
    started_virtual = clock.now()
    started = time.perf_counter()
    result = run(options, env=env, clock=clock.now, sleep=clock.sleep)
    wall = time.perf_counter() - started
    if result.code != 0:
        problems = [f.message for f in result.load.findings] + (result.report.errors if result.report else [])
        raise SystemExit(f"sync failed: {problems[:5] or result.fatal}")
    return wall, clock.now() - started_virtual


def baseline(texts: dict[str, str]) -> tuple[float, int]:
    from github import Auth, Github

    titles = [line.split("- action: ", 1)[1] for text in texts.values() for line in text.splitlines()
              if line.startswith("  - action: ")]
    with GitHubEmulator() as emu:
        emu.add_token(BOT_TOKEN, BOT_LOGIN, app=True)
        emu.add_repo(REPOSITORY)
        gh = Github(base_url=emu.url, auth=Auth.Token(BOT_TOKEN), retry=None, seconds_between_requests=None,
                    seconds_between_writes=None)
        started = time.perf_counter()
        repo = gh.get_repo(REPOSITORY)
        for title in titles:
            repo.create_issue(title, body="follow-up")
        wall = time.perf_counter() - started
        gh.close()
        return wall, len(emu.calls)


def main() -> int:
    texts = incident_texts()
    follow_ups = INCIDENTS * 5
    clock = VirtualClock(0)
    with tempfile.TemporaryDirectory() as tmp, GitHubEmulator(clock=clock.now) as emu:
        root = Path(tmp)
        for path, text in texts.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        emu.add_token(BOT_TOKEN, BOT_LOGIN, app=True)
        emu.add_repo(REPOSITORY, files=texts, collaborators={"priya-raman": "write"})
        emu.enforce_secondary_limit(80)

        first_wall, first_paced = sync(root, emu, clock)
        first = count(emu)
        per_minute = emu.max_content_creating_per_minute()
        issues = len(emu.issues)

        mark = len(emu.calls)
        second_wall, _ = sync(root, emu, clock)
        second = count(emu, mark)

        repo = emu.repo(REPOSITORY)  # merge the tracking pull request, then sync again
        git = repo.git
        git.refs["refs/heads/main"] = git.refs["refs/heads/postmortem-kit/follow-up-tracking"]
        for path in texts:
            (root / path).write_text(repo.read_file("main", path), encoding="utf-8")
        mark = len(emu.calls)
        third_wall, _ = sync(root, emu, clock)
        third = count(emu, mark)

    base_wall, base_calls = baseline(texts)

    print(f"follow-ups sync benchmark: {INCIDENTS} incidents, {follow_ups} follow-ups, GitHub emulator on 127.0.0.1")
    print(f"first sync:  {first['calls']} API calls ({first['calls'] / follow_ups:.3f} per follow-up), "
          f"{first['writes']} writes, {first['list_passes']} issue-list pass, {issues} issues, "
          f"wall {first_wall:.2f} s; paced at GitHub's limit: {first_paced / 60:.1f} min "
          f"(busiest minute: {per_minute} content-creating requests, limit 80; {first['errors']} errors)")
    print(f"second sync (nothing changed): {second['calls']} API calls, {second['writes']} writes, "
          f"{second['list_passes']} issue-list pass, wall {second_wall:.2f} s")
    print(f"after merging the tracking pull request: {third['calls']} API calls, {third['writes']} writes, "
          f"{third['list_passes']} issue-list pass, wall {third_wall:.2f} s")
    print(f"baseline 'bare create loop' (1 POST per follow-up, nothing else): {base_calls} API calls, "
          f"wall {base_wall:.2f} s")
    print(f"ratio first sync / baseline: calls x{first['calls'] / base_calls:.3f}, wall x{first_wall / base_wall:.2f}")
    ok = (issues == follow_ups and second["writes"] == 0 and second["list_passes"] <= 1 and third["writes"] == 0
          and third["list_passes"] <= 1 and per_minute <= 80 and first["errors"] == 0)
    print("checks: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
