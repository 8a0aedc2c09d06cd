"""Shared state of the running service, reached through ``request.app.state``."""

from __future__ import annotations

import threading

from graph.iris import Iris
from graph.settings import Settings
from graph.store import EmbeddedStore, Store, open_store

__all__ = ["ServiceState"]


class ServiceState:
    """The settings and a store handle that follows publications.

    An on-disk store is opened read-only, so a separate ``onecenter load`` can
    write while the service answers. A read-only handle sees the data as of its
    opening, so it is reopened when the writer marks a publication.
    """

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self._fixed = store
        self._lock = threading.Lock()
        self._handle: EmbeddedStore | None = None
        self._seen: float | None = None

    @property
    def store(self) -> Store:
        if self._fixed is not None:
            return self._fixed
        location = self.settings.store_location
        if location is None:  # an in-memory store lives as long as the service
            with self._lock:
                if self._handle is None:
                    self._handle = open_store(None)
                return self._handle
        marker = EmbeddedStore.marker_for(location)
        changed = marker.stat().st_mtime if marker.exists() else 0.0
        with self._lock:
            if self._handle is None or changed != self._seen:
                self._handle = open_store(location, read_only=True)
                self._seen = changed
            return self._handle
