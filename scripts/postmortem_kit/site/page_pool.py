"""Page bodies made by forked workers while MkDocs writes pages, so the build uses every core.

Making an incident page's body (its HTML blocks, cleaned, converted and put in place) is most of
a build's work at 10,000 incidents; writing a page (the theme shell, the final clean, the file)
is the rest.  Once MkDocs has read every page (``on_env``), ``PagePool.start`` forks ``WORKERS``
processes and hands them the incident pages round-robin in the order MkDocs will write them;
each sends back ``(content, toc tokens)`` and the plugin's ``on_page_context`` takes a page's
body from its worker (``take``) instead of making it.

* The build process makes every fourth incident page (``MAIN_EVERY``), the last ``tail`` ones
  (the plugin has Pagefind index the shards beside them once the workers are gone) and the
  listing pages (they read its listing caches), and writes every page (theme shell, final clean,
  file); the workers make the other incident pages.
* A fresh pair of workers is forked for every ``WINDOW`` pages: a worker's memory stays shared
  with the build process only until the worker touches it (a reference count is a write), and
  after a few thousand pages it has touched most of the incidents.
* Before a later pair is forked, ``may_fork`` is asked (the plugin: is a search shard being
  indexed in the workers' place?); while it says no, the window's pages are made in the build
  process, and the pair is forked for the rest of the window once it says yes.

The output is the same as the in-process path's (tests/integration/test_site_workers.py builds a
site both ways).  Workers are used for ``mkdocs build`` only (not ``mkdocs serve``, whose caches
make one page at a time, nor ``--dirty``), on Linux with no other thread running
(``forking.can_fork``), and for
``MIN_PAGES`` pages or more; otherwise, and whenever forking fails at the start, the plugin makes
the bodies in-process.  A worker that fails or dies stops the build with a ``PluginError`` naming
the page; the pool is closed (workers stopped and reaped) when the last page is taken, before
Pagefind runs, and on a build error.
"""

from __future__ import annotations

import logging
import os
from typing import Callable

from postmortem_kit.site import forking

log = logging.getLogger("mkdocs.plugins.postmortems")

WORKERS = 2
MIN_PAGES = 200  # fewer pages: forking costs more than it saves
# Every MAIN_EVERY-th incident page is made by the build process itself (0: none), so that it does
# not wait for the workers.  0 was tried (the build process looked the busiest of the three); the
# idle A/B at 10,000 incidents was slower with it: 99.8 s against 87.4 s (site-scale.md).
MAIN_EVERY = 4
# A fresh pair of workers (forked again) for every WINDOW pages: a worker's memory shared with the build
# process stays shared only until it touches it, and after some thousand pages it has touched most of it.
WINDOW = 1000

Body = tuple  # what ``make`` gives for a page: (content, table-of-contents tokens, ...)


class PoolError(Exception):
    """A worker failed or stopped (the plugin turns it into MkDocs' PluginError)."""


