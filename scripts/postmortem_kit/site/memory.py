"""How much memory the build's processes hold now: their proportional set size (PSS), Linux only.

PSS counts a page shared by several processes once in all (each gets its share), so the build
process and its forked page workers, which share most of their memory copy-on-write, are summed
without counting the shared pages twice.  ``search_shards.ShardRunner`` reads it before it starts a
Pagefind run while pages are still being written (``search_overlap_memory_mb``)."""

from __future__ import annotations

import os
from typing import Iterable


def pss_mb(pids: Iterable[int]) -> float | None:
    """The summed PSS of ``pids`` in MB (a process gone in the meantime counts 0), or None where
    it cannot be read (not Linux, no ``/proc/<pid>/smaps_rollup``, or not for this process)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as rollup:
                found = next((line for line in rollup if line.startswith("Pss:")), None)
        except FileNotFoundError:
            if pid == os.getpid():
                return None
            continue  # a worker that exited
        except OSError:
            return None
        if found is None:
            return None
        total += int(found.split()[1])
    return total / 1024
