"""Every published figure about one region, for the region's page.

A region page answers "what do the agencies say about this desa?": each observation
whose ``refArea`` is the region, with its indicator, period, breakdown (sex, school
level ...), value, unit, dataset and agency, and a link to the observation's own page,
which carries its provenance chain. Only the published graphs are read (``PublicGraphs``).

Where two datasets publish one indicator, the figure shown is the one of the indicator's
chosen dataset (``graph.answer.authoritative``: the authoritative one, or the one asked for
with ``sumber``), with the other datasets' figures of the same period and breakdown beside
it (``Figure.others``); nothing is summed. A figure only another dataset publishes is still
listed, marked as from another source (``Figure.main`` false).

Each figure says whether its dataset's figures are synthetic (``oc:syntheticData true``) or
real (``graph.answer.authoritative``). A categorical figure's value is a concept of a code list
(e.g. ``status-idm:berkembang``): it carries the concept's labels (``Figure.category``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox

from graph.answer.authoritative import DatasetSource, SourceUse, sources_of
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.text import Text, published_decimals

__all__ = ["Figure", "RegionFigures", "region_figures"]

MAX_FIGURES = 5_000  # a desa has ~100 in the demo; a kabupaten's own figures are few

_QUERY = """
SELECT ?region ?obs ?indicator ?indicator_id ?indicator_en ?period ?period_label ?value ?unit_id
       ?dataset ?dataset_id ?agency ?agency_id ?category_id ?category_en
       (GROUP_CONCAT(DISTINCT ?part; separator=", ") AS ?breakdown)
WHERE {
  ?obs sdmx-dimension:refArea ?region ;
       qb:measureType ?indicator ;
       sdmx-dimension:refPeriod ?period ;
       qb:dataSet/oc:cubeOf ?dataset .
  ?obs ?indicator ?value .
  OPTIONAL { ?indicator rdfs:label ?indicator_id FILTER(lang(?indicator_id) = "id") }
  OPTIONAL { ?indicator rdfs:label ?indicator_en FILTER(lang(?indicator_en) = "en") }
  OPTIONAL { ?period rdfs:label ?period_label }
  OPTIONAL { ?value skos:prefLabel ?category_id FILTER(lang(?category_id) = "id") }
  OPTIONAL { ?value skos:prefLabel ?category_en FILTER(lang(?category_en) = "en") }
  OPTIONAL { %(observations)s
    ?obs sdmx-attribute:unitMeasure/(skos:prefLabel|rdfs:label) ?unit_id FILTER(lang(?unit_id) = "id")
  }
  OPTIONAL { ?dataset dcterms:title ?dataset_id FILTER(lang(?dataset_id) = "id") }
  OPTIONAL {
    ?dataset dcterms:publisher ?agency .
    OPTIONAL { ?agency (skos:prefLabel|rdfs:label) ?agency_id FILTER(lang(?agency_id) = "id") }
  }
  OPTIONAL { %(observations)s
    ?obs ?dimension ?member .
    ?dimension a qb:DimensionProperty .
    FILTER(?dimension NOT IN (sdmx-dimension:refArea, sdmx-dimension:refPeriod, qb:measureType))
    ?member (skos:prefLabel|rdfs:label) ?part FILTER(lang(?part) = "id")
  }
}
GROUP BY ?region ?obs ?indicator ?indicator_id ?indicator_en ?period ?period_label ?value ?unit_id
         ?dataset ?dataset_id ?agency ?agency_id ?category_id ?category_en
