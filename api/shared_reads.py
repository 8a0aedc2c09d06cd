"""Reads of the store that more than one route shows, each computed once per publication.

The catalogue (``/catalog`` and the home page), the coherence report (``/coherence``; its
counts, ``coherence_summary``, for the home page, a dataset's page and *Data saya*) and the
insight indicator catalogue (``/insight``, ``/map`` and the home page) are read through
``ServiceState.run`` (in the query workers, within the time limit) and cached under one
key each until the next publication, so every route showing one shares a single read.
Routes import them from here: a route never imports another route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from api.deps import ServiceState
from graph.describe.catalog import Catalog, read_catalog
from graph.describe.coherence import Coherence, read_coherence
from graph.describe.coherence_summary import CoherenceSummary, read_coherence_summary
from graph.insight.catalogue import InsightCatalogue, read_catalogue
from graph.insight.observations import ObservationSource
from graph.provenance.records import now
from graph.rdf.iris import Iris
from graph.store.interface import Store

__all__ = [
    "coherence_report",
    "coherence_summary",
    "home_read",
    "insight_catalogue",
    "insight_observations",
    "published_catalog",
    "table_key",
]

T = TypeVar("T")


def home_read(service: ServiceState, key: str, read: Callable[[Store, Iris, str], T]) -> T:
    """``read(store, iris, home_region)`` in the query workers, kept under ``key`` until the
    next publication. ``read`` is a module-level function (it is pickled to a worker)."""
    home = service.settings.home_region
    return service.cached(key, lambda: service.run(read, service.iris, home))


def published_catalog(service: ServiceState) -> Catalog:
    """The DCAT catalogue of the published datasets."""
    return home_read(service, "catalog:read", read_catalog)


def coherence_summary(service: ServiceState) -> CoherenceSummary:
    """The counts of the coherence report and the held drafts (the home page, a dataset's
    page, Data saya): read from the counts kept with each report, never from every finding,
    so no page showing them waits for the full read ``/coherence`` makes."""
    return service.cached("coherence:summary", lambda: service.run(read_coherence_summary, service.iris))


def coherence_report(service: ServiceState) -> Coherence:
    """The coherence report of the published datasets and held drafts."""
    return service.cached(
        "coherence:read",
        lambda: service.run(
            read_coherence,
            service.iris,
            shapes=service.settings.shapes_path,
            max_rows=service.settings.max_result_rows,
        ),
    )


def table_key(service: ServiceState, key: str) -> str:
    """The cache key of a read made from insight's table. While the next publication's table is
    built, pages read the previous one: what they read then is kept under another key, so that
    once the new table is there the read is made again from it, not kept (one publication old)
    until the publication after. Take the key before the table: a table swapped in between is
    then kept under the other key, which costs one more read and is never stale."""
    return key if service.view_status() != "building" else key + " (tabel sebelumnya / previous table)"


def insight_catalogue(service: ServiceState) -> InsightCatalogue:
    """The indicators insight can correlate, with their regions and years: the years that have
    come by today (the clock, read here for the request), so no selector offers a future one."""
    key = table_key(service, "insight-catalogue")
    table = service.insight_table()
    # The one query of the catalogue that scans every observation, answered from the table
    # when it is read (the same rows); kept under one key: both reads give the same catalogue.
    observed = None if table is None else table.observed
    home = service.settings.home_region
    read = service.cached(key, lambda: service.run(read_catalogue, service.iris, home, observed))
    return read.as_of(now().date())


def insight_observations(service: ServiceState) -> ObservationSource | None:
    """Insight's observations from the service's table, or None (then the store is asked)."""
    table = service.insight_table()
    return None if table is None else table.observations
