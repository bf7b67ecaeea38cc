"""The Pagefind runs over the search shards, while MkDocs writes the pages (``search_overlap``).

``ShardRunner`` notes each indexed page (``add``, from the plugin's ``on_post_page``), queues a
shard when its last page is written, and runs Pagefind over it in the background (one run at a
time, when the memory allows: ``memory_mb``, ``site.memory``); ``finish`` runs what is left and
writes the manifest, ``close`` stops a run still going.  ``build_index`` indexes pages noted
already in one go (the same shards, the same bundles).  What the pages and the runner share
(markers, notes, manifest, bundle names) is in ``site.search_index``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from postmortem_kit.site.search_index import (
    BUNDLE,
    CHUNK_SIZE,
    CHUNK_SIZE_VARIABLE,
    EXCLUDE_SELECTORS,
    MANIFEST,
    IndexResult,
    SearchIndexError,
    SearchPages,
    bundle_name,
    preloads,
    release_memory,
)
from postmortem_kit.site.shard_files import FOLDER_PREFIX, prune, scratch_dir, search_document, write_document

TIMEOUT = 900  # seconds per shard; a shard of 1,000 pages takes about 10 s on a loaded 2-core machine


def build_index(site_dir: str | Path, pages: SearchPages, shard_pages: int = 1000) -> IndexResult:
    """Index the noted pages after the build: one Pagefind run per shard (each its own process, one
    at a time, so the memory is a shard's), then the manifest.  No page: no bundle, an empty
    manifest.  The same shards and bundles as ``ShardRunner`` writing them during the build."""
    runner = ShardRunner(site_dir, shard_pages, background=False)
    runner.pages = pages
    try:
        for path in pages.paths:
            runner.note(path)
        return runner.finish()
    finally:
        runner.close()


@dataclass
class _Shard:
    """A shard's pages (write order), its temporary folder (each page's search document is written
    into it when noted) and ``read_back``: pages noted without one, cut from the written page later."""

    folder: Path
    pages: list[str]
    read_back: list[str]


@dataclass
class _Run:
    """One shard's Pagefind process, its temporary folder and its output file."""

    number: int
    process: subprocess.Popen
    folder: Path
    log: Any
    started: float
    pages: int = 0


