"""Datasets for people: the page of one dataset (``/id/dataset/<id>``) and the catalogue page (``/catalog``).

A browser asking for a published dataset's IRI gets ``dataset.html``: what it holds, who
produces it, how often and how fresh, where it has figures (a map), its downloads (the
Excel CSV first), its source files and loads, its coherence, and the raw triples folded at
the bottom. A browser asking for ``/catalog`` gets ``catalog.html``: every published
dataset grouped by agency. Both read the catalogue the service caches
(``api.shared_reads``); the facts only a dataset page shows (``graph.describe.dataset_facts``)
are cached the same way, until the next publication. A restricted (terbatas) dataset
appears as its public card (no files, loads, regions or downloads), except to a signed-in
reader who may read it (``dataset_context``'s ``audience``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import ServiceState
from api.pages import id_number, render, root_of
from api.shared_reads import coherence_summary, published_catalog
from graph.describe.catalog import CatalogDataset, read_catalog
from graph.describe.dataset_facts import (
    COVERED_COLOUR,
    DatasetFacts,
    DatasetSheet,
    coverage_geojson,
    dataset_sheet,
    map_level,
    read_dataset_facts,
    read_role_labels,
)
from graph.errors import NotFound
from graph.insight.boundaries import load_boundaries
from graph.insight.choropleth import NO_DATA_COLOUR
from graph.provenance.records import now
from graph.rdf.iris import local_path
from graph.store.versions import PUBLIC, Audience
from graph.text import Text

__all__ = ["Download", "catalog_page", "coverage_collection", "dataset_context", "downloads"]


@dataclass(frozen=True)
class Download:
    """One download link of a dataset, as a person reads it."""

    label: Text
    note: Text
    url: str
    media_type: str


def downloads(root: str, dataset: str) -> list[Download]:
    """The table downloads of a published dataset, Excel CSV first (what most of its readers
    open), then the CSV for programs and the version graph (the routes of ``/catalog``)."""
    base = f"{root}/catalog/{quote(dataset)}"
    return [
        Download(
            Text("CSV untuk Excel", "CSV for Excel"),
            Text("titik koma, koma desimal, judul kolom Indonesia", "semicolon, decimal comma"),
            f"{base}.csv?_dialect=excel",
            "text/csv",
        ),
        Download(
            Text("CSV standar", "Standard CSV"),
            Text("koma, titik desimal, untuk program", "comma, decimal point, for programs"),
            f"{base}.csv",
            "text/csv",
        ),
        Download(
            Text("Graf versi terbit (Turtle)", "Published version graph (Turtle)"),
            Text("semua tripel dataset", "every triple of the dataset"),
            f"{base}.ttl",
            "text/turtle",
        ),
    ]


def _facts(service: ServiceState, iri: str) -> DatasetFacts | None:
    return service.cached(f"dataset-facts:{iri}", lambda: service.run(read_dataset_facts, service.iris, iri))


def _roles(service: ServiceState) -> dict[str, Text]:
    return service.cached("satu-data-roles", lambda: service.run(read_role_labels, service.iris))


def _entry(service: ServiceState, iri: str) -> CatalogDataset | None:
    return next((d for d in published_catalog(service).datasets if d.iri == iri), None)


def _region_href(service: ServiceState, root: str, dataset: str) -> Callable[[str], str]:
    """Region code -> its page, showing this dataset's figures first (``?sumber=``)."""

    def href(code: str) -> str:
        path = local_path(service.iris, service.iris.region(code)) or ""
        return f"{root}{path}?{urlencode({'sumber': dataset})}"

    return href


def _reader_entry(service: ServiceState, iri: str, audience: Audience) -> CatalogDataset | None:
    """The dataset as the catalogue read for ``audience`` describes it (kept per audience
    until the next publication, as the public catalogue is)."""
    key = "all" if audience.all_restricted else ",".join(sorted(audience.restricted_agencies))
    catalog = service.cached(
        f"catalog:read:{key}",
        lambda: service.run(read_catalog, service.iris, service.settings.home_region, audience),
    )
    return next((d for d in catalog.datasets if d.iri == iri), None)


