"""Pacing for slow and one-slot servers: adaptive concurrency, Retry-After, honest counters.

``Pacer`` lets at most ``limit`` requests run at once.  The limit starts at
``start`` (2), grows by one after ``limit`` answers in a row without
trouble (up to ``maximum``, the ``jobs`` setting), and is halved (down to 1)
on HTTP 429, 503 or a timeout, when the server is plainly overloaded.  A
``Retry-After`` header holds every new request back until it has passed.
Retries wait at the front of the queue, not at the back.

``RunStats`` counts what really happened: HTTP requests (each retry and each
format fallback is one), retries, tokens as the server reported them, and
seconds.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, fields


class Pacer:
    def __init__(self, start: int = 2, maximum: int = 4):
        self.maximum = max(1, maximum)
        self.limit = max(1, min(start, self.maximum))
        self.peak = self.limit
        self.active = 0
        self.not_before = 0.0
        self._streak = 0
        self._cond = threading.Condition()
        self._waiting: list[tuple[int, int]] = []
        self._seq = itertools.count()
        self.backoffs = 0

    @contextmanager
    def slot(self, retry: bool = False):
        ticket = (0 if retry else 1, next(self._seq))
        with self._cond:
            heapq.heappush(self._waiting, ticket)
            while True:
                wait = self.not_before - time.monotonic()
                if self._waiting[0] == ticket and self.active < self.limit and wait <= 0:
                    break
                self._cond.wait(timeout=wait if wait > 0 else 0.5)
            heapq.heappop(self._waiting)
            self.active += 1
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self.active -= 1
                self._cond.notify_all()

    def ok(self) -> None:
        with self._cond:
            self._streak += 1
            if self._streak >= self.limit and self.limit < self.maximum:
                self.limit += 1
                self.peak = max(self.peak, self.limit)
                self._streak = 0
                self._cond.notify_all()

    def overloaded(self, retry_after: float | None = None) -> None:
        with self._cond:
            self.limit = max(1, self.limit // 2)
            self._streak = 0
            self.backoffs += 1
            if retry_after:
                self.not_before = max(self.not_before, time.monotonic() + min(retry_after, 300.0))
            self._cond.notify_all()


def retry_after_seconds(headers) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds; an HTTP date is treated as 1 s)."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            return 1.0
    return None


@dataclass
class RunStats:
    http_requests: int = 0
    retries: int = 0
    fallbacks: int = 0  # requests sent again one rung lower on the ladder
    timeouts: int = 0
    overloaded: int = 0  # 429 and 503 answers
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_tokens: int = 0  # answers without usage, counted from the text (4 characters a token)
    seconds_in_requests: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **values) -> None:
        with self._lock:
            for key, value in values.items():
                setattr(self, key, getattr(self, key) + value)

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    @staticmethod
    def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
        return {key: round(after[key] - before.get(key, 0), 3) for key in after}