class ShardRunner:
    """The search index written shard by shard, while MkDocs writes the pages (``background``).

    The plugin calls ``add`` for each indexed page in ``on_post_page``: the page is noted (and
    marked, ``SearchPages.add``); once ``shard_pages`` pages are noted and the last of them is
    written (MkDocs writes a page after its ``on_post_page``, so: when the next page is noted, or
    ``finish``), that shard's Pagefind run is queued.  At most one run at a time, started by
    ``add`` (or ``poll``) when the previous one has exited and the memory allows (``memory_mb``:
    the build's processes, read by ``pids``, plus the run's estimate, ``pagefind_mb``).  A run that
    failed stops the build at the next ``add``/``poll`` with ``SearchIndexError`` (one line).
    ``finish`` (``on_post_build``) queues the last shard, waits for every run and writes the
    manifest; ``close`` kills a run still going and removes the temporary folders (a build error).
    Without ``background`` every run happens in ``finish``, one after the other: the same shards
    (the pages in the order they were written, in runs of ``shard_pages``), the same bundles."""

    def __init__(self, site_dir: str | Path, shard_pages: int = 1000, *, background: bool = True,
                 memory_mb: int | None = None, pids: Callable[[], list[int]] | None = None):
        self.site = Path(site_dir)
        self.memory_mb = memory_mb  # a run starts early only if the build's PSS plus the run's stays under it
        self._pids = pids or (lambda: [os.getpid()])
        self._next_check = 0.0
        self.out = self.site / BUNDLE
        self.shard_pages = max(1, shard_pages)
        self.background = background
        self.pages = SearchPages()
        self._scratch: Path | None = None  # where the shards' folders go (``scratch_dir``), chosen once
        self._shard: _Shard | None = None  # the shard being filled
        self._full: _Shard | None = None  # a full shard whose last page MkDocs is writing now
        self._queue: list[tuple[int, _Shard]] = []  # shards written, waiting for their run
        self._shards = 0  # shards formed so far (the next one's number)
        self._run: _Run | None = None
        self._trash: list[Path] = []  # folders of finished runs, removed while the next run goes
        self._outputs: dict[int, str] = {}
        self._cleared = False
        self._env: dict[str, str] | None = None
        self._command: list[str] | None = None
        self.run_seconds = 0.0  # summed wall time of the Pagefind runs
        self.started_early = 0  # runs started before ``finish`` (while pages were still being written)
        self.held_mb = 0.0  # the most the build's processes held (PSS, MB) when measured
        self._held_now: float | None = None  # at the last measurement

    def add(self, document: str, dest_uri: str, start: bool = True,
            body: tuple[str, str | None] | None = None) -> str:
        """The page marked for Pagefind; notes it (and, in the background, starts what is due;
        ``start=False``: only collects a finished run).  ``body``: the page's body as it is in
        ``document`` and the same body without the blocks left out of the index (``searched``,
        None if not known): Pagefind then gets the page with the second (``search_document``)."""
        marked = self.pages.add(document, dest_uri)
        kept = None
        if body is not None and body[0] and body[1] is not None:
            at = marked.find(body[0])
            if at >= 0:
                kept = search_document(marked[:at] + body[1] + marked[at + len(body[0]):])
        self.note(dest_uri, start, kept)
        return marked

    def note(self, dest_uri: str, start: bool = True, document: str | None = None) -> None:
        """A page of ``pages`` is noted: it joins the shard being filled, and ``document`` (what
        Pagefind reads of it) goes into the shard's folder now (None: the written page is cut to
        its head and article when the shard's run starts)."""
        if self._full is not None:  # its last page was written before this one's on_post_page
            self._queue_shard(self._full)
            self._full = None
        try:
            if self._shard is None:
                self._shard = _Shard(self._new_folder(), [], [])
            shard = self._shard
            if document is not None:
                write_document(shard.folder, dest_uri, document)
        except OSError as error:
            raise SearchIndexError(f"the search index's temporary folder could not be written ({error})") from None
        shard.pages.append(dest_uri)
        if document is None:
            shard.read_back.append(dest_uri)
        if len(shard.pages) >= self.shard_pages:
            self._full, self._shard = shard, None
        if self.background:
            self.poll(start=start)

    @property
    def running(self) -> bool:
        """Whether a Pagefind run is going on now."""
        return self._run is not None

    def leaves_room_for_workers(self) -> bool:
        """Whether page workers may run beside the run going on now (none: yes): the most the build
        has held with its workers, plus the run, fit in ``memory_mb``."""
        if self._run is None or self.memory_mb is None:
            return True
        return self.held_mb + HEADROOM_MB + pagefind_mb(self._run.pages) <= self.memory_mb

    def poll(self, between: bool = False, start: bool = True) -> None:
        """Collect a finished run (``SearchIndexError`` if it failed) and (``start``) start the next
        one queued if the memory allows.  ``between``: the page workers are gone and will wait for
        the run (``page_pool``), so what the build holds now is what counts; otherwise the most it
        has held in this build (a fresh pair of workers holds little at first and grows)."""
        if self._run is not None and self._run.process.poll() is not None:
            self._collect()
        if self.memory_mb is not None and (between or time.monotonic() >= self._next_check):
            self._measure()
        if start and self._run is None and self._queue and self._memory_allows(len(self._queue[0][1].pages), between):
            self._start(*self._queue.pop(0))
            self.started_early += 1

    def _measure(self) -> None:
        """Read the build's PSS (at most every ``CHECK_SECONDS`` but between windows)."""
        from postmortem_kit.site.memory import pss_mb

        self._next_check = time.monotonic() + CHECK_SECONDS
        self._held_now = pss_mb(self._pids())
        if self._held_now is not None:
            self.held_mb = max(self.held_mb, self._held_now)

    def _memory_allows(self, pages: int, between: bool) -> bool:
        """Whether the build's processes (PSS: now if ``between``, else the most so far) and a run
        over ``pages`` fit in ``memory_mb`` (unknown memory: no, the run waits for ``finish``)."""
        if self.memory_mb is None:
            return True
        if self._held_now is None:
            return False
        held = self._held_now if between else self.held_mb
        return held + HEADROOM_MB + pagefind_mb(pages) <= self.memory_mb

    def run_beside(self, last: bool) -> None:
        """The page workers are gone (or were never forked) and the build process makes and writes
        the pages left: every shard whose pages are all written is indexed now, one run at a time,
        each when this process's PSS now (read at most every ``CHECK_SECONDS``) plus the run's
        estimate fit in ``memory_mb``, so Pagefind has the core the workers left.  ``last``: every
        indexed page is written (this is called from a later page's ``on_post_page``), so the last
        shards are queued too.  What has not started when the last page is written runs in
        ``finish``, as before: the same shards whatever the timing."""
        if last:
            self._queue_rest()
        if self._run is not None and self._run.process.poll() is not None:
            self._collect()
            self._remove_trash()  # tmpfs: quick
        if self._run is not None or not self._queue or self.memory_mb is None:
            return
        if time.monotonic() >= self._next_check:
            self._measure()
        if self._memory_allows(len(self._queue[0][1].pages), between=True):
            self._start(*self._queue.pop(0))
            self.started_early += 1

    def finish(self) -> IndexResult:
        """Queue the last shards, wait for every run, write the manifest (every page is written)."""
        started = time.perf_counter()
        self._queue_rest()
        if not self._cleared and self._queue:
            self._clear()
        release_memory()  # the build's freed memory back to the system before the runs left
        while self._run is not None or self._queue:
            if self._run is not None:
                self._remove_trash()  # a finished run's folder, while this one goes
                self._wait()
            if self._queue:
                self._start(*self._queue.pop(0))
        self._remove_trash()
        if not self._cleared:
            self._clear()
        self.out.mkdir(parents=True, exist_ok=True)
        bundles = [bundle_name(number) for number in range(self._shards)]
        manifest = self.pages.manifest(bundles, preloads(self.out, bundles))
        (self.out / MANIFEST).write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")
        outputs = [self._outputs[number] for number in range(self._shards)]
        indexed = sum(int(found[1].replace(",", "")) for found in
                      (re.search(r"Indexed ([0-9,]+) pages?", output) for output in outputs) if found)
        return IndexResult(indexed, time.perf_counter() - started, "\n".join(outputs), tuple(bundles))

    def close(self) -> None:
        """Stop a run still going and remove its temporary folder (idempotent)."""
        run, self._run = self._run, None
        shards = [shard for _, shard in self._queue] + [shard for shard in (self._full, self._shard) if shard]
        self._queue, self._full, self._shard = [], None, None
        if run is not None:
            if run.process.poll() is None:
                run.process.kill()
            run.process.wait()
            run.log.close()
            self._trash.append(run.folder)
        self._trash += [shard.folder for shard in shards]
        self._remove_trash()

    def _new_folder(self) -> Path:
        """A shard's temporary folder (``scratch_dir``), mirroring the site's paths of its pages."""
        self._scratch = self._scratch or scratch_dir()
        return Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=self._scratch))

    def _remove_trash(self) -> None:
        trash, self._trash = self._trash, []
        for folder in trash:
            shutil.rmtree(folder, ignore_errors=True)

    def _queue_rest(self) -> None:
        """Queue the shard being filled and the full one (every page is written); again: nothing."""
        for shard in (self._full, self._shard):
            if shard is not None and shard.pages:
                self._queue_shard(shard)
        self._full, self._shard = None, None

    def _queue_shard(self, shard: _Shard) -> None:
        self._queue.append((self._shards, shard))
        self._shards += 1

    def _clear(self) -> None:
        if self.out.is_dir():
            shutil.rmtree(self.out)  # an earlier build's bundles (mkdocs build --dirty, mkdocs serve)
        self._cleared = True

    def _start(self, number: int, shard: _Shard) -> None:
        if not self._cleared:
            self._clear()
        if self._command is None:
            self._command = _command()
            self._env = dict(os.environ)
            self._env.setdefault(CHUNK_SIZE_VARIABLE, str(CHUNK_SIZE))
        folder = shard.folder
        log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        try:
            for relative in shard.read_back:  # written by now: MkDocs writes a page after its on_post_page
                write_document(folder, relative,
                                search_document((self.site / relative).read_text(encoding="utf-8")))
            command = self._command + ["--site", str(folder), "--output-path", str(self.out / bundle_name(number)),
                                       "--exclude-selectors", EXCLUDE_SELECTORS]
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self._env,
                                       stdin=subprocess.DEVNULL)
        except OSError as error:
            log.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise SearchIndexError(f"pagefind could not start ({error})") from None
        self._run = _Run(number, process, folder, log, time.perf_counter(), len(shard.pages))

    def _wait(self) -> None:
        run = self._run
        left = TIMEOUT - (time.perf_counter() - run.started)
        try:
            run.process.wait(timeout=max(left, 0.001))
        except subprocess.TimeoutExpired:
            self.close()
            raise SearchIndexError(f"pagefind did not finish within {TIMEOUT} s") from None
        self._collect()

    def _collect(self) -> None:
        run, self._run = self._run, None
        self.run_seconds += time.perf_counter() - run.started
        run.log.seek(0)
        output = run.log.read()
        run.log.close()
        self._trash.append(run.folder)  # removed while the next run goes (a folder per page: slow to remove)
        if run.process.returncode != 0:
            self.close()
            if "No module named pagefind" in output:
                raise SearchIndexError("the search index needs Pagefind: pip install 'postmortem-kit[site]' "
                                       "(or set the postmortems plugin's search: builtin for material's own search)")
            raise SearchIndexError(f"pagefind failed on search shard {run.number + 1} (exit {run.process.returncode}): "
                                   f"{_last_line(output)}")
        if run.number:
            prune(self.out / bundle_name(run.number))
        self._outputs[run.number] = output


# A Pagefind run's peak memory: about 160 KB a page plus a few MB (161 MB for 1,000 incident pages,
# 89 MB for 500, measured at 10,000 incidents), and what the build may still grow by while it runs.
PAGEFIND_BASE_MB = 8
PAGEFIND_PAGE_KB = 160
HEADROOM_MB = 25
# Reading the processes' PSS walks their page tables (about 6 ms of CPU for a 300 MB process):
# at most every 2 s, about 1% of the build process's time with two workers.
CHECK_SECONDS = 2.0


def pagefind_mb(pages: int) -> float:
    return PAGEFIND_BASE_MB + PAGEFIND_PAGE_KB * pages / 1024


def _last_line(output: str) -> str:
    """What a failed run said, on one line: its last line that is not a backtrace or a hint."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    said = [line for line in lines if not line.startswith(("note:", "stack backtrace", "at ", "thread '"))
            and not re.match(r"[0-9]+:", line)]
    return (said or lines or ["no output"])[-1][:300]


def _command() -> list[str]:
    """Pagefind's binary (``pagefind[bin]``), else its Python launcher (which finds other builds)."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, OSError):
        return [sys.executable, "-m", "pagefind"]
