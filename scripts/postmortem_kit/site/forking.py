"""Forked worker processes that send results back over a pipe, in order (Linux only).

A worker is a ``fork()`` of the build process: it starts with everything the build has loaded
(incidents, similar incidents, the Markdown converter) without pickling any of it, runs one
function over its share of the items and writes each result to its pipe as a length-prefixed
pickle.  Before forking, ``gc.freeze()`` moves every object the build holds out of the garbage
collector's reach, so neither process's collector writes to those objects' memory and the pages
stay shared copy-on-write (until the workers are closed).

A worker that fails sends the error and exits; one that dies (a signal, ``os._exit``) is seen as
the end of its pipe.  Either way ``receive`` raises ``WorkerError`` with the worker's number and
what it was doing; nothing is skipped silently.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct
import sys
import traceback
from typing import Any, Callable, Iterable

_HEADER = struct.Struct(">I")
_OK, _FAILED = 0, 1
PIPE_BYTES = 1 << 20  # room for a few pages ahead of the reader (Linux' default maximum for a pipe)
TIMEOUT = 600  # seconds without a result from a worker before the build gives up on it


class WorkerError(Exception):
    """A worker failed or stopped; the message says which and while doing what."""


def can_fork() -> bool:
    """Whether workers can be forked here: Linux, and no other thread in this process (a child forked
    while another thread holds a lock, say another plugin's thread pool, could wait on it forever)."""
    import threading

    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


class Worker:
    """One forked process and the read end of its pipe."""

    def __init__(self, number: int, pid: int, fd: int):
        self.number, self.pid, self.fd = number, pid, fd
        self.status: int | None = None  # the exit status once reaped

    def receive(self) -> tuple[Any, Any]:
        """The next (item, result) this worker sends; ``WorkerError`` if it failed or stopped."""
        header = self._read(_HEADER.size)
        if header is None:
            raise WorkerError(f"page worker {self.number} stopped unexpectedly ({self._reap()})")
        body = self._read(_HEADER.unpack(header)[0])
        if body is None:
            raise WorkerError(f"page worker {self.number} stopped in the middle of a result ({self._reap()})")
        kind, item, value = pickle.loads(body)
        if kind == _FAILED:
            raise WorkerError(f"page worker {self.number} failed on {item}: {value}")
        return item, value

    def _read(self, size: int) -> bytes | None:
        chunks, left = [], size
        while left:
            ready, _, _ = select.select([self.fd], [], [], TIMEOUT)
            if not ready:
                raise WorkerError(f"page worker {self.number} sent nothing for {TIMEOUT} s")
            chunk = os.read(self.fd, min(left, PIPE_BYTES))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _reap(self) -> str:
        self.wait()
        status = self.status or 0
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit status {os.WEXITSTATUS(status)}"

    def wait(self) -> int:
        if self.status is None:
            try:
                _, self.status = os.waitpid(self.pid, 0)
            except ChildProcessError:  # pragma: no cover - reaped elsewhere
                self.status = 0
        return self.status

    def close(self, kill: bool = False) -> None:
        if kill and self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - already gone
                pass
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.wait()


def start(count: int, shares: list[list[Any]], work: Callable[[Any], Any]) -> list[Worker]:
    """Fork ``count`` workers; worker ``n`` sends ``(item, work(item))`` for each item of
    ``shares[n]``, in order, then exits.  The caller keeps ``gc`` frozen until ``finish``."""
    if not gc.get_freeze_count():  # the first of several starts: no garbage into the frozen generation
        gc.collect()
    gc.freeze()
    workers: list[Worker] = []
    try:
        for number in range(count):
            read_fd, write_fd = os.pipe()
            _widen(write_fd)
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the build
                os.close(read_fd)
                for other in workers:
                    os.close(other.fd)
                _run(write_fd, shares[number], work)
            os.close(write_fd)
            workers.append(Worker(number, pid, read_fd))
    except BaseException:
        finish(workers, kill=True)
        raise
    return workers


def finish(workers: Iterable[Worker], kill: bool = False, unfreeze: bool = True) -> None:
    """Close the pipes and reap the workers (``kill``: stop them first); ``unfreeze``: let ``gc`` see
    everything again (not yet if more workers are to be forked)."""
    for worker in workers:
        worker.close(kill=kill)
    if unfreeze:
        gc.unfreeze()


def _run(fd: int, items: list[Any], work: Callable[[Any], Any]) -> None:  # pragma: no cover - in the child
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for item in items:
            try:
                message = (_OK, item, work(item))
            except BaseException as error:  # sent to the build, which reports it
                detail = "".join(traceback.format_exception_only(type(error), error)).strip()
                message, status = (_FAILED, item, detail), 1
            body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            _write(fd, _HEADER.pack(len(body)) + body)
            if status:
                break
    except BaseException:
        status = 2
    finally:
        os._exit(status)


def _write(fd: int, data: bytes) -> None:  # pragma: no cover - in the child
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _widen(fd: int) -> None:
    """A larger pipe buffer, so a worker can run a few pages ahead (Linux' F_SETPIPE_SZ)."""
    import fcntl

    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:  # pipe-max-size is lower here: the default buffer works too
        pass
