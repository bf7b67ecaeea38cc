"""Each generated page's folder and (empty) file created ahead of MkDocs, by a forked process.

On this machine's ext4 a new folder or file costs about half a millisecond of kernel CPU (a new
inode: measured 0.5-0.65 ms each, against 0.02 ms to open an existing file for writing), so about
a millisecond a page with ``use_directory_urls``: 10 s of the build process's CPU at 10,000
incidents, and the build process (theme shell, final clean, writing every page) sets the pace
while its page workers wait.  ``PageFiles.start`` (``on_env``, when the page workers are forked)
forks one process that creates, in the order MkDocs writes them, each page's folder and an empty
file (``O_EXCL``: a file MkDocs has written already is left alone); MkDocs then opens the existing
file, truncates it and writes the page, as it would have written a new one, so the site is byte
for byte the same.  ``close`` reaps the process (``on_post_build``); ``close(failed=True)`` (a
build error) kills it and removes the files it made that are still empty (no page is empty).
"""

from __future__ import annotations

import logging
import os

from postmortem_kit.site import forking

log = logging.getLogger("mkdocs.plugins.postmortems")


def _create(paths: tuple[str, ...]) -> int:  # pragma: no cover - in the forked process
    made = 0
    for path in paths:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:  # MkDocs wrote it first
            continue
        made += 1
    return made


class PageFiles:
    """The forked process making the pages' folders and files (see the module docstring)."""

    def __init__(self, worker: forking.Worker, paths: tuple[str, ...]):
        self._worker, self._paths = worker, paths
        self.made: int | None = None  # files it created (the others MkDocs wrote first), once closed

    @classmethod
    def start(cls, paths: list[str]) -> PageFiles | None:
        """Fork the process for these files (absolute paths, in write order); None where it cannot
        be forked (MkDocs then creates every file itself, as usual)."""
        if not paths or not forking.can_fork():
            return None
        paths = tuple(paths)
        try:
            worker = forking.start(1, [[paths]], _create)[0]
        except OSError as error:
            log.debug(f"lessons site: page files not made ahead ({error})")
            return None
        return cls(worker, paths)

    @property
    def pid(self) -> int:
        return self._worker.pid

    def close(self, failed: bool = False) -> None:
        """Reap the process (``failed``: kill it first, and remove the files still empty)."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if not failed:
            try:
                self.made = worker.receive()[1]
            except forking.WorkerError as error:  # MkDocs created what was missing: nothing lost
                log.debug(f"lessons site: {error}")
        forking.finish([worker], kill=failed, unfreeze=False)
        if failed:
            for path in self._paths:
                try:
                    if os.stat(path).st_size == 0:
                        os.unlink(path)
                except OSError:
                    continue
