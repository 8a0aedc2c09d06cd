"""A columnar view of the published observations, rebuilt after each publication.

Named questions that join two indicators by region and period are the platform's most
asked questions. On Oxigraph each such answer costs thousands of index lookups: at
1,000,000 observations the best query shape takes seconds. The same join on a column
table takes milliseconds. So the service keeps this view of every published observation
(indicator, region, period, value) and the region code list, and answers questions that
declare a ``columnar`` plan (``graph/answer/columnar.py``) from it. The SPARQL text stays the
definition of each question: tests check that both give the same rows.

The view is read from the published graphs only, so it is in step with publication by
construction: the service rebuilds it when the store's publication marker changes. Until the
new view is built, questions and /sparql are answered from the store (never from figures one
publication old), while the pages keep the previous view's table. A rebuild scans only the
version graphs published since the last one (``graph.answer.view_partitions``), and a
restarted service reads the partitions kept beside the store (``graph.answer.view_files``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyoxigraph as ox

from graph.answer.view_partitions import Partitions, merge, merged_extras
from graph.answer.view_rows import empty_rows
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES
from graph.store.interface import Store

__all__ = ["ObservationView", "RegionNames", "read_view"]

_REGIONS = f"""
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX oc: <{OC}>
SELECT ?area ?code ?label ?parent ?parent_label WHERE {{
  ?area skos:notation ?code .
  FILTER(datatype(?code) = oc:KemendagriCode)
  OPTIONAL {{ ?area skos:prefLabel ?label }}
  OPTIONAL {{ ?area skos:broader ?parent . OPTIONAL {{ ?parent skos:prefLabel ?parent_label }} }}
}}"""


_LEVELS = f"""
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX oc: <{OC}>
SELECT ?area ?level WHERE {{ ?area oc:regionLevel/skos:notation ?level }}"""

_UNITS = f"""
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX oc: <{OC}>
SELECT ?indicator ?unit WHERE {{ ?indicator oc:unit/skos:prefLabel ?unit . FILTER(lang(?unit) = "id") }}"""


@dataclass(frozen=True)
class RegionNames:
    """A region's code and name, and its parent's name (literals; a name may be None)."""

    code: ox.Literal
    label: ox.Literal | None
    parent_label: ox.Literal | None


@dataclass(frozen=True)
class ObservationView:
    """Every published observation, indexed the way question plans read them.

    ``values[(indicator, period)][area]``: the published literals of that indicator for that
    region and period (IRIs as text), in store order. ``regions[area]``: one entry per
    code/name pair (a region with two names gives two, as a SPARQL join would).
    ``children[area]``: the regions directly under it. ``units[indicator]``: the Indonesian
    names of the indicator's unit. ``levels[area]``: the notation of the region's level
    (desa, kecamatan, ...), which the questions' code lists read. ``sourced[(indicator,
    period, dataset)][area]``: the same literals by the dataset publishing them, which a plan
    reads (one indicator's figures come from one dataset, ``graph.answer.authoritative``).
    ``coded[(indicator, period)]``: the regions whose value is a concept of a code list (a
    categorical indicator, e.g. an IDM status): no plan computes with them, but they are
    observations, so the choices of the questions (periods, indicators) count them.
    ``categories[(indicator, period, dataset)][area]``: those categorical values (concept IRIs,
    as text) by the dataset publishing them, as ``sourced`` holds literals (for counts of
    categories and of agencies' coverage). ``rows``: every scanned row, in partition order,
    observation IRIs and breakdown keys included (``graph.answer.view_rows``): insight's
    table is built from them (``graph.insight.observation_table``) without a scan of its own.
    ``graphs``: the public graphs it was read from; /sparql answers from the view only a
    request whose readable graphs are these (``api.sparql_answer``).
    """

    values: dict[tuple[str, str], dict[str, list[ox.Literal]]]
    regions: dict[str, list[RegionNames]]
    children: dict[str, list[str]]
    observation_count: int
    units: dict[str, list[ox.Literal]]
    levels: dict[str, str]
    sourced: dict[tuple[str, str, str], dict[str, list[ox.Literal]]] = field(default_factory=dict)
    coded: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    categories: dict[tuple[str, str, str], dict[str, list[str]]] = field(default_factory=dict)
    rows: pa.Table = field(default_factory=empty_rows)
    graphs: tuple[str, ...] = ()

    def periods(self) -> list[str]:
        """The periods (IRIs) that have observations."""
        return sorted({period for _, period in (*self.values, *self.coded)})

    def indicator_levels(self) -> dict[str, set[str]]:
        """Each indicator with observations -> the levels of the regions it is observed at."""
        found: dict[str, set[str]] = {}
        for (indicator, _), areas in (*self.values.items(), *self.coded.items()):
            levels = found.setdefault(indicator, set())
            levels.update(self.levels[a] for a in areas if a in self.levels)
        return found


def read_view(store: Store, iris: Iris, partitions: Partitions | None = None) -> ObservationView:
    """The view of the published graphs as they are now.

    ``partitions`` kept from an earlier build (and their files) are reused: only graphs
    published since are scanned. Without them, every published graph is scanned once.
    """
    parts, graphs = (partitions or Partitions()).update(store, iris)
    values, sourced, coded, count = merge(parts)
    categories, rows = merged_extras(parts)
    found = store.query(_REGIONS, default_graph=graphs)
    assert isinstance(found, ox.QuerySolutions)
    regions: dict[str, list[RegionNames]] = {}
    children: dict[str, set[str]] = {}
    for s in found:
        area = s["area"].value
        regions.setdefault(area, []).append(RegionNames(s["code"], s["label"], s["parent_label"]))
        if s["parent"] is not None:
            children.setdefault(s["parent"].value, set()).add(area)
    named = store.query(_UNITS, default_graph=graphs)
    assert isinstance(named, ox.QuerySolutions)
    units: dict[str, list[ox.Literal]] = {}
    for s in named:
        units.setdefault(s["indicator"].value, []).append(s["unit"])
    leveled = store.query(_LEVELS, default_graph=graphs)
    assert isinstance(leveled, ox.QuerySolutions)
    levels = {s["area"].value: s["level"].value for s in leveled}
    children_sorted = {k: sorted(v) for k, v in children.items()}
    return ObservationView(
        values,
        regions,
        children_sorted,
        count,
        units,
        levels,
        sourced,
        coded,
        categories,
        rows,
        tuple(graphs),
    )
