"""Benchmark: the lessons site at N generated incidents, Pagefind search against material's built-in search.

Both sites are built in this run from the same incidents (tests/support/incident_factory.py):

* ours: ``mkdocs build --strict`` with the ``postmortems`` plugin, listings paginated, search by Pagefind (its
  index written after the build, in a child process);
* baseline: the same, with the plugin's ``search: builtin`` (material's own search: one JSON
  index of every incident page) and material's own search box.

Reported: build wall time and CPU time, split between the MkDocs process, the page workers it
forks and Pagefind (each process's CPU read from /proc while it runs); peak RSS sampled from
/proc every 0.1 s (the MkDocs process with its workers, the Pagefind processes, and their sum at
the same instant), the peak PSS of MkDocs and its workers together and of every process at one
instant (pages shared copy-on-write counted once: RSS counts a forked worker's inherited pages
again), the load average during the build; the largest page, and in headless Chromium for a few
queries (a fresh browser context each, page just loaded): the bytes the search
fetches (until every result is shown) and the time from typing the query to the first result, by
the driver's clock and by the page's own.

    nice -n 19 python scripts/bench/bench_site.py --incidents 1000 [--queries 3]
    nice -n 19 python scripts/bench/bench_site.py --incidents 10000 --build-only   # our build only, no browser
    python scripts/bench/bench_site.py --incidents 10000 --keep DIR --search-only --latency-ms 50   # kept sites, 50 ms RTT
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from postmortem_kit.site.memory import pss_mb  # noqa: E402
from support.incident_factory import write_incidents  # noqa: E402

SITE = ROOT / "scripts/postmortem_kit/site"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
QUERIES = ["database connection", "certificate", "retry storm", "disk", "cache"]
# Runs `mkdocs build` and prints its CPU seconds (own, children) at exit.
RUNNER = """
import resource, runpy, sys
sys.argv = ["mkdocs", "build", "--strict", "-f", sys.argv[1]]
try:
    runpy.run_module("mkdocs", run_name="__main__")
finally:
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    sys.stderr.write(f"\\nBENCH-CPU {own.ru_utime + own.ru_stime} {kids.ru_utime + kids.ru_stime}\\n")
"""


def _tree(root: int) -> list[int]:
    """The process ``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


TICKS = os.sysconf("SC_CLK_TCK")


