"""What a dataset's page adds to its catalogue entry: regions with figures, loads, findings, freshness.

The catalogue (``graph.describe.catalog``) already says what a published dataset is: title,
agency, indicators, dimensions, periods, frequency. ``read_dataset_facts`` reads what only
its page shows: how many observations its version in force holds and for which regions
(each with its level and its number of observations), and every public load and
publication of it, newest first. ``dataset_sheet`` joins both with the counts of the
coherence report (findings in force, held drafts: ``graph.describe.coherence_summary``)
and the freshness of ``graph.describe.freshness`` at the time of the request;
``coverage_geojson`` joins the regions to the shipped boundaries for the coverage map. A
restricted (terbatas) dataset the reader may not read has no facts: its page shows its
public card only (docs/uploads.md, "Access levels").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.describe.catalog import CatalogDataset
from graph.describe.coherence_summary import CoherenceSummary
from graph.describe.freshness import Freshness, freshness
from graph.insight.boundaries import Boundaries
from graph.provenance.activities import Activity, activities
from graph.rdf.iris import Iris
from graph.rdf.labels import texts_by
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience
from graph.text import Text

__all__ = [
    "COVERED_COLOUR",
    "DatasetFacts",
    "DatasetSheet",
    "FindingCounts",
    "RegionFigures",
    "coverage_geojson",
    "dataset_sheet",
    "map_level",
    "read_dataset_facts",
    "read_role_labels",
]

# One colour for "has figures" (ColorBrewer YlGnBu's darkest but one): the map says where, not how much.
COVERED_COLOUR = "#225ea8"
# Levels the coverage map can draw (graph.insight.boundaries ships these), finest first.
_MAP_LEVELS = ("desa", "kecamatan")


@dataclass(frozen=True)
class RegionFigures:
    """One region a dataset has figures for."""

    code: str
    label: str
    level: str  # "desa", "kecamatan", "kabupaten" ... ("" when the code list does not say)
    observations: int


@dataclass(frozen=True)
class DatasetFacts:
    """What the version in force of a dataset holds, and its public load history."""

    observations: int
    regions: list[RegionFigures]  # by code
    loads: list[Activity]  # loads and publications, newest first

    def regions_at(self, level: str) -> list[RegionFigures]:
        return [r for r in self.regions if r.level == level]


@dataclass(frozen=True)
class FindingCounts:
    """The findings in force on a dataset's figures, and its drafts held back."""

    violations: int
    accepted: int  # of the violations, how many the Walidata accepted
    warnings: int
    held: int

    @property
    def open(self) -> int:
        return self.violations - self.accepted


@dataclass(frozen=True)
class DatasetSheet:
    """Everything a dataset's page says about it."""

    entry: CatalogDataset
    freshness: Freshness
    facts: DatasetFacts | None  # None: a restricted dataset shown as its public card
    findings: FindingCounts | None
    agency: str | None  # the publisher's slug, for the coherence filter


def _level(iri: str | None) -> str:
    return iri.rsplit("level", 1)[-1].lower() if iri else ""


def read_dataset_facts(
    store: Store, iris: Iris, dataset: str, audience: Audience = PUBLIC
) -> DatasetFacts | None:
    """The facts of the published dataset with IRI ``dataset``; None when it has no published
    version ``audience`` may read (unknown, held only, or restricted)."""
    view = PublicGraphs(store, iris, audience)
    graph = view.versions.get(dataset)
    if graph is None:
        return None
    total = view.select("SELECT (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation }", graphs=[graph])
    # Counted in the version graph alone, then named from the code list: a join of every
    # observation with the regions graph is much slower (see graph.describe.catalog._levels).
    counts = view.select(
        "SELECT ?area (COUNT(?o) AS ?n) WHERE { ?o sdmx-dimension:refArea ?area } GROUP BY ?area",
        graphs=[graph],
    )
    names = view.select(
        """SELECT ?area ?label ?level WHERE {
  { SELECT DISTINCT ?area WHERE { GRAPH ?g { ?o sdmx-dimension:refArea ?area } } }
  OPTIONAL { ?area skos:prefLabel ?label } OPTIONAL { ?area oc:regionLevel ?level } }""",
        graphs=[graph, iris.regions_graph],
    )
    label = {r["area"].value: r["label"].value for r in names if "label" in r}
    level = {r["area"].value: _level(r["level"].value) for r in names if "level" in r}
    regions = sorted(
        (
            RegionFigures(
                code=r["area"].value.removeprefix(iris.region_prefix),
                label=label.get(r["area"].value, ""),
                level=level.get(r["area"].value, ""),
                observations=int(r["n"].value),
            )
            for r in counts
        ),
        key=lambda r: r.code,
    )
    mine = [a for a in activities(view) if a.dataset == dataset]
    mine.sort(key=lambda a: a.ended or a.started, reverse=True)
    return DatasetFacts(int(total[0]["n"].value) if total else 0, regions, mine)


def read_role_labels(store: Store, iris: Iris) -> dict[str, Text]:
    """The name of every Satu Data role (Produsen Data, Walidata ...) by its IRI."""
    view = PublicGraphs(store, iris)
    rows = view.select(
        "SELECT ?role ?l WHERE { ?role a oc:SatuDataRole ; skos:prefLabel ?l }", graphs=[iris.ontology_graph]
    )
    return texts_by(rows, "role", "l")


def _finding_counts(coherence: CoherenceSummary, dataset_id: str) -> FindingCounts:
    mine = coherence.totals(dataset=dataset_id)
    return FindingCounts(
        violations=mine.violations,
        accepted=mine.accepted,
        warnings=mine.warnings,
        held=sum(h.id == dataset_id for h in coherence.held),
    )


def dataset_sheet(
    entry: CatalogDataset,
    facts: DatasetFacts | None,
    coherence: CoherenceSummary | None,
    iris: Iris,
    today: dt.date,
) -> DatasetSheet:
    """The page of ``entry``: its facts (None for a restricted card), the findings in force on
    it, and its freshness as of ``today``."""
    agency_prefix = iris.agency("")
    publisher = entry.publisher.iri if entry.publisher else None
    agency = (
        publisher.removeprefix(agency_prefix) if publisher and publisher.startswith(agency_prefix) else None
    )
    counts = None if coherence is None or entry.restricted else _finding_counts(coherence, entry.id)
    return DatasetSheet(
        entry=entry,
        freshness=freshness(entry.last_period, entry.frequency, today),
        facts=None if entry.restricted else facts,
        findings=counts,
        agency=agency,
    )


def map_level(facts: DatasetFacts) -> str | None:
    """The finest level the coverage map can draw that the dataset has figures for."""
    return next((level for level in _MAP_LEVELS if facts.regions_at(level)), None)


def coverage_geojson(
    boundaries: Boundaries, facts: DatasetFacts, href: Callable[[str], str], describe: Callable[[int], str]
) -> dict[str, Any]:
    """The boundaries of one level as a FeatureCollection for the map script
    (``static/js/map.js``): ``kode``, ``nama``, ``value`` (observations, null without figures),
    ``label`` (``describe(value)``), ``fill`` (one colour, null without figures) and ``href``."""
    counts = {r.code: r.observations for r in facts.regions_at(boundaries.level)}
    features = []
    for feature in boundaries.features:
        code = str(feature["properties"]["kode"])
        value = counts.get(code)
        properties = {
            "kode": code,
            "nama": feature["properties"].get("nama", code),
            "value": value,
            "label": describe(value) if value is not None else None,
            "fill": COVERED_COLOUR if value is not None else None,
            "href": href(code),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}
