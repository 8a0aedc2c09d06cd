"""A columnar view of the published observations, rebuilt after each publication.

Named questions that join two indicators by region and period are the platform's most
asked questions. On Oxigraph each such answer costs thousands of index lookups: at
1,000,000 observations the best query shape takes seconds. The same join on a column
table takes milliseconds. So the service keeps this view of every published observation
(indicator, region, period, value) and the region code list, and answers questions that
declare a ``columnar`` plan (``graph/columnar.py``) from it. The SPARQL text stays the
definition of each question: tests check that both give the same rows.

The view is read from the published graphs only, so it is in step with publication by
construction: the service rebuilds it when the store's publication marker changes and
answers from SPARQL until the new view is ready.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyoxigraph as ox

from graph.iris import Iris
from graph.namespaces import OC, PREFIXES
from graph.publication import published_graphs
from graph.store import Store

__all__ = ["ObservationView", "read_view"]

_OBSERVATIONS = f"""
PREFIX qb: <{PREFIXES["qb"]}>
PREFIX sdmx-dimension: <{PREFIXES["sdmx-dimension"]}>
SELECT ?indicator ?area ?period ?value WHERE {{
  ?o qb:measureType ?indicator ; ?indicator ?value ;
     sdmx-dimension:refArea ?area ; sdmx-dimension:refPeriod ?period .
}}"""

_REGIONS = f"""
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX oc: <{OC}>
SELECT ?area ?code ?label ?parent ?parent_label WHERE {{
  ?area skos:notation ?code .
  FILTER(datatype(?code) = oc:KemendagriCode)
  OPTIONAL {{ ?area skos:prefLabel ?label }}
  OPTIONAL {{ ?area skos:broader ?parent . OPTIONAL {{ ?parent skos:prefLabel ?parent_label }} }}
}}"""


@dataclass(frozen=True)
class ObservationView:
    """Every published observation as rows, and the regions with their codes and labels.

    ``observations``: columns ``indicator``, ``area``, ``period`` (IRIs as text, categorical)
    and ``value`` (the RDF literal as published). ``regions``: one row per region and label
    pair, columns ``area``, ``code``, ``label``, ``parent``, ``parent_label`` (literals or None).
    """

    observations: pd.DataFrame
    regions: pd.DataFrame

    def children(self) -> dict[str, list[str]]:
        """Region IRI -> the regions directly under it."""
        pairs = self.regions[["area", "parent"]].dropna().drop_duplicates()
        out: dict[str, list[str]] = {}
        for area, parent in pairs.itertuples(index=False):
            out.setdefault(parent, []).append(area)
        return out


def read_view(store: Store, iris: Iris) -> ObservationView:
    """The view of the published graphs as they are now (one scan of the observations)."""
    graphs = published_graphs(store, iris)
    rows = store.query(_OBSERVATIONS, default_graph=graphs)
    assert isinstance(rows, ox.QuerySolutions)
    indicators, areas, periods, values = [], [], [], []
    for s in rows:
        value = s["value"]
        if not isinstance(value, ox.Literal):
            continue
        indicators.append(s["indicator"].value)
        areas.append(s["area"].value)
        periods.append(s["period"].value)
        values.append(value)
    observations = pd.DataFrame(
        {
            "indicator": pd.Categorical(indicators),
            "area": pd.Categorical(areas),
            "period": pd.Categorical(periods),
            "value": pd.Series(values, dtype=object),
        }
    )
    found = store.query(_REGIONS, default_graph=graphs)
    assert isinstance(found, ox.QuerySolutions)
    regions = pd.DataFrame(
        [
            {
                "area": s["area"].value,
                "code": s["code"],
                "label": s["label"],
                "parent": s["parent"].value if s["parent"] is not None else None,
                "parent_label": s["parent_label"],
            }
            for s in found
        ],
        columns=["area", "code", "label", "parent", "parent_label"],
    )
    return ObservationView(observations, regions)