class PagePool:
    """The worker pages of one build, made by a fresh pair of workers per ``WINDOW`` pages."""

    def __init__(self, windows: list[list[str]], make: Callable[[str], Body], count: int,
                 may_fork: Callable[[bool], bool] | None = None):
        self._windows, self._make, self._count = windows, make, count
        self._may_fork = may_fork
        self._deferred = False  # the current window's pair is not forked yet: its pages are made here
        self._window_of = {uri: index for index, window in enumerate(windows) for uri in window}
        self._current = -1
        self._workers: list[forking.Worker] = []
        self._owner: dict[str, int] = {}  # page of the current window not received yet -> its worker
        self._early: dict[str, Body] = {}  # received before MkDocs asked for them (another order)
        self._left = len(self._window_of)
        self._frozen = False
        self.size = self._left  # pages given to the workers
        self.made_here = 0  # of them, made in this process while a window's pair waited (``may_fork``)

    @classmethod
    def start(cls, uris: list[str], make: Callable[[str], Body], count: int = WORKERS,
              may_fork: Callable[[bool], bool] | None = None, tail: int = 0) -> PagePool | None:
        """A pool making ``uris`` (in write order), or None: then make them in-process.  ``may_fork``
        is asked before each later pair is forked (``may_fork(False)``): while it says no (the search
        index is using the other core and the memory the workers would take), the window's pages
        are made in this process, and it is asked again at each page (``may_fork(True)``).  The last
        ``tail`` pages of ``uris`` are left to this process: the workers are gone before them (the
        plugin then has the search index written beside them)."""
        count = min(count, os.cpu_count() or 1)
        if count < 2 or len(uris) < MIN_PAGES or not forking.can_fork():
            return None
        kept = len(uris) - max(0, min(tail, len(uris)))
        given = [uri for index, uri in enumerate(uris[:kept])
                 if not MAIN_EVERY or index % MAIN_EVERY != MAIN_EVERY - 1]
        if not given:
            return None
        pool = cls([given[at:at + WINDOW] for at in range(0, len(given), WINDOW)], make, count, may_fork)
        try:
            pool._open(0)
        except OSError as error:  # no processes or pipes left: the in-process path still works
            pool.close(kill=True)
            log.info(f"lessons site: page workers not started ({error}); pages are made in-process")
            return None
        log.debug(f"lessons site: {len(given)} of {len(uris)} page(s) made by page workers, "
                  f"{count} at a time, {len(pool._windows)} pair(s)")
        return pool

    @property
    def waiting(self) -> bool:
        """Whether the current window's pair waits (``may_fork`` said no): its pages are made here."""
        return self._deferred

    @property
    def finished(self) -> bool:
        """Whether every worker page is taken (the workers are gone)."""
        return not self._left

    def pids(self) -> list[int]:
        """The workers running now (for the memory count of ``site.memory``)."""
        return [worker.pid for worker in self._workers]

    def covers(self, uri: str) -> bool:
        return uri in self._window_of

    def take(self, uri: str) -> Body:
        """The page's body from its worker (``PoolError`` if that worker failed or stopped)."""
        index = self._window_of.pop(uri)
        found = self._early.pop(uri, None)
        try:
            if found is None and (index != self._current or self._deferred) and not self._advance(index, uri):
                found = self._make(uri)  # the pair for this window waits
                self.made_here += 1
            if found is None:
                found = self._receive(uri)
            if not self._owner and self._workers:  # this window is done: its workers exit
                self._reap()
        except forking.WorkerError as error:
            self.close(kill=True)
            raise PoolError(f"{error} (while making {uri}); the site was not completely written") from None
        except OSError as error:
            self.close(kill=True)
            raise PoolError(f"page workers could not be started ({error}) for {uri}; "
                            "the site was not completely written") from None
        self._left -= 1
        if not self._left:
            self.close()
        return found

    def _open(self, index: int, window: list[str] | None = None) -> None:
        window = self._windows[index] if window is None else window
        shares = [window[number::self._count] for number in range(self._count)]
        self._frozen = True
        self._workers = forking.start(self._count, shares, self._make)
        self._owner = {uri: number for number, share in enumerate(shares) for uri in share}
        self._current = index

    def _receive(self, uri: str) -> Body:
        worker = self._workers[self._owner.pop(uri)]
        while True:
            item, body = worker.receive()
            if item == uri:
                return body
            self._owner.pop(item, None)
            self._early[item] = body

    def _advance(self, index: int, uri: str) -> bool:
        """Keep what the current workers still owe, reap them and fork the pair for window ``index``
        (the pages of it not made yet, ``uri`` first); False: not now (``may_fork``)."""
        for owed in list(self._owner):
            if owed in self._owner:
                self._early[owed] = self._receive(owed)
        self._reap()
        self._current = index
        if self._may_fork is not None and not self._may_fork(self._deferred):
            self._deferred = True
            return False
        self._deferred = False
        self._open(index, [page for page in self._windows[index] if page == uri or page in self._window_of])
        return True

    def _reap(self) -> None:
        workers, self._workers = self._workers, []
        forking.finish(workers, unfreeze=False)
        for worker in workers:
            if worker.status:  # pragma: no cover - every page arrived, then the worker failed
                log.warning(f"lessons site: page worker {worker.number} exited with status {worker.status}")

    def close(self, kill: bool = False) -> None:
        """Stop (``kill``, or pages still due) or reap the workers; idempotent."""
        workers, self._workers = self._workers, []
        forking.finish(workers, kill=kill or bool(self._owner), unfreeze=self._frozen)
        self._frozen = False
