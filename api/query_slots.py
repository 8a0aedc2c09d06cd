"""Fair turns at the query workers: each client runs at most a few SPARQL queries at once.

Without this, one client sending twenty runaway queries held every worker for the whole time
limit, and every other client waited and got 503. Now each client (by its address, with or
without a token) holds at most ``query_slots_per_client`` of the workers; its further queries
wait here, in the event loop, without holding a worker or a thread, so another client's query
finds a free worker. A query that waits longer than a query may run gets 503.

What this cannot do: many clients at once (many addresses) still share the workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graph.errors import QueryTimeout

__all__ = ["ClientSlots"]


class ClientSlots:
    """At most ``per_client`` holders per client key; a holder waits at most ``wait_s``."""

    def __init__(self, per_client: int, wait_s: float) -> None:
        if per_client < 1:
            raise ValueError("per_client must be positive")
        self.per_client = per_client
        self.wait_s = wait_s
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}  # holders and waiters, so an idle client is forgotten

    @asynccontextmanager
    async def held(self, client: str) -> AsyncIterator[None]:
        """Hold one of ``client``'s slots for the block.

        Raises:
            QueryTimeout: the client's earlier queries held every slot for ``wait_s``.
        """
        slots = self._slots.get(client)
        if slots is None:
            slots = self._slots[client] = asyncio.Semaphore(self.per_client)
        self._users[client] = self._users.get(client, 0) + 1
        try:
            try:
                await asyncio.wait_for(slots.acquire(), timeout=self.wait_s)
            except TimeoutError:
                raise QueryTimeout(
                    f"kueri Anda sebelumnya masih berjalan / your earlier queries are still running: "
                    f"each client runs at most {self.per_client} at once (setting "
                    f"query_slots_per_client), and this one waited {self.wait_s:.0f} s for its turn"
                ) from None
            try:
                yield
            finally:
                slots.release()
        finally:
            self._users[client] -= 1
            if not self._users[client]:
                del self._users[client], self._slots[client]

    def clients(self) -> int:
        """How many clients hold or wait for a slot now."""
        return len(self._users)