def _process(pid: int) -> tuple[int, bytes, float] | None:
    """(resident KB, command line, CPU seconds so far), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    fields = stat[stat.rindex(")") + 2:].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return (int(found[1]) if found else 0), cmdline, cpu


def _pss_kb(pid: int) -> int:
    """PSS of one process in kB, 0 where it cannot be read (the build's own reader, site.memory)."""
    return round((pss_mb([pid]) or 0) * 1024)


class RssSampler(threading.Thread):
    """Peak RSS of a process tree (the MkDocs process with its workers, the Pagefind processes, and
    their sum at one instant), peak PSS of MkDocs and its workers, each process's last CPU seconds,
    and the 1-minute load average seen while it ran."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.done = root, threading.Event()
        self.peak = {"mkdocs": 0, "pagefind": 0, "combined": 0, "pss": 0, "pss_all": 0}
        self.peak_split = (0, 0)  # at the peak of pss_all: (MkDocs with workers, Pagefind) PSS in kB
        self.trace: list[tuple[float, int, int]] = []  # (seconds, PSS of MkDocs with workers, of Pagefind) in kB
        self.started = time.perf_counter()
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (mkdocs | worker | pagefind, CPU seconds)
        self.loads: list[float] = []

    def run(self):
        tick = 0
        while not self.done.wait(0.1):
            tick += 1
            own = kids = pss = pss_pagefind = 0
            for pid in _tree(self.root):
                seen = _process(pid)
                if seen is None:
                    continue
                kb, cmdline, cpu = seen
                # Pagefind: `python -m pagefind` and the binary it starts; any other child is a forked page worker
                args = cmdline.split(b"\0")
                is_pagefind = args[0].rsplit(b"/", 1)[-1].startswith(b"pagefind") or b"-m\0pagefind\0" in cmdline
                kind = "pagefind" if is_pagefind else "mkdocs" if pid == self.root else "worker"
                if not cmdline and pid in self.cpu:  # a zombie has no command line: keep what it was
                    kind = self.cpu[pid][0]
                self.cpu[pid] = (kind, cpu)
                if is_pagefind:
                    kids += kb
                    if tick % 5 == 0:
                        pss_pagefind += _pss_kb(pid)
                else:
                    own += kb
                    if tick % 5 == 0:  # smaps_rollup walks the page tables: twice a second
                        pss += _pss_kb(pid)
            if tick % 5 == 0:
                self.trace.append((time.perf_counter() - self.started, pss, pss_pagefind))
            if pss + pss_pagefind > self.peak["pss_all"]:
                self.peak_split = (pss, pss_pagefind)
            for key, value in (("mkdocs", own), ("pagefind", kids), ("combined", own + kids), ("pss", pss),
                               ("pss_all", pss + pss_pagefind)):
                self.peak[key] = max(self.peak[key], value)
            if tick % 50 == 0:
                self.loads.append(os.getloadavg()[0])

    def cpu_split(self) -> dict[str, float]:
        split = {"mkdocs": 0.0, "worker": 0.0, "pagefind": 0.0}
        for kind, seconds in self.cpu.values():
            split[kind] += seconds
        return split


def write_config(path: Path, incidents: Path, site_dir: Path, search: str, shard_pages: int | None = None,
                 plugin_options: dict | None = None) -> None:
    options = {"dir": str(incidents), "followups_status": None, "search": search}
    if shard_pages and search == "pagefind":
        options["search_shard_pages"] = shard_pages
    if search == "pagefind":
        options.update(plugin_options or {})
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(SITE / "docs"),
        "site_dir": str(site_dir),
        "plugins": ["search", {"postmortems": options}],
    }
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is YAML


def build(config: Path) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([sys.executable, "-c", RUNNER, str(config)], cwd=ROOT, env=env, stdout=out,
                                   stderr=err)
        sampler = RssSampler(process.pid)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if returncode != 0:
        sys.exit(f"mkdocs build -f {config} failed:\n{stderr[-3000:]}")
    own, kids = map(float, re.search(r"BENCH-CPU ([0-9.]+) ([0-9.]+)", stderr).groups())
    index = re.search(r"search index of \d+ page\(s\) written in ([0-9.]+) s", stderr)
    runs = re.search(r"([0-9]+) run\(s\) started while pages were written, Pagefind runs ([0-9.]+) s; "
                     r"([0-9]+) worker page", stderr)
    split = sampler.cpu_split()
    split["mkdocs"] = own  # exact (getrusage); the children's split is the last /proc sample of each
    return {"wall": wall, "cpu": own + kids, "load": (load, os.getloadavg()[0]), "loads": sampler.loads,
            "cpu_split": split, "rss_mb": {key: kb / 1024 for key, kb in sampler.peak.items()},
            "pagefind_s": float(index[1]) if index else 0.0,
            "pagefind_runs": (int(runs[1]), float(runs[2]), int(runs[3])) if runs else None,
            "pss_split_mb": tuple(kb / 1024 for kb in sampler.peak_split), "trace": sampler.trace}


def largest_pages(site: Path, count: int = 3) -> list[tuple[int, str]]:
    sizes = [(path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob("*.html")]
    return sorted(sizes, reverse=True)[:count]


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    counts: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        self.counts[self.path] = self.counts.get(self.path, 0) + len(data)


def serve(directory: Path):
    handler = type("Handler", (CountingHandler,), {"counts": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


# In the page: when the query was typed (its first input event) and when the first result was added.
PAGE_CLOCK = """() => {
  const clock = window.__benchClock = {};
  document.querySelector('input.md-search__input').addEventListener('input', () => {
    if (clock.typed === undefined) clock.typed = performance.now();
  }, true);
  new MutationObserver(() => {
    if (clock.shown === undefined && document.querySelector('.md-search-result__item')) clock.shown = performance.now();
  }).observe(document.body, { childList: true, subtree: true });
}"""


def search_run(browser, url: str, counts: dict, query: str, timeout_ms: int,
               latency_ms: int = 0) -> tuple[float, float, int]:
    """(seconds from typing to the first result as the driver sees it, the same on the page's own
    clock, bytes the search fetched until every result is shown) in a fresh context.  The driver's
    figure adds Playwright's round trips; the page's misses the time the input event waits for a
    busy page: the two bracket the reader's wait.  ``latency_ms`` adds that much round-trip time to
    every request (Chromium's network emulation), as a reader far from the server sees it:
    on 127.0.0.1 requests made one after the other cost almost nothing, on a network each costs a
    round trip."""
    context = browser.new_context()
    try:
        page = context.new_page()
        if latency_ms:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency_ms,
                                                          "downloadThroughput": -1, "uploadThroughput": -1})
        counts.clear()  # material's index download starts as the page loads: its bytes count too
        page.goto(url, wait_until="domcontentloaded")
        page.evaluate(PAGE_CLOCK)
        box = page.locator("input.md-search__input")
        box.click()
        started = time.perf_counter()
        box.fill(query)
        page.wait_for_selector(".md-search-result__item", timeout=timeout_ms)
        elapsed = time.perf_counter() - started
        clock = page.evaluate("() => window.__benchClock")
        in_page = (clock["shown"] - clock["typed"]) / 1000
        # the bytes of the whole answer, not only of its first result: both boxes say "N matching ..."
        # once every result is shown
        page.wait_for_function("() => /matching/i.test((document.querySelector('.md-search-result__meta') || "
                               "{}).textContent || '')", timeout=timeout_ms)
        page.wait_for_timeout(200)
        fetched = sum(size for path, size in counts.items() if "search" in path or "pagefind" in path)
        return elapsed, in_page, fetched
    finally:
        context.close()


def measure_search(site: Path, queries: list[str], timeout_ms: int,
                   latency_ms: int = 0) -> list[tuple[str, float, float, int]]:
    from playwright.sync_api import sync_playwright

    server, handler = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                url = f"http://127.0.0.1:{server.server_address[1]}/"
                return [(q, *search_run(browser, url, handler.counts, q, timeout_ms, latency_ms)) for q in queries]
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def report_build(incidents: int, r: dict) -> None:
    split, rss = r["cpu_split"], r["rss_mb"]
    loads = r["loads"] or [r["load"][1]]
    print(f"incidents: {incidents}; machine: {os.cpu_count()} cores, shared with other jobs")
    print(f"mkdocs build --strict: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU: MkDocs process "
          f"{split['mkdocs']:.1f} s, page workers {split['worker']:.1f} s, Pagefind {split['pagefind']:.1f} s "
          f"(Pagefind {r['pagefind_s']:.1f} s wall after the last page"
          + (f"; its runs {r['pagefind_runs'][1]:.1f} s wall in all, {r['pagefind_runs'][0]} started while pages "
             f"were written; {r['pagefind_runs'][2]} worker pages made by MkDocs while its workers waited for one)"
             if r.get("pagefind_runs") else ")"))
    print(f"load average: {r['load'][0]:.1f} before, {min(loads):.1f}-{max(loads):.1f} during, "
          f"{r['load'][1]:.1f} after")
    print(f"peak RSS: MkDocs with workers {rss['mkdocs']:.0f} MB, Pagefind {rss['pagefind']:.0f} MB, "
          f"both at once {rss['combined']:.0f} MB; peak PSS of MkDocs with workers {rss['pss']:.0f} MB, "
          f"of every process at one instant {rss['pss_all']:.0f} MB (MkDocs with workers "
          f"{r['pss_split_mb'][0]:.0f} MB + Pagefind {r['pss_split_mb'][1]:.0f} MB)")
    print("largest pages: " + ", ".join(f"{path} {size / 1024:.0f} KB" for size, path in r["largest"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the built sites in this folder")
    parser.add_argument("--shard-pages", type=int, help="the plugin's search_shard_pages (default: the plugin's)")
    parser.add_argument("--overlap", action="store_true",
                        help="search_overlap: true (index each shard while the next pages are written)")
    parser.add_argument("--no-overlap", action="store_true",
                        help="search_overlap: false (every Pagefind run after the last page; the default)")
    parser.add_argument("--overlap-memory-mb", type=int, help="the plugin's search_overlap_memory_mb")
    parser.add_argument("--trace", type=Path, help="write our build's PSS samples (seconds, MkDocs with "
                        "workers MB, Pagefind MB) to this file, one a line")
    parser.add_argument("--build-only", action="store_true",
                        help="build our site only (no built-in search baseline, no browser)")
    parser.add_argument("--search-only", action="store_true",
                        help="with --keep: measure the search of the two sites an earlier run kept there (no build)")
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="add this round-trip time to every request in the browser (default 0: 127.0.0.1 as is)")
    args = parser.parse_args()
    if args.search_only and not (args.keep and all((args.keep / f"site-{name}").is_dir() for name in ("pagefind", "builtin"))):
        parser.error("--search-only needs --keep DIR holding site-pagefind/ and site-builtin/ from an earlier run")
    queries = QUERIES[: args.queries]
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        incidents = work / "postmortems"
        if not incidents.is_dir():
            write_incidents(incidents, args.incidents, status="mixed")
        results = {}
        for name in ("pagefind",) if args.build_only else ("pagefind", "builtin"):
            if args.search_only:
                results[name] = {"largest": largest_pages(work / f"site-{name}")}
                continue
            config = work / f"{name}.yml"
            extra = {"search_overlap": bool(args.overlap and not args.no_overlap)}
            if args.overlap_memory_mb:
                extra["search_overlap_memory_mb"] = args.overlap_memory_mb
            write_config(config, incidents, work / f"site-{name}", name, args.shard_pages, extra)
            # a clean build, as in CI: a kept site from an earlier run is removed first (not timed; MkDocs
            # would spend minutes deleting 10,000 pages one by one)
            shutil.rmtree(work / f"site-{name}", ignore_errors=True)
            results[name] = build(config)
            results[name]["largest"] = largest_pages(work / f"site-{name}")
            if args.trace and name == "pagefind":
                args.trace.write_text("".join(f"{t:.1f} {a / 1024:.0f} {b / 1024:.0f}\n"
                                              for t, a, b in results[name]["trace"]), encoding="utf-8")
        if args.build_only:
            report_build(args.incidents, results["pagefind"])
            return 0
        index = work / "site-builtin" / "search" / "search_index.json"
        timeout = 120_000
        for name in ("pagefind", "builtin"):
            before = os.getloadavg()[0]
            results[name]["search"] = measure_search(work / f"site-{name}", queries, timeout, args.latency_ms)
            results[name]["search_load"] = (before, os.getloadavg()[0])
        print(f"incidents: {args.incidents}; machine: {os.cpu_count()} cores, shared with other jobs "
              f"(load average {os.getloadavg()[0]:.1f} at the end)"
              + (f"; every request {args.latency_ms} ms round trip (emulated)" if args.latency_ms else ""))
        for name in ("pagefind", "builtin"):
            r = results[name]
            if args.search_only:
                print(f"\n{name}: (site kept by an earlier run, not built)")
            else:
                rss = r["rss_mb"]
                print(f"\n{name}: mkdocs build --strict {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU (load average "
                      f"{r['load'][0]:.1f} before, {r['load'][1]:.1f} after)"
                      + (f"; of which Pagefind {r['pagefind_s']:.1f} s wall" if name == "pagefind" else ""))
                print(f"  peak RSS: mkdocs {rss['mkdocs']:.0f} MB, Pagefind {rss['pagefind']:.0f} MB, "
                      f"both at once {rss['combined']:.0f} MB; peak PSS (shared pages counted once): MkDocs with "
                      f"workers {rss['pss']:.0f} MB, every process at one instant {rss['pss_all']:.0f} MB")
            print("  largest pages: " + ", ".join(f"{path} {size / 1024:.0f} KB" for size, path in r["largest"]))
            print(f"  queries (load average {r['search_load'][0]:.1f} before, {r['search_load'][1]:.1f} after):")
            for query, seconds, in_page, fetched in r["search"]:
                print(f"  query {query!r}: first result {seconds:.2f} s (in the page {in_page:.2f} s), "
                      f"search fetched {fetched / 1024:.0f} KB")
        if index.exists():
            print(f"\nbuilt-in search index: {index.stat().st_size / 1e6:.1f} MB")
        ours, base = results["pagefind"], results["builtin"]
        t_ours = statistics.median(row[1] for row in ours["search"])
        t_base = statistics.median(row[1] for row in base["search"])
        p_ours = statistics.median(row[2] for row in ours["search"])
        p_base = statistics.median(row[2] for row in base["search"])
        b_ours = statistics.median(row[3] for row in ours["search"])
        b_base = statistics.median(row[3] for row in base["search"])
        print(f"\nmedian first result: Pagefind {t_ours:.2f} s vs built-in {t_base:.2f} s ({t_ours / t_base:.2f}x); "
              f"in the page {p_ours:.2f} s vs {p_base:.2f} s ({p_ours / p_base:.2f}x)")
        print(f"median bytes per query: Pagefind {b_ours / 1024:.0f} KB vs built-in {b_base / 1024:.0f} KB "
              f"({b_ours / max(b_base, 1):.3f}x)")
        if not args.search_only:
            print(f"build: {ours['wall']:.1f} s vs {base['wall']:.1f} s ({ours['wall'] / base['wall']:.2f}x); "
                  f"largest page {ours['largest'][0][0] / 1024:.0f} KB vs {base['largest'][0][0] / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