def dataset_context(
    service: ServiceState, iri: str, root: str, audience: Audience = PUBLIC
) -> dict[str, Any] | None:
    """What ``dataset.html`` shows of the published dataset ``iri`` beside its triples; None
    when the catalogue does not list it (a held draft only: the plain resource page).

    A restricted dataset is its public card, except to a reader ``audience`` lets read it (a
    signed-in Walidata, or its own agency's Produsen Data), who gets the whole page."""
    entry = _entry(service, iri)
    if entry is None:
        return None
    readable = entry.restricted and not audience.is_public
    if readable:
        entry = _reader_entry(service, iri, audience) or entry
    if entry.restricted:
        facts = None
    elif readable:  # read for this reader, not kept in the shared cache
        facts = service.run(read_dataset_facts, service.iris, iri, audience)
    else:
        facts = _facts(service, iri)
    sheet = dataset_sheet(entry, facts, coherence_summary(service), service.iris, now().date())
    level = map_level(facts) if facts else None
    settings = service.settings
    boundaries = (
        load_boundaries(settings.ontology_path / "codes", settings.home_region, level) if level else None
    )
    on_level = {r.code for r in facts.regions_at(level)} if facts and level else set()
    return {
        "sheet": sheet,
        "downloads": [] if entry.restricted else downloads(root, entry.id),
        "map_level": level,
        # The coverage polygons are served to the public only: none for a restricted dataset.
        "map_src": f"{root}/catalog/{quote(entry.id)}/coverage.geojson"
        if boundaries and not readable
        else None,
        "map_total": len(boundaries.features) if boundaries else 0,
        # Regions with figures drawn on the map, and those the shipped boundaries have no polygon for.
        "map_covered": len(on_level & set(boundaries.codes)) if boundaries else 0,
        "map_unplaced": len(on_level - set(boundaries.codes)) if boundaries else 0,
        "region_href": _region_href(service, root, entry.id),
        "loads_href": f"{root}/loads?{urlencode({'dataset': entry.id})}",
        "coherence_href": f"{root}/coherence"
        + (f"?{urlencode({'agency': sheet.agency})}" if sheet.agency else ""),
        "roles": _roles(service),
        "covered_colour": COVERED_COLOUR,
        "no_data_colour": NO_DATA_COLOUR,
        "num": id_number,
    }


def coverage_collection(service: ServiceState, dataset: str, root: str) -> dict[str, Any]:
    """The coverage map's polygons of a published dataset (GeoJSON).

    Raises:
        NotFound: the dataset is not published, not readable by the public, or has no
            figures at a level whose boundaries ship with the instance.
    """
    entry = next((d for d in published_catalog(service).datasets if d.id == dataset), None)
    facts = _facts(service, entry.iri) if entry and not entry.restricted else None
    level = map_level(facts) if facts else None
    settings = service.settings
    boundaries = (
        load_boundaries(settings.ontology_path / "codes", settings.home_region, level) if level else None
    )
    if facts is None or boundaries is None:
        raise NotFound(
            f"tidak ada peta cakupan untuk dataset {dataset!r} / no coverage map for dataset {dataset!r}"
        )

    def describe(count: int) -> str:
        return f"{id_number(count)} observasi / observations"

    return coverage_geojson(boundaries, facts, _region_href(service, root, dataset), describe)


def catalog_page(request: Request) -> HTMLResponse:
    """``catalog.html``: every published dataset, grouped by agency, with its freshness today."""
    service: ServiceState = request.app.state.service
    catalog = published_catalog(service)
    root = root_of(request)
    today = now().date()
    sheets = [dataset_sheet(d, None, None, service.iris, today) for d in catalog.datasets]

    def agency_of(sheet: DatasetSheet) -> str:
        publisher = sheet.entry.publisher
        return publisher.name.id if publisher and publisher.name.id else "~"  # without an agency: last

    groups = [
        (group[0].entry.publisher, group)
        for _, members in groupby(sorted(sheets, key=lambda s: (agency_of(s), s.entry.title.id)), agency_of)
        if (group := list(members))
    ]
    formats = [
        ("Turtle", f"{root}/catalog.ttl", "text/turtle"),
        ("JSON-LD", f"{root}/catalog.jsonld", "application/ld+json"),
        ("RDF/XML", f"{root}/catalog.rdf", "application/rdf+xml"),
        ("JSON", f"{root}/catalog.json", "application/json"),
    ]
    return render(
        request,
        "catalog.html",
        active="catalog",
        catalog=catalog,
        groups=groups,
        formats=formats,
        downloads=lambda d: downloads(root, d.id),
        dataset_href=lambda d: root + (local_path(service.iris, d.iri) or ""),
        num=id_number,
    )
