"""Page bodies made by forked workers while MkDocs writes pages, so the build uses every core.

Making a generated page's body (the incident's HTML blocks, cleaned, converted and put in place)
is most of a build's work at 10,000 incidents; writing a page (the theme shell, the final clean,
the file) is the rest.  ``PagePool.start`` forks ``WORKERS`` processes once MkDocs has read every
page (``on_env``) and hands them the incident pages round-robin in the order MkDocs will write
them (the listing pages are made by the build process, whose listing caches they share), but for every ``MAIN_EVERY``-th page, which the build process makes itself between
writing the others; each worker sends back ``(content, toc tokens)``.  The plugin's ``on_page_context`` takes a
page's body from its worker (``take``) instead of making it.  The output is the same as the
in-process path's (tests/integration/test_site_workers.py builds a site both ways).

Workers are used for ``mkdocs build`` only (not ``mkdocs serve``, whose caches make one page at
a time, nor ``--dirty``), on Linux (``forking.can_fork``), and for ``MIN_PAGES`` pages or more;
otherwise, and whenever forking fails, the plugin makes the bodies in-process.  A worker that
fails or dies stops the build with a ``PluginError`` naming the page; the pool is closed
(workers stopped and reaped) when the last page is taken, before Pagefind runs, and on a build
error.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable

from postmortem_kit.site import forking

log = logging.getLogger("mkdocs.plugins.postmortems")

WORKERS = 2
MIN_PAGES = 200  # fewer pages: forking costs more than it saves
# Every MAIN_EVERY-th page is made by the build process itself, which would otherwise wait for the
# workers (its own part of a page, the theme shell, the final clean and the file, is the smaller one).
MAIN_EVERY = 4

Body = tuple[str, list[dict[str, Any]]]  # page content, table-of-contents tokens


class PoolError(Exception):
    """A worker failed or stopped (the plugin turns it into MkDocs' PluginError)."""


class PagePool:
    def __init__(self, workers: list[forking.Worker], owner: dict[str, int]):
        self._workers = workers
        self._owner = owner  # page -> worker number
        self._early: dict[str, Body] = {}  # received before MkDocs asked for them (another order)
        self._left = len(owner)
        self.size = len(owner)  # pages given to the workers

    @classmethod
    def start(cls, uris: list[str], make: Callable[[str], Body], count: int = WORKERS) -> PagePool | None:
        """A pool making ``uris`` (in write order), or None: then make them in-process."""
        count = min(count, os.cpu_count() or 1)
        if count < 2 or len(uris) < MIN_PAGES or not forking.can_fork():
            return None
        given = [uri for index, uri in enumerate(uris) if index % MAIN_EVERY != MAIN_EVERY - 1]
        shares = [given[number::count] for number in range(count)]
        try:
            workers = forking.start(count, shares, make)
        except OSError as error:  # no processes or pipes left: the in-process path still works
            log.info(f"lessons site: page workers not started ({error}); pages are made in-process")
            return None
        owner = {uri: number for number, share in enumerate(shares) for uri in share}
        log.debug(f"lessons site: {len(given)} of {len(uris)} page(s) made by {count} page workers")
        return cls(workers, owner)

    def covers(self, uri: str) -> bool:
        return uri in self._owner

    def take(self, uri: str) -> Body:
        """The page's body from its worker (``PoolError`` if that worker failed or stopped)."""
        found = self._early.pop(uri, None)
        worker = self._workers[self._owner.pop(uri)]
        try:
            while found is None:
                item, body = worker.receive()
                if item == uri:
                    found = body
                else:
                    self._early[item] = body
        except forking.WorkerError as error:
            self.close(kill=True)
            raise PoolError(f"{error} (while making {uri}); the site was not completely written") from None
        self._left -= 1
        if not self._left:
            self.close()
        return found

    def close(self, kill: bool = False) -> None:
        """Stop (``kill``, or pages still due) or reap the workers; idempotent."""
        workers, self._workers = self._workers, []
        if not workers:
            return
        early = kill or bool(self._left)
        forking.finish(workers, kill=early)
        for worker in workers if not early else ():
            if worker.status:  # pragma: no cover - every page arrived, then the worker failed
                log.warning(f"lessons site: page worker {worker.number} exited with status {worker.status}")
