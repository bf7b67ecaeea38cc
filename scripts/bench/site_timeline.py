"""When a `mkdocs build` of the lessons site reaches each phase, with the MkDocs process's CPU.

Runs `mkdocs build --strict -q -f CONFIG` in this process with the postmortems plugin's events
timestamped: the files read (on_files), the first page written, the workers gone (the build
process makes the pages left), the first Pagefind run going, the first listing page, the last page
(on_post_build) and the end.  Each line: wall seconds since the start, the MkDocs process's CPU
seconds (user + system) then, the event.  The bench's kept folder has a config to use:

    PYTHONPATH=scripts python scripts/bench/site_timeline.py /tmp/bench/k10/pagefind.yml
"""

from __future__ import annotations

import resource
import runpy
import sys
import time

from postmortem_kit.site import plugin as site_plugin

STARTED = time.perf_counter()
MARKS: dict[str, tuple[float, float]] = {}
PAGES: dict[str, int] = {}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def mark(name: str, page: int | None = None) -> None:
    """The first time ``name`` happens (``page``: the number of the page being written then)."""
    if name not in MARKS:
        MARKS[name] = (time.perf_counter() - STARTED, _cpu())
        if page is not None:
            PAGES[name] = page


def _wrap(name: str, before: str | None = None, after: str | None = None) -> None:
    original = getattr(site_plugin.PostmortemsPlugin, name)

    def wrapped(self, *args, **kwargs):
        if before:
            mark(before)
        result = original(self, *args, **kwargs)
        if after:
            mark(after)
        return result

    setattr(site_plugin.PostmortemsPlugin, name, wrapped)


_written = {"pages": 0, "kind": None}
_post_page = site_plugin.PostmortemsPlugin.on_post_page


def on_post_page(self, output, page, config, **kwargs):
    spec = self.pages.get(page.file.src_uri)
    kind = "incident" if spec is not None and spec.digest else "listing"
    _written["pages"] += 1
    number = _written["pages"]
    if kind != _written["kind"]:
        mark(f"first {kind} page written", number)
        _written["kind"] = kind
    if self.pool is not None and self.pool.finished:
        mark("page workers gone", number)
    if self.search is not None and self.search.running:
        mark("first Pagefind run going", number)
    return _post_page(self, output, page, config, **kwargs)


def main() -> int:
    _wrap("on_files", "on_files (reading, similar incidents)", "files read, pages listed")
    _wrap("on_env", "on_env (workers forked)")
    _wrap("on_post_build", "last page written (on_post_build)", "search index written")
    site_plugin.PostmortemsPlugin.on_post_page = on_post_page
    sys.argv = ["mkdocs", "build", "--strict", "-q", "-f", sys.argv[1]]
    try:
        runpy.run_module("mkdocs", run_name="__main__")
    finally:
        mark("end")
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        for name, (wall, cpu) in sorted(MARKS.items(), key=lambda item: item[1]):
            page = f" (page {PAGES[name]})" if name in PAGES else ""
            print(f"{wall:7.1f} s wall {cpu:6.1f} s CPU  {name}{page}")
        print(f"children (readers, workers, Pagefind...): {children.ru_utime + children.ru_stime:.1f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
