"""How many failed sign-ins an account name, or a client address, may have in a window.

Counted separately per name (someone guessing one person's token from many addresses) and per
address (one machine trying many names). Once either has ``max_failures`` failures within the
window, further attempts are refused until the oldest failure leaves it: the answer says when
(Retry-After), never whether the account exists. A good sign-in clears its name's failures, not
its address's (an attacker with one account of their own must not reset the address count).
The clock is an input so tests move time instead of sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

__all__ = ["SignInAttempts"]

MAX_KEYS = 10_000


class SignInAttempts:
    def __init__(self, max_failures: int, window_s: float, clock: Callable[[], float] = time.time) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Seconds until ``keys`` may try again, or None when none of them is held back."""
        now = self.clock()
        waits = []
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    waits.append(times[-self.max_failures] + self.window_s - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            # Many addresses failing once each must not grow the table for ever: drop the
            # keys whose failures all left the window once it is large.
            if len(self._failures) > MAX_KEYS:
                for key in list(self._failures):
                    self._recent(key, now)
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
