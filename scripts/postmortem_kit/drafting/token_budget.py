"""A per-run token budget shared by the concurrent section drafts.

Before a call, the drafter reserves an estimate (prompt characters / 4 plus
the section's output-token cap); a call that does not fit is not made and
the section is dropped with the reason.  After the call the reservation is
replaced by the usage the API reported.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


def estimate_tokens(messages: list[dict[str, str]]) -> int:
    """A cautious estimate: ~4 characters per token plus a few tokens per message."""
    return sum(len(m.get("content") or "") // 4 + 1 + 4 for m in messages) + 3


@dataclass
class Reservation:
    tokens: int
    settled: bool = False


class TokenBudget:
    def __init__(self, limit: int | None):
        self.limit = limit
        self.used = 0
        self.reserved = 0
        self._lock = threading.Lock()

    def reserve(self, tokens: int) -> Reservation | None:
        with self._lock:
            if self.limit is not None and self.used + self.reserved + tokens > self.limit:
                return None
            self.reserved += tokens
            return Reservation(tokens)

    def settle(self, reservation: Reservation, actual: int) -> None:
        with self._lock:
            if reservation.settled:
                return
            reservation.settled = True
            self.reserved -= reservation.tokens
            self.used += actual

    @property
    def remaining(self) -> int | None:
        with self._lock:
            return None if self.limit is None else max(0, self.limit - self.used - self.reserved)
