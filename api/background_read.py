"""A read of the whole published graph, made once per publication in a background thread.

Some reads scan every observation (``graph.insight.observation_table``): at province scale
they take longer than a request may wait. ``BackgroundRead`` starts the read when a
publication is first seen and answers None until it is done, so the caller answers from
the store meanwhile; a read that fails is logged and tried again on the next call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["BackgroundRead"]

T = TypeVar("T")

log = logging.getLogger("onecenter.api")


class BackgroundRead(Generic[T]):
    """``read()``'s result for the current publication (its generation), or None while it runs."""

    def __init__(self, name: str, read: Callable[[], T]) -> None:
        self.name = name
        self._read = read
        self._lock = threading.Lock()
        self._ready: tuple[int, T] | None = None
        self._building: int | None = None

    def get(self, generation: int) -> T | None:
        """The result read for ``generation``; None (and a read started) when there is none yet."""
        with self._lock:
            ready = self._ready
            if ready is not None and ready[0] == generation:
                return ready[1]
            if self._building != generation:
                self._building = generation
                threading.Thread(target=self._build, args=(generation,), name=self.name, daemon=True).start()
        return None

    def _build(self, generation: int) -> None:
        try:
            value = self._read()
        except Exception:  # the callers keep answering from the store; the next call retries
            log.exception("%s gagal dibaca / could not be read", self.name)
            with self._lock:
                self._building = None
            return
        with self._lock:
            # A later publication's read may have finished first (generations grow): keep it.
            if self._ready is None or self._ready[0] < generation:
                self._ready = (generation, value)
            if self._building == generation:
                self._building = None
        log.info("%s siap / ready", self.name)
