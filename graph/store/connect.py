"""Opening a store: the embedded one in a folder (or in memory), or the SPARQL server the
settings name.

The one module that knows both stores, so neither has to know the other;
``RemoteStore`` is imported only when a server is used (httpx only for those who use one).
"""

from __future__ import annotations

from pathlib import Path

from graph.settings import Settings
from graph.store.embedded import EmbeddedStore
from graph.store.interface import Store

__all__ = ["connect_store", "open_store"]


def open_store(location: Path | None, *, read_only: bool = False) -> EmbeddedStore:
    """The embedded store in the folder ``location`` (in memory when None)."""
    return EmbeddedStore(location, read_only=read_only)


def connect_store(settings: Settings, *, read_only: bool = False, timeout_s: float | None = None) -> Store:
    """The store the settings name: the SPARQL server at ``store_url`` when it is set, else
    the embedded store at ``store_path``.

    ``read_only`` refuses writes; an in-memory store cannot be shared, so it stays writable.
    ``timeout_s`` replaces ``store_timeout_s`` for a server (e.g. the API's query time limit).

    Raises:
        StoreError: the embedded store cannot be opened (a server is only reached when used).
    """
    if settings.store_url:
        from graph.store.remote import RemoteStore  # httpx only for those who use a server

        if settings.store_flavour == "virtuoso":
            from graph.store.virtuoso import VirtuosoStore  # its dialect, corrected

            return VirtuosoStore.from_settings(settings, read_only=read_only, timeout_s=timeout_s)
        return RemoteStore.from_settings(settings, read_only=read_only, timeout_s=timeout_s)
    location = settings.store_location
    return EmbeddedStore(location, read_only=read_only and location is not None)
