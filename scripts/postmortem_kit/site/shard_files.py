"""The files of a search shard: where its temporary folder goes, what Pagefind reads of each page
(``search_document``), and what a merged bundle keeps (``prune``).  Used by ``site.search_shards``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from postmortem_kit.site.search_index import ARTICLE_CLOSE, BODY_OPEN, SECONDARY_KEEP

FOLDER_PREFIX = "pm-search-"  # a shard's temporary folder, in ``scratch_dir``: about 5 MB, at most two at once
SCRATCH_DIRS = ("/dev/shm",)  # a RAM file system, if there is one with room
SCRATCH_ROOM_MB = 256


def write_document(folder: Path, relative: str, document: str) -> None:
    """What Pagefind reads of one page, at the page's path in the shard's folder."""
    target = os.path.join(folder, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    Path(target).write_text(document, encoding="utf-8")


def scratch_dir() -> Path:
    """Where the shards' temporary folders go: the first of ``SCRATCH_DIRS`` that is a folder this
    process can write to with ``SCRATCH_ROOM_MB`` free (a RAM file system: creating and removing a
    folder per page there costs next to nothing, against about a millisecond of the build's CPU
    for each on this machine's ext4), else the system's temporary folder."""
    for candidate in SCRATCH_DIRS:
        try:
            if os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
                stats = os.statvfs(candidate)
                if stats.f_bavail * stats.f_frsize >= SCRATCH_ROOM_MB * 1024 * 1024:
                    return Path(candidate)
        except OSError:
            continue
    return Path(tempfile.gettempdir())


def search_document(document: str) -> str:
    """The page as Pagefind needs it: its head (language, title) and the article marked
    ``data-pagefind-body``, without the theme's header, navigation, sidebars and footer around it.

    Pagefind indexes only the marked article of a page that has one (the filters are in it, and
    the theme puts no Pagefind attribute elsewhere), so what it writes is the same (every fragment
    byte for byte, tests/unit/site/test_search_index.py); it parses about half the bytes (16 of
    35 KB an incident page).  A page without the marked article is given whole."""
    body = document.find("<body")
    start = document.find(BODY_OPEN)
    end = document.rfind(ARTICLE_CLOSE)
    if body < 0 or start < body or end < start:
        return document
    body_end = document.find(">", body) + 1
    return document[:body_end] + document[start:end + len(ARTICLE_CLOSE)] + "</body></html>\n"


def prune(bundle: Path) -> None:
    """A merged bundle keeps only its index: the scripts, styles and wasm come from the first one."""
    for entry in bundle.iterdir():
        if entry.name in SECONDARY_KEEP or entry.suffix == ".pf_meta":
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
