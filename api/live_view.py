"""A value rebuilt in the background after each publication, the previous one answering meanwhile.

The columnar view (``graph.answer.view``), and insight's observation table made from its rows
(``graph.insight.observation_table``), take from seconds to minutes to build at province
scale. Before the first build the callers answer from the store; after it, a publication
must not send every page back to the store while the next view is built: ``LiveView`` keeps
handing out the last value built (stale by one publication at most) until the new one is
ready, then swaps it in one step. Readers whose answers must agree with what is published
now (named questions, /sparql) take ``current`` instead, which is None until the value of
the current publication is built: they ask the store meanwhile. Builds run one at a time, in
one thread: a publication during a build starts the next build when this one ends.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["LiveView"]

T = TypeVar("T")

log = logging.getLogger("onecenter.api")


class LiveView(Generic[T]):
    """``build()``'s result, rebuilt when the generation (the publication marker) changes."""

    def __init__(self, name: str, build: Callable[[], T]) -> None:
        self.name = name
        self._build = build
        self._changed = threading.Condition()
        self._ready: tuple[int, T] | None = None
        self._building: int | None = None  # the generation being built, if a build runs
        self._next: int | None = None  # a generation asked for during that build

    def get(self, generation: int) -> T | None:
        """The value built last (for ``generation`` or an earlier one), or None before the
        first; a build for ``generation`` is started if its value is not there yet."""
        with self._changed:
            ready = self._ready
            if ready is None or ready[0] != generation:
                self._ask(generation)
            return None if ready is None else ready[1]

    def current(self, generation: int) -> T | None:
        """The value built for ``generation`` only (a build is started if it is not there yet):
        for readers that must agree with what is published now, not one publication ago."""
        with self._changed:
            ready = self._ready
            if ready is None or ready[0] != generation:
                self._ask(generation)
                return None
            return ready[1]

    def is_current(self, generation: int) -> bool:
        """Whether the value handed out was built for ``generation`` (starts a build if not)."""
        self.get(generation)
        with self._changed:
            return self._current(generation)

    def wait(self, generation: int, timeout_s: float) -> T | None:
        """The value for ``generation``, waiting for its build up to ``timeout_s`` (None: not
        ready in time, or its build failed)."""
        with self._changed:
            if not self._current(generation):
                self._ask(generation)
            # Done when built, or when no build runs any more (it failed: the next call retries).
            self._changed.wait_for(lambda: self._current(generation) or self._building is None, timeout_s)
            ready = self._ready
            return ready[1] if ready is not None and ready[0] == generation else None

    def _current(self, generation: int) -> bool:
        return self._ready is not None and self._ready[0] == generation

    def _ask(self, generation: int) -> None:
        # Called with the condition held.
        if self._building is None:
            self._building = generation
            threading.Thread(target=self._run, name=self.name, daemon=True).start()
        elif self._building != generation:
            self._next = generation

    def _run(self) -> None:
        while True:
            with self._changed:
                generation = self._building
            assert generation is not None
            try:
                value = self._build()
            except Exception:  # the previous value (or the store) keeps answering; the next call retries
                # Logged as text, not with the exception: a log handler keeping the traceback would
                # keep the build's store iterators alive, to be dropped on another thread (which
                # pyoxigraph refuses, an error in whatever runs then).
                log.error("%s gagal dibangun / could not be built\n%s", self.name, traceback.format_exc())
                with self._changed:
                    self._building = self._next = None
                    self._changed.notify_all()
                return
            with self._changed:
                self._ready = (generation, value)
                wanted, self._next = self._next, None
                self._building = wanted if wanted is not None and wanted != generation else None
                self._changed.notify_all()
                if self._building is None:
                    break
        log.info("%s siap / ready", self.name)