ORDER BY ?indicator_id ?breakdown ?period_label
"""
# The region's observations, named in the two OPTIONALs that read each observation's unit and
# breakdown. Oxigraph evaluates an OPTIONAL's pattern on its own and joins by hash: unbounded,
# those two read every observation's unit and key in the store (62 s for one desa at 200,000
# observations); bounded by the region's few, a fraction of a second. The answer is the same: the
# left side's ?obs is always one of them. Plain SPARQL 1.1, so every store flavour runs it.
_OBSERVATIONS = "SELECT ?region ?obs WHERE { ?obs sdmx-dimension:refArea ?region }"
_NAMED_AT_MOST = 20_000  # more than that (no region has): the OPTIONALs unbounded, as before


@dataclass(frozen=True)
class Figure:
    """One published figure about a region."""

    observation: str
    indicator: str
    indicator_label: str
    indicator_label_en: str | None
    period: str
    period_label: str
    value: ox.Literal | ox.NamedNode  # a NamedNode: a concept of a code list (a category)
    unit: str | None
    breakdown: str | None  # e.g. "Laki-laki" for a figure split by sex
    dataset: str
    dataset_label: str
    agency: str | None
    agency_label: str | None
    # Whether the figure is from its indicator's chosen dataset (else the chosen one has no
    # figure for this period and breakdown), and the other datasets' figures shown beside it.
    main: bool = True
    others: tuple[Figure, ...] = ()
    synthetic: bool = False  # its dataset's figures are synthetic (oc:syntheticData true), else real
    category: Text | None = None  # a category's labels, when the value is a concept

    @property
    def decimals(self) -> int | None:
        """The decimals to show: as published when the default three would cut them (0.6719)."""
        return published_decimals(self.value.value) if isinstance(self.value, ox.Literal) else None

    @property
    def number(self) -> float | None:
        """The value as a number (for sorting), None when it is not one."""
        try:
            return float(self.value.value)
        except ValueError:
            return None


@dataclass(frozen=True)
class RegionFigures:
    figures: list[Figure]  # one per indicator, period and breakdown, the others beside it
    truncated: bool
    sources: tuple[SourceUse, ...] = ()  # the indicators published by more than one dataset

    def indicator_label(self, indicator: str) -> str:
        """An indicator's Indonesian label, as its figures carry it."""
        return next((f.indicator_label for f in self.figures if f.indicator == indicator), indicator)

    @property
    def other_sources(self) -> bool:
        """Whether some figure has another dataset's figure beside it, or is one."""
        return any(f.others or not f.main for f in self.figures)

    @property
    def kinds(self) -> set[bool]:
        """Whether the figures shown are synthetic: {True}, {False} or both (other sources' too)."""
        return {f.synthetic for f in (*self.figures, *(o for f in self.figures for o in f.others))}

    @property
    def agencies(self) -> list[str]:
        """The agencies that report about the region, by label (other sources' too)."""
        every = [*self.figures, *(o for f in self.figures for o in f.others)]
        return sorted({f.agency_label or f.dataset_label for f in every})


def region_figures(
    store: Store, iris: Iris, region: str, *, limit: int = MAX_FIGURES, sources: Sequence[str] = ()
) -> RegionFigures:
    """Every published observation of ``region`` (its own figures, not its children's), each
    indicator's from its chosen dataset with the other datasets' beside it.

    ``sources``: dataset slugs (``sumber``) preferred for the indicators they publish.
    """
    # One more than the limit tells whether the list was cut.
    graphs = PublicGraphs(store, iris)
    area = ox.NamedNode(region)
    observations = [r["obs"] for r in graphs.select(_OBSERVATIONS, region=area)]
    named = (
        "VALUES ?obs { " + " ".join(str(o) for o in observations) + " }"
        if len(observations) <= _NAMED_AT_MOST and all(isinstance(o, ox.NamedNode) for o in observations)
        else ""
    )
    query = _QUERY % {"observations": named} + f"LIMIT {int(limit) + 1}\n"
    rows = graphs.select(query, region=area)
    known = sources_of(graphs)
    figures = [_figure(row, known.datasets) for row in rows[:limit]]
    uses = {i: known.choose(i, sources) for i in {f.indicator for f in figures}}
    several = tuple(u for _, u in sorted(uses.items()) if u.others)
    return RegionFigures(_beside(figures, uses), len(rows) > limit, several)


def _beside(figures: list[Figure], uses: dict[str, SourceUse]) -> list[Figure]:
    """The chosen datasets' figures, each with the others of its indicator, period and
    breakdown beside it; another dataset's figure without a chosen one stays, marked."""

    def key(f: Figure) -> tuple[str, str, str | None]:
        return (f.indicator, f.period, f.breakdown)

    def chosen(f: Figure) -> bool:
        dataset = uses[f.indicator].dataset
        return dataset is None or dataset.iri == f.dataset

    beside: dict[tuple[str, str, str | None], list[Figure]] = {}
    for f in figures:
        if not chosen(f):
            beside.setdefault(key(f), []).append(f)
    mains = {key(f) for f in figures if chosen(f)}
    shown = []
    for f in figures:
        if chosen(f):
            shown.append(replace(f, others=tuple(beside.get(key(f), ()))))
        elif key(f) not in mains:
            shown.append(replace(f, main=False))
    return shown


def _figure(row: dict[str, Any], datasets: Mapping[str, DatasetSource]) -> Figure:
    def text(name: str) -> str | None:
        term = row.get(name)
        return None if term is None else str(term.value)

    indicator = str(row["indicator"].value)
    dataset = str(row["dataset"].value)
    value = row["value"]
    assert isinstance(value, ox.Literal | ox.NamedNode)
    source = datasets.get(dataset)
    category = (text("category_id"), text("category_en"))
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
        synthetic=source is not None and source.synthetic,
        category=Text(category[0] or "", category[1]) if any(category) else None,
    )
