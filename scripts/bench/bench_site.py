"""Benchmark: the lessons site at N generated incidents, Pagefind search against material's built-in search.

Both sites are built in this run from the same incidents (tests/support/incident_factory.py):

* ours: ``mkdocs build --strict`` with the ``postmortems`` plugin, listings paginated, search by Pagefind (its
  index written after the build, in a child process);
* baseline: the same, with the plugin's ``search: builtin`` (material's own search: one JSON
  index of every incident page) and material's own search box.

Reported: build wall time and peak RSS (the MkDocs process, and the Pagefind process apart),
the largest page, and in headless Chromium for a few queries (a fresh browser context each, page
just loaded): the bytes the search fetches and the time from typing the query to the first result.

    nice -n 19 python scripts/bench/bench_site.py --incidents 1000 [--queries 3]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from support.incident_factory import write_incidents  # noqa: E402

SITE = ROOT / "scripts/postmortem_kit/site"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
QUERIES = ["database connection", "certificate", "retry storm", "disk", "cache"]
# Runs `mkdocs build` and prints the process's own peak RSS and its children's (Pagefind) at exit.
RUNNER = """
import resource, runpy, sys
sys.argv = ["mkdocs", "build", "--strict", "-f", sys.argv[1]]
try:
    runpy.run_module("mkdocs", run_name="__main__")
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write(f"\\nBENCH-RSS {own} {kids}\\n")
"""


def write_config(path: Path, incidents: Path, site_dir: Path, search: str) -> None:
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "site_dir": str(site_dir),
        "plugins": ["search", {"postmortems": {"dir": str(incidents), "followups_status": None, "search": search}}],
    }
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is YAML


def build(config: Path) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, str(config)], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"mkdocs build -f {config} failed:\n{done.stderr[-3000:]}")
    own, kids = map(int, re.search(r"BENCH-RSS (\d+) (\d+)", done.stderr).groups())
    index = re.search(r"search index of \d+ page\(s\) written in ([0-9.]+) s", done.stderr)
    return {"wall": wall, "rss_mb": own / 1024, "pagefind_s": float(index[1]) if index else 0.0}


PAGEFIND_RUNNER = """
import resource, subprocess, sys
subprocess.run([sys.executable, "-m", "pagefind", "--site", sys.argv[1], "--exclude-selectors", "[data-search-exclude]"],
               check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def pagefind_alone(site: Path) -> tuple[float, float]:
    """(seconds, peak RSS MB) of Pagefind indexing the built site again, from a small parent process
    (a child's peak RSS counts what it shares with its parent at fork, so MkDocs' own would show)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PAGEFIND_RUNNER, str(site)], capture_output=True, text=True,
                          check=True)
    return time.perf_counter() - started, int(done.stdout.strip()) / 1024


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


def search_run(browser, url: str, counts: dict, query: str, timeout_ms: int) -> tuple[float, int]:
    """(seconds from typing to the first result, bytes the search fetched) in a fresh context."""
    context = browser.new_context()
    try:
        page = context.new_page()
        counts.clear()  # material's index download starts as the page loads: its bytes count too
        page.goto(url, wait_until="domcontentloaded")
        box = page.locator("input.md-search__input")
        box.click()
        started = time.perf_counter()
        box.fill(query)
        page.wait_for_selector(".md-search-result__item", timeout=timeout_ms)
        elapsed = time.perf_counter() - started
        fetched = sum(size for path, size in counts.items() if "search" in path or "pagefind" in path)
        return elapsed, fetched
    finally:
        context.close()


def measure_search(site: Path, queries: list[str], timeout_ms: int) -> list[tuple[str, float, int]]:
    from playwright.sync_api import sync_playwright

    server, handler = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                url = f"http://127.0.0.1:{server.server_address[1]}/"
                return [(q, *search_run(browser, url, handler.counts, q, timeout_ms)) for q in queries]
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the built sites in this folder")
    args = parser.parse_args()
    queries = QUERIES[: args.queries]
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        incidents = work / "postmortems"
        if not incidents.is_dir():
            write_incidents(incidents, args.incidents, status="mixed")
        results = {}
        for name in ("pagefind", "builtin"):
            config = work / f"{name}.yml"
            write_config(config, incidents, work / f"site-{name}", name)
            results[name] = build(config)
            results[name]["largest"] = largest_pages(work / f"site-{name}")
        results["pagefind"]["again_s"], results["pagefind"]["pagefind_rss_mb"] = pagefind_alone(work / "site-pagefind")
        index = work / "site-builtin" / "search" / "search_index.json"
        timeout = 120_000
        for name in ("pagefind", "builtin"):
            results[name]["search"] = measure_search(work / f"site-{name}", queries, timeout)
        print(f"incidents: {args.incidents}; machine: {os.cpu_count()} cores, shared with other jobs "
              f"(load average {os.getloadavg()[0]:.1f} at the end)")
        for name in ("pagefind", "builtin"):
            r = results[name]
            print(f"\n{name}: mkdocs build --strict {r['wall']:.1f} s wall, peak RSS {r['rss_mb']:.0f} MB (mkdocs process)"
                  + (f"; of which Pagefind {r['pagefind_s']:.1f} s (run alone: {r['again_s']:.1f} s, "
                     f"peak RSS {r['pagefind_rss_mb']:.0f} MB in its own process)"
                     if name == "pagefind" else ""))
            print("  largest pages: " + ", ".join(f"{path} {size / 1024:.0f} KB" for size, path in r["largest"]))
            for query, seconds, fetched in r["search"]:
                print(f"  query {query!r}: first result {seconds:.2f} s, search fetched {fetched / 1024:.0f} KB")
        if index.exists():
            print(f"\nbuilt-in search index: {index.stat().st_size / 1e6:.1f} MB")
        ours, base = results["pagefind"], results["builtin"]
        t_ours = statistics.median(s for _, s, _ in ours["search"])
        t_base = statistics.median(s for _, s, _ in base["search"])
        b_ours = statistics.median(b for _, _, b in ours["search"])
        b_base = statistics.median(b for _, _, b in base["search"])
        print(f"\nmedian first result: Pagefind {t_ours:.2f} s vs built-in {t_base:.2f} s ({t_ours / t_base:.2f}x)")
        print(f"median bytes per query: Pagefind {b_ours / 1024:.0f} KB vs built-in {b_base / 1024:.0f} KB "
              f"({b_ours / max(b_base, 1):.3f}x)")
        print(f"build: {ours['wall']:.1f} s vs {base['wall']:.1f} s ({ours['wall'] / base['wall']:.2f}x); "
              f"largest page {ours['largest'][0][0] / 1024:.0f} KB vs {base['largest'][0][0] / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
