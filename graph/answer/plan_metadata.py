"""The small metadata some columnar plans read beside the observation view.

Trends and regional aggregates need each period's year (``oc:year``), each indicator's kind
(``oc:measureKind``: counts and areas are summed up the region tree) and its numerator and
denominator (a percentage is recomputed from them), and each region level's notation. These
are a few hundred statements of the reference and indicator graphs: three short queries that
never touch an observation, read once per view (one view per publication) and kept with it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pyoxigraph as ox

from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES
from graph.store.interface import Store
from graph.store.versions import published_graphs

__all__ = ["PlanMetadata", "plan_metadata", "read_plan_metadata"]

_PERIODS = f"SELECT ?period ?year WHERE {{ ?period <{OC}year> ?year }}"
_INDICATORS = f"""
SELECT ?indicator ?kind ?numerator ?denominator WHERE {{
  {{ ?indicator <{OC}measureKind> ?kind }}
  UNION {{ ?indicator <{OC}numerator> ?numerator }}
  UNION {{ ?indicator <{OC}denominator> ?denominator }}
}}"""
_LEVELS = (
    f"SELECT ?level ?notation WHERE {{ ?level <{OC}levelRank> ?rank ; "
    f"<{PREFIXES['skos']}notation> ?notation }}"
)


@dataclass(frozen=True)
class PlanMetadata:
    """``years[period]``: its ``oc:year`` literals; ``kinds[indicator]``: its measure kinds;
    ``numerators`` / ``denominators[indicator]``: the indicators it is computed from;
    ``levels[level IRI]``: the level's notation (``kecamatan``), as the view's ``levels``."""

    years: dict[str, list[ox.Literal]]
    kinds: dict[str, set[str]]
    numerators: dict[str, list[str]]
    denominators: dict[str, list[str]]
    levels: dict[str, str]


def read_plan_metadata(store: Store, iris: Iris) -> PlanMetadata:
    """The metadata of the published graphs as they are now (no observation is read)."""
    graphs = published_graphs(store, iris)
    years: dict[str, list[ox.Literal]] = {}
    for s in _solutions(store, _PERIODS, graphs):
        years.setdefault(s["period"].value, []).append(s["year"])
    kinds: dict[str, set[str]] = {}
    numerators: dict[str, list[str]] = {}
    denominators: dict[str, list[str]] = {}
    for s in _solutions(store, _INDICATORS, graphs):
        indicator = s["indicator"].value
        if s["kind"] is not None:
            kinds.setdefault(indicator, set()).add(s["kind"].value)
        if s["numerator"] is not None:
            numerators.setdefault(indicator, []).append(s["numerator"].value)
        if s["denominator"] is not None:
            denominators.setdefault(indicator, []).append(s["denominator"].value)
    levels = {s["level"].value: s["notation"].value for s in _solutions(store, _LEVELS, graphs)}
    return PlanMetadata(years, kinds, numerators, denominators, levels)


_lock = threading.Lock()
_last: tuple[ObservationView, PlanMetadata] | None = None


def plan_metadata(store: Store, iris: Iris, view: ObservationView) -> PlanMetadata:
    """The metadata of the publication ``view`` was read from: read once per view, since a
    new publication brings a new view (the one before is then forgotten)."""
    global _last
    with _lock:
        if _last is not None and _last[0] is view:
            return _last[1]
    found = read_plan_metadata(store, iris)
    with _lock:
        _last = (view, found)
    return found


def _solutions(store: Store, sparql: str, graphs: list[str]) -> ox.QuerySolutions:
    found = store.query(sparql, default_graph=graphs)
    assert isinstance(found, ox.QuerySolutions)
    return found
