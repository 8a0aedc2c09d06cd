"""Every published figure about one region, for the region's page.

A region page answers "what do the agencies say about this desa?": each observation
whose ``refArea`` is the region, with its indicator, period, breakdown (sex, school
level ...), value, unit, dataset and agency, and a link to the observation's own page,
which carries its provenance chain. Only the published graphs are read (``PublicGraphs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs

__all__ = ["Figure", "RegionFigures", "region_figures"]

MAX_FIGURES = 5_000  # a desa has ~100 in the demo; a kabupaten's own figures are few

_QUERY = """
SELECT ?region ?obs ?indicator ?indicator_id ?indicator_en ?period ?period_label ?value ?unit_id
       ?dataset ?dataset_id ?agency ?agency_id
       (GROUP_CONCAT(DISTINCT ?part; separator=", ") AS ?breakdown)
WHERE {
  ?obs sdmx-dimension:refArea ?region ;
       qb:measureType ?indicator ;
       sdmx-dimension:refPeriod ?period ;
       qb:dataSet ?dataset .
  ?obs ?indicator ?value .
  OPTIONAL { ?indicator rdfs:label ?indicator_id FILTER(lang(?indicator_id) = "id") }
  OPTIONAL { ?indicator rdfs:label ?indicator_en FILTER(lang(?indicator_en) = "en") }
  OPTIONAL { ?period rdfs:label ?period_label }
  OPTIONAL {
    ?obs sdmx-attribute:unitMeasure/(skos:prefLabel|rdfs:label) ?unit_id FILTER(lang(?unit_id) = "id")
  }
  OPTIONAL { ?dataset dcterms:title ?dataset_id FILTER(lang(?dataset_id) = "id") }
  OPTIONAL {
    ?dataset dcterms:publisher ?agency .
    OPTIONAL { ?agency (skos:prefLabel|rdfs:label) ?agency_id FILTER(lang(?agency_id) = "id") }
  }
  OPTIONAL {
    ?obs ?dimension ?member .
    ?dimension a qb:DimensionProperty .
    FILTER(?dimension NOT IN (sdmx-dimension:refArea, sdmx-dimension:refPeriod))
    ?member (skos:prefLabel|rdfs:label) ?part FILTER(lang(?part) = "id")
  }
}
GROUP BY ?region ?obs ?indicator ?indicator_id ?indicator_en ?period ?period_label ?value ?unit_id
         ?dataset ?dataset_id ?agency ?agency_id
ORDER BY ?indicator_id ?breakdown ?period_label
"""


@dataclass(frozen=True)
class Figure:
    """One published figure about a region."""

    observation: str
    indicator: str
    indicator_label: str
    indicator_label_en: str | None
    period: str
    period_label: str
    value: ox.Literal
    unit: str | None
    breakdown: str | None  # e.g. "Laki-laki" for a figure split by sex
    dataset: str
    dataset_label: str
    agency: str | None
    agency_label: str | None

    @property
    def number(self) -> float | None:
        """The value as a number (for sorting), None when it is not one."""
        try:
            return float(self.value.value)
        except ValueError:
            return None


@dataclass(frozen=True)
class RegionFigures:
    figures: list[Figure]
    truncated: bool

    @property
    def agencies(self) -> list[str]:
        """The agencies that report about the region, by label."""
        return sorted({f.agency_label or f.dataset_label for f in self.figures})


def region_figures(store: Store, iris: Iris, region: str, *, limit: int = MAX_FIGURES) -> RegionFigures:
    """Every published observation of ``region`` (its own figures, not its children's)."""
    # One more than the limit tells whether the list was cut.
    query = _QUERY + f"LIMIT {int(limit) + 1}\n"
    rows = PublicGraphs(store, iris).select(query, region=ox.NamedNode(region))
    return RegionFigures([_figure(row) for row in rows[:limit]], len(rows) > limit)


def _figure(row: dict[str, Any]) -> Figure:
    def text(name: str) -> str | None:
        term = row.get(name)
        return None if term is None else str(term.value)

    indicator = str(row["indicator"].value)
    dataset = str(row["dataset"].value)
    value = row["value"]
    assert isinstance(value, ox.Literal)
    return Figure(
        observation=str(row["obs"].value),
        indicator=indicator,
        indicator_label=text("indicator_id") or indicator.rsplit("/", 1)[-1],
        indicator_label_en=text("indicator_en"),
        period=str(row["period"].value),
        period_label=text("period_label") or str(row["period"].value).rsplit("/", 1)[-1],
        value=value,
        unit=text("unit_id"),
        breakdown=text("breakdown") or None,
        dataset=dataset,
        dataset_label=text("dataset_id") or dataset.rsplit("/", 1)[-1],
        agency=text("agency"),
        agency_label=text("agency_id"),
    )
